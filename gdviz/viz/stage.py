"""What the stage plays: Plotly figures (panels) and, per panel, the traces that move with the step.

The stage (gdviz/ui/assets/stage.js) keeps one timeline, steps 0 … T, for every panel of a run. A
panel is a static figure plus its *moving* traces, each one of:

- ``path(trace, x, y)``: a path or curve of T + 1 points, drawn up to the step (a growing trail) or whole;
- ``now(trace, x, y)``: m points per step, arrays of shape (T + 1, m): markers where each run is at the step;
- ``snapshots(trace, steps, polylines)``: one polyline per snapshot, shown from its step on (regions);
- ``vline(trace, low, high)``: a vertical cursor at x = step from ``low`` to ``high``.

Two more kinds are painted on a canvas under the panel's plot (whose backgrounds the stage makes
transparent), in the order given, each switching at snapshot steps:

- ``raster(image, steps, cells, colors)``: a picture per snapshot, palette indices ``(k, ny, nx)``, in the
  place of the figure's ``layout.images[image]`` (decision regions, a neuron's output);
- ``links(shapes, steps, x, y, shades, widths, colors)``: line segments whose colour and width change per
  snapshot, in the place of the figure's ``layout.shapes[shapes[0]:shapes[1]]`` (a network's weights).

The moving traces are drawn in the figure as they look at ``at`` (a figure exported or shown without
the stage is still right: the image and the shapes hold snapshot ``at``); the stage then redraws them at
any step without a round trip. Arrays of bytes go zlib-compressed (``packed``): a run's pictures repeat
themselves from cell to cell and from snapshot to snapshot, and shrink 10 to 50 times.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from .animation import typed
from .projection import project

# px the stage is wide at its narrowest projected, 1280×720 with the sidebar open (measured 760; 1460 at 1920×1080):
# projected titles wrap to their panel's share of it (at 1100, a half panel's title could run 170 px into the next)
PAGE_WIDTH = 760


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


def packed(a: np.ndarray) -> dict:
    """Bytes (uint8 or int8) zlib-compressed, as the stage inflates them: ``{"dtype", "zlib": True, "bdata"}``."""
    a = np.ascontiguousarray(a)
    dtype = {np.dtype(np.uint8): "u1", np.dtype(np.int8): "i1"}[a.dtype]
    return {"dtype": dtype, "zlib": True, "bdata": base64.b64encode(zlib.compress(a.tobytes(), 1)).decode()}


def _palette(colors: np.ndarray) -> dict:
    colors = np.asarray(colors, dtype=np.uint8)
    if colors.ndim != 2 or colors.shape[1] != 3 or not 1 <= len(colors) <= 256:
        raise ValueError(f"colors must be 1 to 256 rows of (r, g, b), got shape {colors.shape}")
    return packed(colors)


def raster(image: int, steps, cells: np.ndarray, colors: np.ndarray) -> dict:
    """``cells (k, ny, nx)`` uint8 indices into ``colors (m, 3)`` (uint8 RGB); picture i (row 0 at the top) is
    shown from ``steps[i]`` until the next snapshot's step, where ``layout.images[image]`` stands."""
    cells = np.asarray(cells)
    if cells.ndim != 3 or cells.dtype != np.uint8 or len(cells) != len(steps):
        raise ValueError(f"cells must be uint8 of shape (k, ny, nx), one picture per step, got {cells.shape}")
    return {
        "kind": "raster",
        "image": int(image),
        "steps": [int(s) for s in steps],
        "shape": list(cells.shape),
        "cells": packed(cells),
        "colors": _palette(colors),
    }


def links(shapes: tuple[int, int], steps, x: np.ndarray, y: np.ndarray, shades, widths, colors) -> dict:
    """n segments from ``(x[j, 0], y[j, 0])`` to ``(x[j, 1], y[j, 1])``, in data coordinates, standing for
    ``layout.shapes[shapes[0]:shapes[1]]``; at snapshot i segment j is drawn in ``colors[shades[i, j]]``,
    ``widths[i, j]`` tenths of a pixel wide (both uint8, ``(k, n)``)."""
    shades, widths = np.asarray(shades), np.asarray(widths)
    n = len(x)
    if shades.shape != (len(steps), n) or widths.shape != shades.shape:
        raise ValueError(f"shades and widths must have shape (steps, segments) = ({len(steps)}, {n})")
    return {
        "kind": "links",
        "shapes": [int(shapes[0]), int(shapes[1])],
        "steps": [int(s) for s in steps],
        "x": typed(np.asarray(x).ravel()),
        "y": typed(np.asarray(y).ravel()),
        "shades": packed(shades.astype(np.uint8)),
        "widths": packed(widths.astype(np.uint8)),
        "colors": _palette(colors),
    }


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
