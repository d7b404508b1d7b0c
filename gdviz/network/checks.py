"""What ``train_mlp`` (gdviz/network/train.py) accepts: each argument checked before any work, with a
sentence for the first that is wrong.

``NOT_FOR_NETWORKS`` lists the optimizers that cannot step a vector of P parameters at all, and why;
``MAX_SNAPSHOTS`` is how many kept parameter sets a page can play back.
"""

from __future__ import annotations

import numpy as np

from ..linear.data import check_data
from ..optimizers import OPTIMIZERS
from ..schedules import resolve_schedule, schedule_table
from .model import Params

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


def check_inputs(X, y, X_test, y_test) -> tuple:
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


def check_params(params, D: int, hidden, classes: int) -> tuple[Params, tuple[int, ...]]:
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


def planned_snapshots(steps: int, snapshots) -> set[int]:
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


def check_optimizer(optimizer: str, hyper: dict, schedule, steps: int) -> tuple:
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
