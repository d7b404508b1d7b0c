"""The training loop ``train_linear`` and ``train_mlp`` share: batches in, updates taken, divergence caught.

``descend`` steps the parameters θ (a classifier's W, or a network's flat vector) once per batch: it takes the
loss and gradient at θ_t, records the loss, asks the optimizer for the step and sets θ_{t+1} = θ_t + step. It
keeps θ at the iterations the caller plans to show (snapshots) and lists those at which it scores the full data
(``evaluated``); the caller's ``score(t, θ)`` scores, once per iteration (it keeps what it computed).

Divergence: a loss above ``EXPLODE`` × max(1, the initial loss) (or NaN) at θ_t, the batch's or, where it is
scored, the full data's, or a non-finite θ_t, stops the run with ``diverged_at = t`` and keeps θ_{t-1}. ``tol``
(full batch only) stops when ‖∇‖ ≤ tol, keeping θ_t. With a schedule, update t+1 uses ``rebuild(t)``'s
optimizer, its state carried over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..optimizers.spec import Optimizer

EXPLODE = 1e6  # a loss above EXPLODE × max(1, initial loss) has diverged


@dataclass
class Descent:
    """What the loop leaves: ``theta`` (θ_last; θ_{T-1} when update T diverged), ``losses`` (the first
    ``iterations`` entries are the batch losses), ``evals`` and ``snaps`` (iteration -> θ) beyond 0 and the end."""

    theta: np.ndarray
    losses: np.ndarray
    evals: list[int]
    snaps: dict[int, np.ndarray]
    reason: str  # "steps", "tolerance" or "diverged"
    diverged_at: int | None
    cause: str  # what diverged, in a sentence ("" if nothing did)
    last: int  # the iteration of ``theta``

    @property
    def iterations(self) -> int:
        """The updates taken (the one that diverged included)."""
        return self.last if self.diverged_at is None else self.diverged_at


def descend(
    theta: np.ndarray,
    batches: Iterator[tuple[np.ndarray, np.ndarray]],
    *,
    steps: int,
    gradient: Callable[[int, np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray]],
    score: Callable[[int, np.ndarray], float],
    forget: Callable[[int], None],
    evaluated: Callable[[int], bool],
    planned: set[int],
    initial: float,
    opt: Optimizer,
    rebuild: Callable[[int], Optimizer] | None = None,
    shape: tuple[int, ...] | None = None,
    dtype=None,
    tol: float | None = None,
) -> Descent:
    """Up to ``steps`` updates of ``theta`` from ``batches``.

    ``gradient(t, θ, X_batch, y_batch)`` is the loss at θ_t and its gradient (θ's shape); ``score(t, θ)`` the full
    data's loss at θ_t, computed once and kept by the caller; ``forget(t)`` drops one that diverged; ``initial`` is
    the loss at θ_0. The optimizer sees θ as ``shape`` (L-BFGS: one flat row). ``dtype``: θ is kept in it (a
    float32 classifier stays float32). Call it under ``np.errstate(all="ignore")``.
    """
    shape, limit = shape or theta.shape, EXPLODE * max(1.0, initial)

    def blown(value) -> str:
        """Why a loss counts as diverged, in words, or "" if it does not (NaN does)."""
        if value <= limit:
            return ""
        if not np.isfinite(value):
            return f"the loss is {value}"
        return f"the loss reached {value:.3g}, over 1e6 × max(1, the starting loss {initial:.3g})"

    losses = np.empty(steps)
    evals, snaps = [0], {0: theta}
    state, theta_prev = opt.init(theta.reshape(shape)), theta
    for t, (Xb, yb) in zip(range(steps), batches, strict=False):
        value, grad = gradient(t, theta, Xb, yb)
        kept = evaluated(t) or t in planned
        why = blown(value) or (kept and blown(score(t, theta)))
        if t > 0 and why:
            forget(t)
            return Descent(theta_prev, losses, evals, snaps, "diverged", t, f"update {t}: {why}", t - 1)
        if t > 0 and evaluated(t):
            evals.append(t)
        if t > 0 and t in planned:
            snaps[t] = theta
        if tol is not None and np.linalg.norm(grad) <= tol:
            return Descent(theta, losses, evals, snaps, "tolerance", None, "", t)
        losses[t] = value
        if rebuild is not None:  # this update's hyperparameters; the state carries over
            opt = rebuild(t)
        step, state = opt.update(grad.reshape(shape), state, theta.reshape(shape))
        theta_prev, theta = theta, theta + step.reshape(theta.shape)
        if dtype is not None:
            theta = theta.astype(dtype, copy=False)
        if not np.isfinite(theta).all():
            why = "the weights overflowed (inf or NaN)"
            return Descent(theta_prev, losses, evals, snaps, "diverged", t + 1, f"update {t + 1}: {why}", t)
    why = blown(score(steps, theta))  # θ_steps has not been scored yet
    if why:
        forget(steps)
        return Descent(theta_prev, losses, evals, snaps, "diverged", steps, f"update {steps}: {why}", steps - 1)
    return Descent(theta, losses, evals, snaps, "steps", None, "", steps)
