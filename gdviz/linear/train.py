"""Training a linear classifier: ``train_linear(X, y, loss=, optimizer=, steps=) -> LinearRun``.

One loop for vanilla (full-batch) and mini-batch gradient descent: each iteration takes the loss
and gradient ``LOSSES[loss](W, X_batch, y_batch, reg)`` at ``W_t``, asks ``OPTIMIZERS[optimizer]``
for the step, and sets ``W_{t+1} = W_t + step``. Iteration t is numbered by the updates before it,
so ``W_t`` is W after t updates. A run stops after ``steps`` updates, when the full-batch gradient
norm falls to ``tol``, or when it diverges (reported in the run, never raised). With a ``schedule``
(gdviz.schedules) update t+1 uses the hyperparameters a torch scheduler sets before the optimizer's
(t+1)-th step, the optimizer rebuilt with them and its state carried over. The loop itself is
``descend`` (gdviz/linear/loop.py), which train_mlp steps a network with too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..optimizers import OPTIMIZERS, Optimizer
from ..schedules import optimizer_at, resolve_schedule, schedule_table
from .data import check_data
from .loop import Descent, descend
from .losses import LOSSES, penalty, per_example

REASONS = ("steps", "tolerance", "diverged")
EVALS = 100  # mini-batch: the full data is scored once per epoch, or every few epochs past about this many
INIT_SCALE = 1e-3  # W0 = 0.001 · N(0, 1), as in CS231n


@dataclass(frozen=True)
class LinearRun:
    """Everything recorded while training. T = ``iterations``, the updates taken.

    W (D, C)                  the final weights: W_T, or W_{T-1} when update T diverged
    losses (T,)               float64; losses[t] is the mini-batch loss at W_t, the one update t+1 used
    eval_steps (E,)           iterations at which the full data was scored, 0 and the end included: at the
                              snapshots for full batch (``losses`` is the full-data loss there already);
                              each epoch for mini-batch, or every few epochs so that there are about 100
    eval_loss, eval_acc (E,)  full-data loss (with reg) and accuracy of W at those iterations
    snapshot_steps (k,)       at most ``snapshots`` evenly spaced iterations, 0 and the end included
    snapshot_W (k, D, C)      W at those iterations, for playback
    snapshot_loss, snapshot_acc (k,)  full-data loss and accuracy of each snapshot
    diverged_at               the update whose result diverged (W is kept from just before), else None
    reason                    "steps", "tolerance" or "diverged"
    batch_size                examples per update (N for full batch); epochs = examples seen / N
    examples                  N, the rows of X trained on
    lrs (steps,)              the learning rate of each planned update, scheduled or constant (read-only;
                              lrs[t] is update t+1's, listed for all ``steps`` even when the run stopped early)
    schedule                  (name, kwargs) with every argument filled in, or None
    """

    W: np.ndarray
    losses: np.ndarray
    eval_steps: np.ndarray
    eval_loss: np.ndarray
    eval_acc: np.ndarray
    snapshot_steps: np.ndarray
    snapshot_W: np.ndarray
    snapshot_loss: np.ndarray
    snapshot_acc: np.ndarray
    diverged_at: int | None
    reason: str
    iterations: int
    batch_size: int
    full_batch: bool
    epochs: float
    loss: str
    optimizer: str
    hyper: dict
    reg: float
    seed: int
    steps: int
    tol: float | None
    examples: int
    lrs: np.ndarray | None = None
    schedule: tuple | None = None

    @property
    def final_loss(self) -> float:
        return float(self.eval_loss[-1])

    @property
    def final_acc(self) -> float:
        return float(self.eval_acc[-1])

    @property
    def diverged(self) -> bool:
        return self.reason == "diverged"

    def epochs_at(self, t: int) -> float:
        """Passes over the data that the first ``t`` updates made (examples seen / N)."""
        return epochs(t, self.examples, self.full_batch, self.batch_size)


def predict(W, X) -> np.ndarray:
    """The class of highest score for each row of X: ``argmax(X @ W)``, shape (N,)."""
    return np.argmax(X @ W, axis=1)


def accuracy(W, X, y) -> float:
    """The fraction of rows of X whose predicted class is y."""
    return float(np.mean(predict(W, X) == y))


def smoothed(losses, window: int) -> np.ndarray:
    """Trailing running mean: entry t is the mean of losses[max(0, t − window + 1) : t + 1].

    Same length as ``losses``; the first window − 1 entries average what there is so far.
    A plain mean (not an EMA) so that a reader can check any point of the trend line by hand.
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    x = np.asarray(losses, dtype=np.float64)
    csum = np.concatenate([[0.0], np.cumsum(x)])
    t = np.arange(1, len(x) + 1)
    lo = np.maximum(0, t - window)
    return (csum[t] - csum[lo]) / (t - lo)


def training_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """``check_data``'s refusals in words; X comes back as a float32 or float64 array."""
    X, y = np.asarray(X), np.asarray(y)
    check_data(X, y)
    return (X if X.dtype in (np.float32, np.float64) else X.astype(np.float64)), y


def _check_W(W, D: int, y: np.ndarray, dtype, name: str = "W0") -> np.ndarray:
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != D:
        raise ValueError(f"{name} must have shape (D, C) = ({D}, C) to match X's {D} features, got {W.shape}")
    if y.max() >= W.shape[1]:
        raise ValueError(f"label {y.max()} is out of range for {name} with {W.shape[1]} classes (columns)")
    if not np.isfinite(W).all():
        raise ValueError(f"{name} holds non-finite values (NaN or inf)")
    return W.astype(dtype)  # a copy: the caller's array is never stepped


def check_settings(N: int, steps, batch_size, reg, snapshots, tol) -> tuple[int, int, bool]:
    """Steps, examples per update and whether that is full batch; a ValueError the page can show if not valid."""
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    if batch_size is not None:
        if int(batch_size) != batch_size:
            raise ValueError(f"batch size must be a whole number, got {batch_size}")
        if batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {batch_size}")
        if batch_size > N:
            raise ValueError(f"batch size {batch_size} is larger than the {N} examples")
    if not (np.isfinite(reg) and reg >= 0):
        raise ValueError(f"reg must be a finite number ≥ 0, got {reg}")
    if snapshots < 2:
        raise ValueError(f"snapshots must be at least 2 (the start and the end), got {snapshots}")
    full = batch_size is None or batch_size == N
    if tol is not None and not full:
        raise ValueError("tol (a gradient-norm tolerance) needs full batch: the mini-batch gradient is noisy")
    return steps, N if full else int(batch_size), full


# an optimizer whose torch rule for a matrix differs from the one gdviz writes for a vector (see its record)
VECTORS_ONLY = (
    "{title} is written here for a vector of parameters (a point on a surface); torch steps a matrix such as W "
    "differently (it factors its second moment), so choose another optimizer to train a classifier"
)


def train_linear(
    X,
    y,
    *,
    loss: str,
    optimizer: str,
    steps: int,
    batch_size: int | None = None,
    reg: float = 0.0,
    seed: int = 0,
    W0=None,
    snapshots: int = 101,
    tol: float | None = None,
    schedule=None,
    **hyper,
) -> LinearRun:
    """Train W (D, C) on X (N, D), y (N,) with ``OPTIMIZERS[optimizer](**hyper)`` for up to ``steps`` updates.

    X is used as given (add the bias column first). ``batch_size=None`` (or N) is full batch; an
    integer 1..N is mini-batch: each epoch takes a fresh permutation of the rows from a seeded
    generator and cuts it into batches in order; the last, partial batch of an epoch is kept (as
    torch's DataLoader does by default), so every example is seen once per epoch. W0 defaults to
    0.001 · N(0, 1) from its own seeded stream, so passing that W0 gives the same run. W is kept in
    X's float dtype. ``tol`` stops full-batch training when ‖dW‖ ≤ tol (W_t is kept).
    Divergence: a non-finite or exploded (> 1e6 · max(1, initial loss)) loss at W_t, or a
    non-finite W_t, stops the run with ``diverged_at = t`` and keeps W_{t-1}; no warning escapes.
    ``schedule``: a name or ``(name, kwargs)`` from ``SCHEDULES``, stepped once per update.
    """
    st = _settings(X, y, loss, optimizer, steps, batch_size, reg, snapshots, tol, schedule, hyper)
    rng_w, rng_batches = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    W = _initial_W(W0, st.X.shape[1], st.y, st.X.dtype, rng_w)
    planned, evaluated = _scoring_plan(st, snapshots)
    score, scored = _full_data_scorer(st.X, st.y, loss, reg)
    loss_fn = LOSSES[loss]
    with np.errstate(all="ignore"):
        initial = score(0, W)[0]
        if not np.isfinite(initial):
            raise ValueError("the loss at W0 is not finite: W0 is far too large")
        done = descend(
            W,
            batches(st.X, st.y, st.batch, rng_batches),
            steps=st.steps,
            gradient=lambda t, W, Xb, yb: loss_fn(W, Xb, yb, reg),
            score=lambda t, W: score(t, W)[0],
            forget=lambda t: scored.pop(t, None),
            evaluated=evaluated,
            planned=planned,
            initial=initial,
            opt=st.opt,
            rebuild=st.rebuild,
            shape=st.shape,
            dtype=st.X.dtype,
            tol=tol,
        )
        score(done.last, done.theta)
    return _linear_run(done, scored, st, loss=loss, optimizer=optimizer, reg=reg, seed=seed, tol=tol)


class _Settings(NamedTuple):
    """train_linear's arguments, checked, and what they resolve to."""

    X: np.ndarray  # float32 or float64
    y: np.ndarray
    steps: int
    batch: int  # examples per update (N for full batch)
    full: bool
    resolved: dict  # the optimizer's hyperparameters, defaults filled in
    opt: Optimizer
    schedule: tuple | None  # (name, kwargs) with every argument filled in
    table: dict  # schedule_table: each update's hyperparameters ({"lr": (steps,), ...})
    rebuild: Callable[[int], Optimizer] | None  # with a schedule: update t+1's optimizer
    shape: tuple[int, ...] | None  # how the optimizer sees W: (1, -1) for a rule that reads it whole (L-BFGS)


def _settings(X, y, loss, optimizer, steps, batch_size, reg, snapshots, tol, schedule, hyper) -> _Settings:
    """Every check of train_linear's arguments, in the order it reports them, and the optimizer and schedule."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if OPTIMIZERS[optimizer].params == "vector":
        raise ValueError(VECTORS_ONLY.format(title=OPTIMIZERS[optimizer].title))
    X, y = training_data(X, y)
    steps, batch, full = check_settings(X.shape[0], steps, batch_size, reg, snapshots, tol)
    resolved = OPTIMIZERS[optimizer].resolve(hyper)
    opt = OPTIMIZERS[optimizer](**hyper)
    schedule = resolve_schedule(schedule, resolved, steps)
    table = schedule_table(schedule, resolved, steps)
    rebuild = None if schedule is None else lambda t: optimizer_at(optimizer, table, resolved, t)
    # a rule that reads its whole parameter (L-BFGS) sees W as torch's does, one flat vector; the rest any shape
    shape = (1, -1) if OPTIMIZERS[optimizer].params == "flat" else None
    return _Settings(X, y, steps, batch, full, resolved, opt, schedule, table, rebuild, shape)


def _initial_W(W0, D: int, y: np.ndarray, dtype, rng) -> np.ndarray:
    """W_0: the caller's W0, checked and copied in X's dtype, or 0.001 · N(0, 1) drawn from ``rng``."""
    if W0 is None:
        W0 = INIT_SCALE * rng.standard_normal((D, int(y.max()) + 1))
    return _check_W(W0, D, y, dtype)


def _scoring_plan(st: _Settings, snapshots: int) -> tuple[set[int], Callable[[int], bool]]:
    """The snapshot iterations, and ``evaluated(t)``: is the full data scored at t (full batch: at the snapshots)."""
    planned = set(np.unique(np.round(np.linspace(0, st.steps, min(snapshots, st.steps + 1)))).astype(int).tolist())
    every, full = scoring_every(st.X.shape[0], st.batch, st.steps), st.full

    def evaluated(t: int) -> bool:
        return t in planned if full else t % every == 0

    return planned, evaluated


def _full_data_scorer(X, y, loss: str, reg: float) -> tuple[Callable, dict]:
    """``score(t, W)``, the full data's (loss with reg, accuracy) at W_t, and the dict that keeps each t's once."""
    scored: dict[int, tuple[float, float]] = {}  # iteration -> (full-data loss, accuracy), each computed once

    def score(t, W) -> tuple[float, float]:
        if t not in scored:
            scores, data_loss = per_example(W, X, y, loss)
            value = np.mean(data_loss, dtype=np.float64) + penalty(W, reg)
            scored[t] = float(value), float(np.mean(np.argmax(scores, axis=1) == y))
        return scored[t]

    return score, scored


def _linear_run(done: Descent, scored: dict, st: _Settings, *, loss, optimizer, reg, seed, tol) -> LinearRun:
    """The LinearRun of a finished descent: its losses, the scores at its evaluations and snapshots, the epochs."""
    W, last, iterations, snaps = done.theta, done.last, done.iterations, done.snaps
    eval_steps = np.array(sorted({*done.evals, last}))
    snaps[last] = W
    snapshot_steps = np.array(sorted(snaps))
    N, batch = st.X.shape[0], st.batch
    seen = iterations * N if st.full else examples_seen(iterations, math.ceil(N / batch), batch, N)
    return LinearRun(
        W=W,
        losses=done.losses[:iterations].copy(),
        eval_steps=eval_steps,
        eval_loss=np.array([scored[k][0] for k in eval_steps]),
        eval_acc=np.array([scored[k][1] for k in eval_steps]),
        snapshot_steps=snapshot_steps,
        snapshot_W=np.stack([snaps[k] for k in snapshot_steps]),
        snapshot_loss=np.array([scored[k][0] for k in snapshot_steps]),
        snapshot_acc=np.array([scored[k][1] for k in snapshot_steps]),
        diverged_at=done.diverged_at,
        reason=done.reason,
        iterations=iterations,
        batch_size=batch,
        full_batch=st.full,
        epochs=seen / N,
        loss=loss,
        optimizer=optimizer,
        hyper=st.resolved,
        reg=float(reg),
        seed=seed,
        steps=st.steps,
        tol=tol,
        examples=N,
        lrs=st.table["lr"],
        schedule=st.schedule,
    )


def batches(X, y, batch: int, rng):
    """(X_batch, y_batch) for each update, endlessly: all of X when batch == N; otherwise each epoch
    a fresh permutation of the rows, cut in order into batches, the last one partial when batch ∤ N."""
    N = len(y)
    while batch == N:
        yield X, y
    while True:
        order = rng.permutation(N)
        for lo in range(0, N, batch):
            rows = order[lo : lo + batch]
            yield X[rows], y[rows]


def scoring_every(N: int, batch: int, steps: int) -> int:
    """Mini-batch: the iterations between two scorings of the full data, one epoch or a few past ``EVALS`` epochs."""
    per_epoch = math.ceil(N / batch)
    return per_epoch * max(1, math.ceil(math.ceil(steps / per_epoch) / EVALS))


def same_start(N: int, batch_size: int | None, steps: int, longer: int) -> bool:
    """Whether a run of ``longer`` updates begins as one of ``steps``: its ``losses[:steps]`` are the shorter run's,
    bit for bit, for the same settings without a schedule or ``tol`` and with ``snapshots=2`` (a loss curve alone).

    Every update draws the same batches and takes the same step, whatever comes after. What could differ is
    where a run stops as diverged: a mini-batch run also checks the full data's loss when it scores it, so the
    two runs must score it at the same iterations. The longer run checks step ``steps`` too, where the shorter
    run ends, but that stop keeps its ``losses[:steps]`` whole (``train_linear`` records ``losses[t]`` before it
    judges W_{t+1})."""
    full = batch_size is None or batch_size == N
    return longer >= steps and (full or scoring_every(N, batch_size, steps) == scoring_every(N, batch_size, longer))


def epochs(t: int, N: int, full_batch: bool, batch_size: int) -> float:
    """Passes over N examples that the first ``t`` updates made: t for full batch, else examples seen / N."""
    t = int(t)
    return float(t) if full_batch else examples_seen(t, math.ceil(N / batch_size), batch_size, N) / N


def examples_seen(iterations: int, per_epoch: int, batch: int, N: int) -> int:
    """Rows used by ``iterations`` mini-batch updates when each epoch ends with a partial batch."""
    epochs, rest = divmod(iterations, per_epoch)
    return epochs * N + rest * batch
