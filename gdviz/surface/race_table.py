"""What a race table shows: one row of plain numbers per finished run (gdviz/readable.py writes them for a reader)."""

from __future__ import annotations

import numpy as np

from ..optimizers import OPTIMIZERS
from ..readable import readable
from .functions import Surface
from .trajectory import Trajectory

GAP_TOL = 1e-6
GAP_COLUMN = f"steps to f − f* ≤ {readable(GAP_TOL)}"


def steps_to_gap(surface: Surface, run: Trajectory, tol: float = GAP_TOL) -> int | None:
    """The first step at which f − f* ≤ tol (f* the global minimum's value); None if never or unknown."""
    if len(surface.minima) == 0:
        return None
    hit = np.flatnonzero(run.losses - surface.f(surface.global_minima).min() <= tol)
    return int(hit[0]) if len(hit) else None


def race_rows(surface: Surface, runs: dict[str, Trajectory]) -> list[dict]:
    """Per optimizer (single-start runs): final point and loss, distance to the nearest listed
    minimum, steps to reach the tolerance, steps taken and why it stopped, path length and
    gradient evaluations. A surface that lists no minima (a saddle, a typed formula) has no
    distance or gap to report: those two columns are left out."""
    rows = []
    known = len(surface.minima) > 0
    for name, r in runs.items():
        _, dist = surface.nearest_minimum(r.final)
        to_minimum = {"distance to nearest minimum": float(dist), GAP_COLUMN: steps_to_gap(surface, r)}
        rows.append(
            {
                "optimizer": OPTIMIZERS[name].title,
                "final loss": float(r.losses[-1]),
                "final x": float(r.final[0]),
                "final y": float(r.final[1]),
                **(to_minimum if known else {}),
                "steps taken": int(r.stopped_at),
                "stopped because": str(r.reason_text()),
                "diverged at": int(r.diverged_at) if r.diverged else None,
                "path length": float(r.path_length),
                "gradient evaluations": int(r.grad_evals),
            }
        )
    return rows
