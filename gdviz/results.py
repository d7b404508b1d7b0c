"""What a race table shows: one row of plain numbers per finished run."""

from __future__ import annotations

from .optimizers import OPTIMIZERS
from .surfaces import Surface
from .trajectory import Trajectory


def race_rows(surface: Surface, runs: dict[str, Trajectory]) -> list[dict]:
    """Per optimizer (single-start runs): final point and loss, distance to the nearest listed
    minimum, steps taken and why it stopped, path length and gradient evaluations."""
    rows = []
    for name, r in runs.items():
        _, dist = surface.nearest_minimum(r.final)
        rows.append(
            {
                "optimizer": OPTIMIZERS[name].title,
                "final loss": float(r.losses[-1]),
                "final x": float(r.final[0]),
                "final y": float(r.final[1]),
                "distance to nearest minimum": float(dist),
                "steps taken": int(r.stopped_at),
                "stopped because": str(r.reason_text()),
                "diverged at": int(r.diverged_at) if r.diverged else None,
                "path length": float(r.path_length),
                "gradient evaluations": int(r.grad_evals),
            }
        )
    return rows
