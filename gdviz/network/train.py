"""Training a network: ``train_mlp(X, y, hidden=, activation=, loss=, optimizer=, steps=) -> MLPRun``.

train_linear's loop for a network: each iteration takes the loss and gradient of the network at the
parameters θ_t on a batch (``model.loss_terms``), asks ``OPTIMIZERS[optimizer]`` for the step and sets
θ_{t+1} = θ_t + step. The batches, the evaluations, the snapshots and the divergence rule are
train_linear's (its own helpers, imported, so both loops cut the same batches from the same seed).

The optimizer sees every parameter at once as one flat vector θ (P,): W_1, b_1, W_2, b_2 ... row-major
(``model.flatten``). torch applies an optimizer to each parameter tensor on its own; for an elementwise
rule (sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, nadam, ...) that is the same
arithmetic, so a run here is torch's run (tests/network, against torch fixtures). A rule that reduces
over its tensor (Adafactor's RMS) sees the whole network here as one tensor, not each layer's W and b
(nor does it factor a matrix's second moment, as torch's does): not torch's run. ``NOT_FOR_NETWORKS``
lists the optimizers that cannot step a vector of P parameters at all, and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..linear.data import check_data
from ..linear.losses import loss_spec
from ..linear.train import EVALS, EXPLODE, batches, check_settings, epochs, examples_seen
from ..optimizers import OPTIMIZERS
from ..schedules import hyper_at, resolve_schedule, schedule_table
from .activations import activation as activation_spec
from .model import Params, flatten, forward, init_params, layer_sizes, loss_terms, penalty, unflatten

MAX_SNAPSHOTS = 1001  # what a page can play back: each snapshot is every weight of the network
# optimizers written for a point of a 2D surface: L-BFGS's dot products and ‖g‖₁ read coordinates 0 and 1
# only (gdviz/optimizers/quasi_newton.py); torch's LBFGS steps all parameters as one flat vector, as here
NOT_FOR_NETWORKS = {  # read from the records (their ``params``), with why
    name: "torch steps each weight matrix differently (it factors its second moment)"
    if spec.params == "vector"
    else "its step is driven by a closure in torch, which the network's script does not write yet"
    for name, spec in OPTIMIZERS.items()
    if spec.params != "any"
}


@dataclass(frozen=True)
class MLPRun:
    """Everything recorded while training. T = ``iterations``, the updates taken; L layers.

    params                    the final ``((W, b), ...)``: θ_T, or θ_{T-1} when update T diverged
    losses (T,)               losses[t] is the batch loss at θ_t, the one update t+1 used (reg included)
    eval_steps (E,)           iterations at which the full data was scored, 0 and the end included: the
                              snapshots for full batch, each epoch for mini-batch (or every few, about
                              100 in all), or every ``every`` iterations when it is given
    train_loss, train_acc (E,)    full training data's loss (reg included) and accuracy there
    test_loss, test_acc (E,)      the same on (X_test, y_test), or None without test data
    snapshot_steps (k,)       the iterations whose parameters were kept for playback, 0 and the end included
    snapshot_params           ``((W (k, fan_in, fan_out), b (k, fan_out)), ...)``: each layer at those iterations
    snapshot_loss, snapshot_acc (k,)  full training data's loss and accuracy of each snapshot
    diverged_at               the update whose result diverged (θ is kept from just before), else None
    cause                     what diverged, in a sentence ("" if nothing did)
    reason                    "steps" or "diverged"
    sizes                     the layer widths (D, *hidden, C)
    lrs (steps,)              the learning rate of each planned update, scheduled or constant
    schedule                  (name, kwargs) with every argument filled in, or None
    """

    params: tuple
    losses: np.ndarray
    eval_steps: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    test_loss: np.ndarray | None
    test_acc: np.ndarray | None
    snapshot_steps: np.ndarray
    snapshot_params: tuple
    snapshot_loss: np.ndarray
    snapshot_acc: np.ndarray
    diverged_at: int | None
    cause: str
    reason: str
    iterations: int
    batch_size: int
    full_batch: bool
    epochs: float
    sizes: tuple[int, ...]
    activation: str
    loss: str
    optimizer: str
    hyper: dict
    reg: float
    seed: int
    steps: int
    examples: int
    lrs: np.ndarray
    schedule: tuple | None

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    @property
    def final_loss(self) -> float:
        return float(self.train_loss[-1])

    @property
    def final_acc(self) -> float:
        return float(self.train_acc[-1])

    @property
    def diverged(self) -> bool:
        return self.reason == "diverged"

    def epochs_at(self, t: int) -> float:
        """Passes over the data that the first ``t`` updates made (examples seen / N)."""
        return epochs(t, self.examples, self.full_batch, self.batch_size)


def _check_inputs(X, y, X_test, y_test) -> tuple:
    """X and X_test as float64 arrays, the labels as arrays; a ValueError in words if they cannot train."""
    check_data(X, y)
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is None:
        return X, y, None, None
    check_data(X_test, y_test)
    if np.shape(X_test)[1] != X.shape[1]:
        raise ValueError(f"X_test has {np.shape(X_test)[1]} features but X has {X.shape[1]}")
    return X, y, np.asarray(X_test, dtype=np.float64), np.asarray(y_test)


def _check_params(params, D: int, hidden, classes: int) -> tuple[Params, tuple[int, ...]]:
    """A float64 copy of the caller's layers, and their widths; a ValueError unless they fit X, y and hidden."""
    layers = [tuple(np.array(a, dtype=np.float64) for a in layer) for layer in params]
    if not layers or any(len(layer) != 2 for layer in layers):
        raise ValueError("params must be a list of (W, b) pairs, one per layer")
    sizes = [D]
    for i, (W, b) in enumerate(layers):
        if W.ndim != 2 or W.shape[0] != sizes[-1] or b.shape != (W.shape[1],):
            raise ValueError(
                f"layer {i + 1} must have W of shape ({sizes[-1]}, fan_out) and b of shape (fan_out,), "
                f"got W {W.shape} and b {b.shape}"
            )
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i + 1} holds non-finite values (NaN or inf)")
        sizes.append(W.shape[1])
    if tuple(sizes[1:-1]) != tuple(hidden):
        widths = tuple(sizes[1:-1])
        raise ValueError(f"params have hidden layers {widths} but hidden is {tuple(hidden)}: pass both alike")
    if classes > sizes[-1]:
        raise ValueError(f"label {classes - 1} is out of range for params with {sizes[-1]} classes (outputs)")
    return layers, tuple(sizes)


def _planned_snapshots(steps: int, snapshots) -> set[int]:
    """The iterations to keep: a count spread evenly (as train_linear), or the caller's steps; 0 and the end
    always."""
    if np.ndim(snapshots) == 0:
        count = int(snapshots)
        if count != snapshots or not 2 <= count <= MAX_SNAPSHOTS:
            raise ValueError(f"snapshots must be a whole number from 2 to {MAX_SNAPSHOTS}, got {snapshots}")
        return set(np.unique(np.round(np.linspace(0, steps, min(count, steps + 1)))).astype(int).tolist())
    chosen = {0, steps, *(int(t) for t in snapshots)}
    if any(not 0 <= t <= steps for t in chosen) or any(int(t) != t for t in snapshots):
        raise ValueError(f"snapshot steps must be whole numbers from 0 to steps = {steps}")
    if len(chosen) > MAX_SNAPSHOTS:
        raise ValueError(f"at most {MAX_SNAPSHOTS} snapshots, got {len(chosen)}")
    return chosen


def _check_optimizer(optimizer: str, hyper: dict, schedule, steps: int) -> tuple:
    """The optimizer, its resolved hyperparameters, the schedule and its per-step table; a ValueError first
    if any is not valid. One network means one learning rate."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    if optimizer in NOT_FOR_NETWORKS:
        raise ValueError(f"{optimizer} cannot train a network: {NOT_FOR_NETWORKS[optimizer]}")
    resolved = OPTIMIZERS[optimizer].resolve(hyper)
    opt = OPTIMIZERS[optimizer](**resolved)
    schedule = resolve_schedule(schedule, resolved, steps)
    table = schedule_table(schedule, resolved, steps)
    if table["lr"].ndim != 1:
        raise ValueError("a network trains with one learning rate: give lr (and a schedule's max_lr) as one number")
    return opt, resolved, schedule, table


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
    X, y, X_test, y_test = _check_inputs(X, y, X_test, y_test)
    N, D = X.shape
    steps, batch, full = check_settings(N, steps, batch_size, reg, 2, None)  # snapshots are checked below
    planned = _planned_snapshots(steps, snapshots)
    if every is not None and (int(every) != every or every < 1):
        raise ValueError(f"every must be a whole number ≥ 1, got {every}")
    opt, resolved, schedule, table = _check_optimizer(optimizer, hyper, schedule, steps)
    if np.ndim(hidden) == 0:
        raise ValueError(f"hidden is a tuple of layer widths, such as (8,) or (8, 8), got {hidden}")
    hidden = layer_sizes(D, hidden, 1)[1:-1]
    classes = int(max(y.max(), -1 if y_test is None else y_test.max())) + 1

    rng_params, rng_batches = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    if params is None:
        params = init_params((D, *hidden, classes), rng_params)
    params, sizes = _check_params(params, D, hidden, classes)

    per_epoch = math.ceil(N / batch)
    if every is None and not full:
        every = per_epoch * max(1, math.ceil(math.ceil(steps / per_epoch) / EVALS))

    def evaluated(t: int) -> bool:
        return t in planned if every is None else t % every == 0

    scored: dict[int, tuple] = {}  # iteration -> (train loss, train acc, test loss, test acc), each computed once

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

    theta = flatten(params)
    losses = np.empty(steps)
    evals, snaps = [0], {0: theta}
    with np.errstate(all="ignore"):
        initial = score(0, theta)[0]
        if not np.isfinite(initial):
            raise ValueError("the loss at the initial params is not finite: they are far too large")
        limit = EXPLODE * max(1.0, initial)

        def blown(value) -> str:
            """Why a loss counts as diverged, in words, or "" if it does not."""
            if value <= limit:
                return ""
            if not np.isfinite(value):
                return f"the loss is {value}"
            return f"the loss reached {value:.3g}, over 1e6 × max(1, the starting loss {initial:.3g})"

        state, theta_prev, reason, diverged_at, cause, last = opt.init(theta), theta, "steps", None, "", steps
        for t, (Xb, yb) in zip(range(steps), batches(X, y, batch, rng_batches), strict=False):
            layers = unflatten(theta, sizes)
            value, grads, scores = loss_terms(layers, Xb, yb, act, spec, reg)
            kept = evaluated(t) or t in planned
            if full and kept:  # the batch is the full data: its loss and scores are the evaluation's
                score(t, theta, (value, float(np.mean(np.argmax(scores, axis=1) == y))))
            why = blown(value) or (kept and blown(score(t, theta)[0]))
            if t > 0 and why:
                scored.pop(t, None)
                reason, diverged_at, cause, theta, last = "diverged", t, f"update {t}: {why}", theta_prev, t - 1
                break
            if t > 0 and evaluated(t):
                evals.append(t)
            if t > 0 and t in planned:
                snaps[t] = theta
            losses[t] = value
            if schedule is not None:  # this update's hyperparameters; the state carries over
                opt = OPTIMIZERS[optimizer](**hyper_at(table, resolved, t))
            step, state = opt.update(flatten(grads), state, theta)
            theta_prev, theta = theta, theta + step
            if not np.isfinite(theta).all():
                why = "the weights overflowed (inf or NaN)"
                reason, diverged_at, cause, theta, last = "diverged", t + 1, f"update {t + 1}: {why}", theta_prev, t
                break
        else:
            why = blown(score(steps, theta)[0])  # θ_steps has not been scored yet
            if why:
                scored.pop(steps)
                reason, diverged_at, cause, last = "diverged", steps, f"update {steps}: {why}", steps - 1
                theta = theta_prev
        score(last, theta)

    iterations = last if diverged_at is None else diverged_at
    eval_steps = np.array(sorted({*evals, last}))
    snaps[last] = theta
    snapshot_steps = np.array(sorted(snaps))
    evals_of = np.array([scored[k] for k in eval_steps])
    snaps_of = np.array([scored[k] for k in snapshot_steps])
    seen = iterations * N if full else examples_seen(iterations, per_epoch, batch, N)
    return MLPRun(
        params=tuple((W, b) for W, b in unflatten(theta, sizes)),
        losses=losses[:iterations].copy(),
        eval_steps=eval_steps,
        train_loss=evals_of[:, 0],
        train_acc=evals_of[:, 1],
        test_loss=None if X_test is None else evals_of[:, 2],
        test_acc=None if X_test is None else evals_of[:, 3],
        snapshot_steps=snapshot_steps,
        snapshot_params=tuple(unflatten(np.stack([snaps[k] for k in snapshot_steps]), sizes)),
        snapshot_loss=snaps_of[:, 0],
        snapshot_acc=snaps_of[:, 1],
        diverged_at=diverged_at,
        cause=cause,
        reason=reason,
        iterations=iterations,
        batch_size=batch,
        full_batch=full,
        epochs=seen / N,
        sizes=sizes,
        activation=act,
        loss=spec.name,
        optimizer=optimizer,
        hyper=resolved,
        reg=float(reg),
        seed=seed,
        steps=steps,
        examples=N,
        lrs=table["lr"],
        schedule=schedule,
    )
