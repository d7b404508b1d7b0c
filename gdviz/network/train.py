"""Training a network: ``train_mlp(X, y, hidden=, activation=, loss=, optimizer=, steps=) -> MLPRun``.

train_linear's loop for a network (``descend``, gdviz/linear/loop.py: the same batches from the same seed, the
same evaluations, snapshots and divergence rule): each iteration takes the loss and gradient of the network
at the parameters θ_t on a batch (``model.loss_terms``), asks ``OPTIMIZERS[optimizer]`` for the step and
sets θ_{t+1} = θ_t + step.

The optimizer sees every parameter at once as one flat vector θ (P,): W_1, b_1, W_2, b_2 ... row-major
(``model.flatten``). torch applies an optimizer to each parameter tensor on its own; for an elementwise
rule (sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, nadam, ...) that is the same
arithmetic, so a run here is torch's run (tests/network, against torch fixtures). A rule that reduces
over its tensor (Adafactor's RMS) sees the whole network here as one tensor, not each layer's W and b
(nor does it factor a matrix's second moment, as torch's does): not torch's run. ``NOT_FOR_NETWORKS``
(gdviz/network/checks.py, with every other check of the arguments) lists the optimizers that cannot step a
vector of P parameters at all, and why. The run comes back as an ``MLPRun`` (gdviz/network/record.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ..linear.loop import Descent, descend
from ..linear.losses import loss_spec
from ..linear.train import batches, check_settings, examples_seen, scoring_every
from ..optimizers import Optimizer
from ..schedules import optimizer_at
from .activations import activation as activation_spec
from .checks import MAX_SNAPSHOTS, NOT_FOR_NETWORKS, check_inputs, check_optimizer, check_params, planned_snapshots
from .model import Params, flatten, forward, init_params, layer_sizes, loss_terms, penalty, unflatten
from .record import MLPRun

__all__ = ["MAX_SNAPSHOTS", "NOT_FOR_NETWORKS", "MLPRun", "train_mlp"]  # the names importers read from here


def train_mlp(
    X,
    y,
    *,
    hidden=(8,),
    activation: str = "tanh",
    loss: str = "softmax",
    optimizer: str = "sgd",
    steps: int,
    batch_size: int | None = None,
    reg: float = 0.0,
    seed: int = 0,
    schedule=None,
    params=None,
    X_test=None,
    y_test=None,
    every: int | None = None,
    snapshots=101,
    **hyper,
) -> MLPRun:
    """Train a network with hidden layers of widths ``hidden`` on X (N, D), y (N,) for up to ``steps`` updates.

    ``hidden=()`` is the linear classifier (train_linear's run, given the same W and bias). ``activation``:
    a name of ``ACTIVATIONS``, for every hidden layer; ``loss``: "softmax" or "svm"; the loss is the mean
    data loss + ``reg · Σ W²`` over every layer's W (no bias). ``params``: the initial ``[(W, b), ...]``,
    copied; by default ``init_params`` draws them from the first of ``SeedSequence(seed).spawn(2)``, the
    second drawing the mini-batches (as train_linear's W0 and batches). ``batch_size``: None (or N) is
    full batch, else each epoch a fresh permutation cut in order, the last batch partial. ``every``:
    score the full data (and X_test, y_test) every this many updates, instead of at the snapshots (full
    batch) or once per epoch (mini-batch, every few past about 100). ``snapshots``: how many evenly
    spaced iterations to keep (2 to 1001), or which. ``schedule``: a name or ``(name, kwargs)`` from
    ``SCHEDULES``, stepped once per update. Everything is computed in float64.
    Divergence: a non-finite or exploded (> 1e6 · max(1, initial loss)) loss at θ_t, or a non-finite θ_t,
    stops the run with ``diverged_at = t`` and keeps θ_{t-1}; no warning escapes.
    """
    spec, act = loss_spec(loss), activation_spec(activation).name
    X, y, X_test, y_test = check_inputs(X, y, X_test, y_test)
    plan = _plan(X, y, y_test, hidden, optimizer, steps, batch_size, reg, every, snapshots, schedule, hyper)
    rng_params, rng_batches = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    params, sizes = _initial_params(params, X.shape[1], plan, rng_params)
    scoring = _scoring(plan, sizes, act, spec, reg, X, y, X_test, y_test)
    done = _descend_scored(flatten(params), batches(X, y, plan.batch, rng_batches), plan, scoring)
    return _mlp_run(done, scoring.scored, plan, sizes, X, X_test, act, spec, optimizer, reg, seed)


class _Plan(NamedTuple):
    """train_mlp's settings, checked, and what they resolve to."""

    steps: int
    batch: int  # examples per update (N for full batch)
    full: bool
    planned: set[int]  # the snapshot iterations
    every: int | None  # score the full data every this many updates; None: at the snapshots (full batch)
    opt: Optimizer
    resolved: dict  # the optimizer's hyperparameters, defaults filled in
    schedule: tuple | None  # (name, kwargs) with every argument filled in
    table: dict  # schedule_table: each update's hyperparameters ({"lr": (steps,), ...})
    rebuild: Callable[[int], Optimizer] | None  # with a schedule: update t+1's optimizer
    hidden: tuple[int, ...]  # the hidden layers' widths
    classes: int


def _plan(X, y, y_test, hidden, optimizer, steps, batch_size, reg, every, snapshots, schedule, hyper) -> _Plan:
    """Every check of train_mlp's settings, in the order it reports them, and the optimizer and schedule."""
    N, D = X.shape
    steps, batch, full = check_settings(N, steps, batch_size, reg, 2, None)  # snapshots are checked below
    planned = planned_snapshots(steps, snapshots)
    if every is not None and (int(every) != every or every < 1):
        raise ValueError(f"every must be a whole number ≥ 1, got {every}")
    opt, resolved, schedule, table = check_optimizer(optimizer, hyper, schedule, steps)
    if np.ndim(hidden) == 0:
        raise ValueError(f"hidden is a tuple of layer widths, such as (8,) or (8, 8), got {hidden}")
    hidden = layer_sizes(D, hidden, 1)[1:-1]
    classes = int(max(y.max(), -1 if y_test is None else y_test.max())) + 1
    if every is None and not full:  # once per epoch, or every few epochs past about EVALS of them
        every = scoring_every(N, batch, steps)
    rebuild = None if schedule is None else lambda t: optimizer_at(optimizer, table, resolved, t)
    return _Plan(steps, batch, full, planned, every, opt, resolved, schedule, table, rebuild, hidden, classes)


def _initial_params(params, D: int, plan: _Plan, rng) -> tuple[Params, tuple[int, ...]]:
    """θ_0 as [(W, b), ...] and the layer sizes: the caller's params, checked and copied, or ``init_params``'s."""
    if params is None:
        params = init_params((D, *plan.hidden, plan.classes), rng)
    return check_params(params, D, plan.hidden, plan.classes)


class _Scoring(NamedTuple):
    """What ``descend`` calls for a network, and the scores it keeps."""

    evaluated: Callable[[int], bool]  # is the full data scored at iteration t
    score: Callable  # score(t, θ) -> (train loss, train acc, test loss, test acc), computed once per t
    gradient: Callable  # gradient(t, θ, X_batch, y_batch) -> (batch loss, ∇ as a flat vector)
    scored: dict  # iteration -> score(t, θ)


def _scoring(plan: _Plan, sizes, act: str, spec, reg: float, X, y, X_test, y_test) -> _Scoring:
    """The closures that score θ_t on the data (and the test data) and take its gradient on a batch."""
    planned, every, full = plan.planned, plan.every, plan.full
    scored: dict[int, tuple] = {}  # iteration -> (train loss, train acc, test loss, test acc), each computed once

    def evaluated(t: int) -> bool:
        return t in planned if every is None else t % every == 0

    def data_terms(layers, Xs, ys, scores=None) -> tuple[float, float]:
        if scores is None:
            scores = forward(layers, Xs, act).scores
        value = float(spec.per_example(scores, ys).sum() / len(ys)) + penalty(layers, reg)
        return value, float(np.mean(np.argmax(scores, axis=1) == ys))

    def score(t: int, theta, train=None) -> tuple:
        if t not in scored:
            layers = unflatten(theta, sizes)
            train = train or data_terms(layers, X, y)
            scored[t] = train + (data_terms(layers, X_test, y_test) if X_test is not None else (math.nan,) * 2)
        return scored[t]

    def gradient(t: int, theta, Xb, yb) -> tuple[float, np.ndarray]:
        value, grads, scores = loss_terms(unflatten(theta, sizes), Xb, yb, act, spec, reg)
        if full and (evaluated(t) or t in planned):  # the batch is the full data: its loss and scores are the score's
            score(t, theta, (value, float(np.mean(np.argmax(scores, axis=1) == y))))
        return value, flatten(grads)

    return _Scoring(evaluated, score, gradient, scored)


def _descend_scored(theta: np.ndarray, batches, plan: _Plan, scoring: _Scoring) -> Descent:
    """``descend`` from θ_0 once its loss is known to be finite, and θ at the end scored."""
    score, scored = scoring.score, scoring.scored
    with np.errstate(all="ignore"):
        initial = score(0, theta)[0]
        if not np.isfinite(initial):
            raise ValueError("the loss at the initial params is not finite: they are far too large")
        done = descend(
            theta,
            batches,
            steps=plan.steps,
            gradient=scoring.gradient,
            score=lambda t, theta: score(t, theta)[0],
            forget=lambda t: scored.pop(t, None),
            evaluated=scoring.evaluated,
            planned=plan.planned,
            initial=initial,
            opt=plan.opt,
            rebuild=plan.rebuild,
        )
        score(done.last, done.theta)
    return done


def _mlp_run(done: Descent, scored, plan: _Plan, sizes, X, X_test, act, spec, optimizer, reg, seed) -> MLPRun:
    """The MLPRun of a finished descent: its losses, the scores at its evaluations and snapshots, the epochs."""
    theta, last, iterations, snaps = done.theta, done.last, done.iterations, done.snaps
    eval_steps = np.array(sorted({*done.evals, last}))
    snaps[last] = theta
    snapshot_steps = np.array(sorted(snaps))
    evals_of = np.array([scored[k] for k in eval_steps])
    snaps_of = np.array([scored[k] for k in snapshot_steps])
    N, batch = X.shape[0], plan.batch
    seen = iterations * N if plan.full else examples_seen(iterations, math.ceil(N / batch), batch, N)
    return MLPRun(
        params=tuple((W, b) for W, b in unflatten(theta, sizes)),
        losses=done.losses[:iterations].copy(),
        eval_steps=eval_steps,
        train_loss=evals_of[:, 0],
        train_acc=evals_of[:, 1],
        test_loss=None if X_test is None else evals_of[:, 2],
        test_acc=None if X_test is None else evals_of[:, 3],
        snapshot_steps=snapshot_steps,
        snapshot_params=tuple(unflatten(np.stack([snaps[k] for k in snapshot_steps]), sizes)),
        snapshot_loss=snaps_of[:, 0],
        snapshot_acc=snaps_of[:, 1],
        diverged_at=done.diverged_at,
        cause=done.cause,
        reason=done.reason,
        iterations=iterations,
        batch_size=batch,
        full_batch=plan.full,
        epochs=seen / N,
        sizes=sizes,
        activation=act,
        loss=spec.name,
        optimizer=optimizer,
        hyper=plan.resolved,
        reg=float(reg),
        seed=seed,
        steps=plan.steps,
        examples=N,
        lrs=plan.table["lr"],
        schedule=plan.schedule,
    )
