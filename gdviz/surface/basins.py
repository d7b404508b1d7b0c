"""Basins of attraction: ``basin_map(surface, optimizer, n, steps, **hyper) -> BasinMap``.

Every cell of an n × n grid over ``surface.domain`` is a start; all n² run together as one batch
through ``endpoints`` (no per-step history), and each cell is labelled by where its start ended:
the index of the listed minimum it reached, ``NO_MINIMUM`` (-1) or ``DIVERGED`` (-2).
Cells are indexed as in ``Surface.grid``: ``label[i, j]`` belongs to the start ``(xs[j], ys[i])``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import Surface
from .trajectory import endpoints

NO_MINIMUM, DIVERGED = -1, -2  # labels besides a minimum's index
TOL_WIDTHS = 1e-2  # default: a start reached a minimum if it ended this many domain widths from it


@dataclass(frozen=True)
class BasinMap:
    """Where each start of the grid ended. ``n`` cells a side; shapes below.

    xs (n,), ys (n,)    the grid, as in Surface.grid: cell [i, j] starts at (xs[j], ys[i])
    label (n, n)        index into ``minima`` of the minimum within ``tol`` of the final point,
                        NO_MINIMUM (-1) if none is (not converged, or a saddle), DIVERGED (-2)
    final (n, n, 2)     the final point (frozen at the last good point where diverged)
    final_loss (n, n)   f at the final point; NaN where diverged (the frozen point means nothing)
    stopped_at (n, n)   steps taken; diverged (n, n) bool
    minima (m, 2)       the surface's listed minima, which ``label`` indexes
    cause (n, n)        where a start diverged, what went wrong: an index into trajectory.CAUSES (0 if
                        it did not), e.g. "f has no value there" for a start where a formula has none
    """

    surface: str
    optimizer: str
    hyper: dict
    steps: int
    tol: float
    xs: np.ndarray
    ys: np.ndarray
    label: np.ndarray
    final: np.ndarray
    final_loss: np.ndarray
    stopped_at: np.ndarray
    diverged: np.ndarray
    minima: np.ndarray
    cause: np.ndarray | None = None

    def counts(self) -> dict[int, int]:
        """Cells per label, every minimum listed (0 if none reached it), then -1 and -2."""
        labels = [*range(len(self.minima)), NO_MINIMUM, DIVERGED]
        return {k: int((self.label == k).sum()) for k in labels}


def grid_starts(surface: Surface, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``xs (n,)``, ``ys (n,)`` as in Surface.grid, and the starts ``(n, n, 2)`` with [i, j] = (xs[j], ys[i])."""
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, np.stack([X, Y], axis=-1)


def basin_map(
    surface: Surface, optimizer: str, n: int = 100, steps: int = 500, *, tol: float | None = None, **hyper
) -> BasinMap:
    """Run ``optimizer`` for ``steps`` steps from every cell of an ``n × n`` grid and label the cells.

    ``tol`` (default 1e-2 × the domain's wider side) is how close the final point must be to a
    listed minimum to count as reaching it. ``hyper`` goes to the optimizer; ``lr`` may be an array
    broadcastable to ``(n * n, 1)``.
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be ≥ 1, got {n}")
    if tol is None:
        tol = TOL_WIDTHS * max(hi - lo for lo, hi in surface.domain)
    xs, ys, starts = grid_starts(surface, n)
    end = endpoints(surface, optimizer, starts.reshape(-1, 2), steps, **hyper)
    index, dist = surface.nearest_minimum(end.final)
    label = np.where(dist <= tol, index, NO_MINIMUM)  # NaN distance (no minima) is never ≤ tol
    label = np.where(end.diverged, DIVERGED, label)
    final_loss = np.where(end.diverged, np.nan, end.losses)
    return BasinMap(
        surface=surface.name,
        optimizer=optimizer,
        hyper=end.hyper,
        steps=int(steps),
        tol=float(tol),
        xs=xs,
        ys=ys,
        label=label.reshape(n, n),
        final=end.final.reshape(n, n, 2),
        final_loss=final_loss.reshape(n, n),
        stopped_at=end.stopped_at.reshape(n, n),
        diverged=end.diverged.reshape(n, n),
        minima=surface.minima,
        cause=end.cause.reshape(n, n),
    )
