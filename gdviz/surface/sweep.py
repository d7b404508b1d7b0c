"""Learning-rate sweeps: ``lr_sweep(surface, optimizer, start, lrs, steps, **hyper) -> Sweep``.

k learning rates run as ONE vectorized walk: k copies of ``start`` with ``lr`` of shape ``(k, 1)``,
through ``endpoints``, so each entry equals the scalar run at that learning rate bit for bit.
``stability_limit`` gives the classic edge 2 / L for surfaces whose curvature is positive and bounded by a
constant L, and ``stability_reason`` says in words why a surface has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..optimizers.spec import check_lr
from .functions import Surface
from .trajectory import endpoints


@dataclass(frozen=True)
class Sweep:
    """One entry per learning rate; ``k = len(lrs)``.

    lrs (k,)           the learning rates, in the order given
    final (k, 2)       where each run ended; final_loss (k,) f there (the frozen point's if diverged)
    diverged (k,)      bool; diverged_at (k,) the step it diverged at, -1 if not
    stopped_at (k,)    steps taken; reason (k,) why it stopped, an index into REASONS
    cause (k,)         where a run diverged, what went wrong: an index into CAUSES (0 if it did not)
    """

    surface: str
    optimizer: str
    hyper: dict  # the other hyperparameters, defaults filled in
    start: np.ndarray
    steps: int
    lrs: np.ndarray
    final: np.ndarray
    final_loss: np.ndarray
    diverged: np.ndarray
    diverged_at: np.ndarray
    stopped_at: np.ndarray
    reason: np.ndarray
    cause: np.ndarray | None = None


def log_lrs(low: float, high: float, n: int) -> np.ndarray:
    """``n`` learning rates evenly spaced on a log scale from ``low`` to ``high`` (both included)."""
    if not 0 < low <= high:
        raise ValueError(f"need 0 < low ≤ high, got low={low}, high={high}")
    return np.geomspace(low, high, int(n))


def lr_sweep(
    surface: Surface,
    optimizer: str,
    start,
    lrs,
    steps: int,
    *,
    grad_tol: float | None = None,
    loss_tol: float | None = None,
    **hyper,
) -> Sweep:
    """Run ``optimizer`` from ``start`` (2,) once per learning rate in ``lrs`` (k,), all k at once.

    ``grad_tol`` / ``loss_tol`` stop a run as in ``run`` (then ``stopped_at`` is steps to converge);
    ``hyper`` holds the other hyperparameters, shared by every run.
    """
    if "lr" in hyper:
        raise ValueError("lr_sweep sets lr from lrs; pass the learning rates there")
    lrs = np.asarray(lrs, dtype=np.float64)
    if lrs.ndim != 1 or len(lrs) == 0:
        raise ValueError(f"lrs must be a non-empty 1-D sequence, got shape {lrs.shape}")
    check_lr(lrs, "lrs")  # named by its index in lrs, before it becomes a column
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,):
        raise ValueError(f"start must have shape (2,), got {start.shape}")
    starts = np.broadcast_to(start, (len(lrs), 2))
    end = endpoints(surface, optimizer, starts, steps, grad_tol=grad_tol, loss_tol=loss_tol, lr=lrs[:, None], **hyper)
    return Sweep(
        surface=surface.name,
        optimizer=optimizer,
        hyper={k: v for k, v in end.hyper.items() if k != "lr"},
        start=start,
        steps=int(steps),
        lrs=lrs,
        final=end.final,
        final_loss=end.losses,
        diverged=end.diverged,
        diverged_at=end.diverged_at,
        stopped_at=end.stopped_at,
        reason=end.reason,
        cause=end.cause,
    )


CURVATURE_GRID = 9  # points per axis where stability_limit checks that the curvature is positive


def _curves_up_everywhere(surface: Surface) -> bool:
    """Whether the Hessian is positive definite all over the domain (checked on a small grid)."""
    (x0, x1), (y0, y1) = surface.domain
    X, Y = np.meshgrid(np.linspace(x0, x1, CURVATURE_GRID), np.linspace(y0, y1, CURVATURE_GRID))
    with np.errstate(all="ignore"):
        eig = np.linalg.eigvalsh(surface.hessian(np.stack([X, Y], axis=-1)))
    return bool(np.isfinite(eig).all() and (eig > 0).all())


def stability_limit(surface: Surface) -> float | None:
    """2 / L, the largest learning rate at which plain GD is stable, where the surface's curvature is
    positive definite and bounded by a constant L (quadratic, booth, matyas); None where it is not: a
    saddle's curvature is bounded (|curvature| ≤ 2) but negative along y, where GD moves away at every
    learning rate. ``stability_reason`` says why in words."""
    if surface.lipschitz is None or surface.stability_note or not _curves_up_everywhere(surface):
        return None
    return 2.0 / surface.lipschitz


def stability_reason(surface: Surface) -> str | None:
    """One sentence a sweep can print where ``stability_limit`` draws no line; None where it draws one."""
    if stability_limit(surface) is not None:
        return None
    if surface.stability_note:
        return surface.stability_note
    if surface.lipschitz is not None:  # bounded curvature that is not positive everywhere
        return "this surface curves down somewhere, and there GD moves away at every learning rate."
    return "the curvature changes from place to place, so no single learning rate marks where plain GD turns unstable."
