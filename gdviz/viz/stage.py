"""What the stage plays: Plotly figures (panels) and, per panel, the traces that move with the step.

The stage (gdviz/ui/assets/stage.js) keeps one timeline, steps 0 … T, for every panel of a run. A
panel is a static figure plus its *moving* traces, each one of:

- ``path(trace, x, y)``: a path or curve of T + 1 points, drawn up to the step (a growing trail) or whole;
- ``now(trace, x, y)``: m points per step, arrays of shape (T + 1, m): markers where each run is at the step;
- ``snapshots(trace, steps, polylines)``: one polyline per snapshot, shown from its step on (regions);
- ``vline(trace, low, high)``: a vertical cursor at x = step from ``low`` to ``high``.

The moving traces are drawn in the figure as they look at ``at`` (a figure exported or shown without
the stage is still right); the stage then redraws them at any step without a round trip.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .animation import typed
from .projection import project

PAGE_WIDTH = 1100  # px a stage is about wide: projected titles wrap to their panel's share of it


def path(trace: int, x: np.ndarray | None, y: np.ndarray) -> dict:
    """``x=None`` means x is the step itself (a curve against step)."""
    return {"kind": "path", "trace": trace, "x": None if x is None else typed(x), "y": typed(y)}


def now(trace: int, x: np.ndarray | None, y: np.ndarray) -> dict:
    """``y`` (and ``x``) of shape (T + 1, m); ``x=None`` puts the points at x = step."""
    y = np.asarray(y)
    return {"kind": "now", "trace": trace, "m": int(y.shape[1]), "x": None if x is None else typed(x), "y": typed(y)}


def snapshots(trace: int, steps: np.ndarray, polylines: list[np.ndarray]) -> dict:
    """``polylines[i]`` (n_i, 2) is shown from ``steps[i]`` until the next snapshot's step."""
    sizes = [len(p) for p in polylines]
    flat = np.concatenate([p.reshape(-1, 2) for p in polylines]) if sum(sizes) else np.zeros((0, 2))
    return {
        "kind": "frames",
        "trace": trace,
        "steps": [int(s) for s in steps],
        "offsets": np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist(),
        "x": typed(flat[:, 0]),
        "y": typed(flat[:, 1]),
    }


def vline(trace: int, low: float, high: float) -> dict:
    return {"kind": "vline", "trace": trace, "y": [float(low), float(high)]}


class Panel(NamedTuple):
    """One plot of the stage: ``width`` its share of the row, ``click`` the name a click on it reports,
    ``legend_row``: its legend becomes the stage's, in a row of its own under all the plots."""

    figure: go.Figure
    moving: list[dict]
    width: float = 1.0
    testid: str = ""
    click: str = ""
    legend_row: bool = False


def stage_spec(
    panels: list[Panel],
    steps: int,
    *,
    projection: bool = False,
    trail: bool = True,
    trail_toggle: bool = True,
) -> dict:
    """The stage's whole input for one run of ``steps`` steps (``projection``: every figure projected);
    ``id`` changes exactly when anything in it does."""
    spec = {
        "T": int(steps),
        "panels": [_panel(p, projection) for p in panels],
        "projection": projection,
        "trail": trail,
        "trailToggle": trail_toggle,
    }
    spec["id"] = hashlib.sha1(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]
    return spec


def _panel(p: Panel, projection: bool) -> dict:
    fig = project(p.figure, width=round(PAGE_WIDTH * p.width)) if projection else p.figure
    return {
        "figure": json.loads(pio.to_json(fig, validate=False)),
        "moving": p.moving,
        "width": p.width,
        "testid": p.testid,
        "click": p.click,
        "legendRow": p.legend_row,
    }
