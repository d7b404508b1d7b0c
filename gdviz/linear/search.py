"""Looking for W with the loss alone, against following the gradient (CS231n, "Optimization 1").

Three strategies get the same budget of loss evaluations: #1 random search (draw W, keep the best),
#2 random local search (perturb the best W, keep a better one), #3 following the gradient.
Each is a generator ``iter_*(X, y, *, budget, ...)`` that yields a ``SearchRun`` of the work so far
after every chunk of evaluations (a progress bar, a stop button); the last one yielded is complete,
and ``random_search`` / ``random_local_search`` / ``follow_gradient`` run to that end. Counting:
one candidate W scored is 1 evaluation; one loss-and-gradient is 2 (its ``X.T @ mask`` costs as
much as the loss's ``X @ W``; benchmarks/bench_linear.py measures the ratio).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .losses import LOSSES, loss_spec
from .train import training_data

CHUNK = 48  # candidates per matmul: the fastest per candidate at the notebook's scale (benchmarks/bench_linear.py)
GRADIENT_COST = 2  # loss evaluations charged for one loss-and-gradient


@dataclass(frozen=True)
class SearchRun:
    """A strategy's progress: after ``evaluations[i]`` loss evaluations the best loss seen was ``best_loss[i]``.

    evaluations (n,)  increasing counts; the run is complete when the last equals ``budget``
    best_loss (n,)    running minimum of the losses evaluated (float64)
    W (D, C)          the best W so far; seconds is time spent computing, pauses between chunks excluded
    """

    name: str
    evaluations: np.ndarray
    best_loss: np.ndarray
    W: np.ndarray
    seconds: float
    budget: int
    loss: str
    seed: int
    settings: dict

    @property
    def done(self) -> bool:
        return int(self.evaluations[-1]) == self.budget

    @property
    def fraction(self) -> float:
        return int(self.evaluations[-1]) / self.budget

    @property
    def final_loss(self) -> float:
        return float(self.best_loss[-1])


def batch_loss(Ws, X, y, loss: str, reg: float = 0.0) -> np.ndarray:
    """The loss of each of B candidates Ws (B, D, C) on X (N, D), y (N,): shape (B,), float64.

    One matmul ``X @ [W_1 | W_2 | ... | W_B]`` reads X once for all B candidates, not once each.
    Equals ``LOSSES[loss](Ws[b], X, y, reg)[0]`` for every b (to rounding: 1e-6 relative in float32).
    """
    spec = loss_spec(loss)
    Ws = np.asarray(Ws)
    B, D, C = Ws.shape
    N = X.shape[0]
    scores = (X @ Ws.transpose(1, 0, 2).reshape(D, B * C)).reshape(N, B, C)
    data = spec.batched(scores, y)
    return data / N + reg * np.sum(Ws * Ws, axis=(1, 2), dtype=np.float64)


class _Record:
    """The best-loss-versus-evaluations curve, filled in place; yields read-only views of it."""

    def __init__(self, name: str, budget: int, loss: str, seed: int, settings: dict):
        self.name, self.budget, self.loss, self.seed, self.settings = name, budget, loss, seed, settings
        self.evaluations = np.zeros(budget, dtype=np.int64)
        self.best_loss = np.zeros(budget)
        self.n, self.spent, self.best, self.W = 0, 0, np.inf, None

    def add(self, values, Ws, cost: int = 1) -> None:
        """Evaluated losses ``values`` (k,) of candidates ``Ws`` (k, D, C), each costing ``cost``."""
        k = len(values)
        running = np.fmin.accumulate(np.concatenate([[self.best], values]))[1:]  # fmin: a NaN never wins
        self.evaluations[self.n : self.n + k] = self.spent + cost * np.arange(1, k + 1)
        self.best_loss[self.n : self.n + k] = running
        i = int(np.argmin(np.where(np.isnan(values), np.inf, values)))
        if values[i] < self.best:
            self.best, self.W = float(values[i]), Ws[i].copy()
        self.n, self.spent = self.n + k, self.spent + cost * k

    def run(self, seconds: float) -> SearchRun:
        views = [a[: self.n].view() for a in (self.evaluations, self.best_loss)]
        for v in views:
            v.flags.writeable = False
        return SearchRun(self.name, *views, self.W, seconds, self.budget, self.loss, self.seed, self.settings)


def _check(X, y, loss: str, budget, chunk, reg, **positive) -> tuple[np.ndarray, np.ndarray]:
    loss_spec(loss)  # an unknown name refused, in words
    if int(budget) != budget or budget < 1:
        raise ValueError(f"budget must be a whole number of loss evaluations ≥ 1, got {budget}")
    if int(chunk) != chunk or chunk < 1:
        raise ValueError(f"chunk must be a whole number ≥ 1, got {chunk}")
    if not (np.isfinite(reg) and reg >= 0):
        raise ValueError(f"reg must be a finite number ≥ 0, got {reg}")
    for name, value in positive.items():
        if not (np.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return training_data(X, y)


def _timed(steps: Iterator[None], record: _Record) -> Iterator[SearchRun]:
    """Yield the record after each chunk ``steps`` computes; time spent by the consumer is not counted."""
    spent, t0 = 0.0, time.perf_counter()
    for _ in steps:
        spent += time.perf_counter() - t0
        yield record.run(spent)
        t0 = time.perf_counter()


def iter_random_search(
    X, y, *, budget: int, loss: str = "svm", scale: float = 1e-4, chunk: int = CHUNK, reg=0.0, seed=0
):
    """Strategy #1, the notebook's loop: W = scale · N(0, 1), keep the best; ``chunk`` candidates per matmul.

    The candidates are drawn in order from one seeded stream, so the chunk size does not change them.
    """
    X, y = _check(X, y, loss, budget, chunk, reg, scale=scale)
    shape = (X.shape[1], int(y.max()) + 1)
    record = _Record("random", budget, loss, seed, {"scale": scale, "chunk": chunk, "reg": reg})
    rng = np.random.default_rng(seed)

    def steps():
        while record.spent < budget:
            Ws = scale * rng.standard_normal((min(chunk, budget - record.spent), *shape), dtype=X.dtype)
            with np.errstate(all="ignore"):  # weights too large overflow; the record keeps the best
                record.add(batch_loss(Ws, X, y, loss, reg), Ws)
            yield

    return _timed(steps(), record)


def iter_random_local_search(
    X, y, *, budget: int, loss: str = "svm", scale: float = 1e-4, step_size: float = 1e-4, chunk=CHUNK, reg=0.0, seed=0
):
    """Strategy #2: from W = scale · N(0, 1) (1 evaluation), try W + step_size · N(0, 1); keep it if better.

    ``chunk`` perturbations of the current best are scored at once (each counts 1) and the best of
    them replaces W if it is better: a (1 + chunk) evolution strategy. ``chunk=1`` is the notes' loop.
    """
    X, y = _check(X, y, loss, budget, chunk, reg, scale=scale, step_size=step_size)
    shape = (X.shape[1], int(y.max()) + 1)
    settings = {"scale": scale, "step_size": step_size, "chunk": chunk, "reg": reg}
    record = _Record("local", budget, loss, seed, settings)
    rng = np.random.default_rng(seed)

    def steps():
        W = scale * rng.standard_normal((1, *shape), dtype=X.dtype)
        with np.errstate(all="ignore"):
            record.add(batch_loss(W, X, y, loss, reg), W)
        yield
        while record.spent < budget:
            Ws = record.W + step_size * rng.standard_normal((min(chunk, budget - record.spent), *shape), dtype=X.dtype)
            with np.errstate(all="ignore"):
                record.add(batch_loss(Ws, X, y, loss, reg), Ws)
            yield

    return _timed(steps(), record)


def iter_follow_gradient(
    X, y, *, budget: int, loss: str = "svm", scale: float = 1e-4, lr: float = 1e-2, chunk=CHUNK, reg=0.0, seed=0
):
    """Strategy #3: from the same W0 as #2, full-batch steps W ← W − lr · dW with the analytic gradient.

    Each loss-and-gradient costs ``GRADIENT_COST`` (2) evaluations; with one evaluation left over,
    the last W reached is scored with the loss alone. A progress record about every ``chunk`` evaluations.
    """
    X, y = _check(X, y, loss, budget, chunk, reg, scale=scale, lr=lr)
    shape = (X.shape[1], int(y.max()) + 1)
    record = _Record("gradient", budget, loss, seed, {"scale": scale, "lr": lr, "chunk": chunk, "reg": reg})
    rng = np.random.default_rng(seed)

    def steps():
        W, last = scale * rng.standard_normal(shape, dtype=X.dtype), 0
        while record.spent + GRADIENT_COST <= budget:
            with np.errstate(all="ignore"):  # a learning rate too large overflows; the record keeps the best
                value, dW = LOSSES[loss](W, X, y, reg)
                record.add(np.array([value]), W[None], cost=GRADIENT_COST)
                W = W - np.asarray(lr * dW, dtype=X.dtype)
            if record.spent - last >= chunk:
                last = record.spent
                yield
        if record.spent < budget:
            with np.errstate(all="ignore"):
                record.add(batch_loss(W[None], X, y, loss, reg), W[None])
        if record.spent > last:
            yield

    return _timed(steps(), record)


STRATEGIES = {"random": iter_random_search, "local": iter_random_local_search, "gradient": iter_follow_gradient}
TITLES = {"random": "Random search", "local": "Random local search", "gradient": "Following the gradient"}


def _finish(progress: Iterator[SearchRun]) -> SearchRun:
    return deque(progress, maxlen=1)[0]  # the last record is the complete run


def random_search(X, y, *, budget: int, loss="svm", scale=1e-4, chunk=CHUNK, reg=0.0, seed=0) -> SearchRun:
    """``iter_random_search`` run to the end."""
    return _finish(iter_random_search(X, y, budget=budget, loss=loss, scale=scale, chunk=chunk, reg=reg, seed=seed))


def random_local_search(
    X, y, *, budget: int, loss="svm", scale=1e-4, step_size=1e-4, chunk=CHUNK, reg=0.0, seed=0
) -> SearchRun:
    """``iter_random_local_search`` run to the end."""
    settings = {"scale": scale, "step_size": step_size, "chunk": chunk, "reg": reg, "seed": seed}
    return _finish(iter_random_local_search(X, y, budget=budget, loss=loss, **settings))


def follow_gradient(X, y, *, budget: int, loss="svm", scale=1e-4, lr=1e-2, chunk=CHUNK, reg=0.0, seed=0) -> SearchRun:
    """``iter_follow_gradient`` run to the end."""
    settings = {"scale": scale, "lr": lr, "chunk": chunk, "reg": reg, "seed": seed}
    return _finish(iter_follow_gradient(X, y, budget=budget, loss=loss, **settings))


def compare_search(
    X, y, budget: int, *, loss="svm", reg=0.0, seed=0, scale=1e-4, step_size=1e-4, lr=1e-2, chunk=CHUNK
) -> dict[str, SearchRun]:
    """The three strategies on the same data, budget and seed: ``{"random": ..., "local": ..., "gradient": ...}``."""
    common = {"budget": budget, "loss": loss, "reg": reg, "seed": seed, "scale": scale, "chunk": chunk}
    return {
        "random": random_search(X, y, **common),
        "local": random_local_search(X, y, step_size=step_size, **common),
        "gradient": follow_gradient(X, y, lr=lr, **common),
    }
