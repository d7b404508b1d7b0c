"""Static companions of the race: distance to the nearest minimum, and the surface in 3D."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..surface.functions import Surface
from ..surface.trajectory import Trajectory
from .landscape import level_label, level_values
from .layout import FONT, LOG_AXIS
from .palette import OUTLINE, style, symbol_3d

MARKS = 12  # markers along each curve: enough to tell the optimizers apart without color


def distance_figure(surface: Surface, runs: dict[str, Trajectory]) -> go.Figure:
    """Distance from each path to its nearest listed minimum, against step (log axis)."""
    fig = go.Figure()
    for name, run in runs.items():
        _, dist = surface.nearest_minimum(run.points)
        s = style(name)
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(dist)),
                y=np.maximum(dist, 1e-16),
                mode="lines+markers",
                line=dict(color=s.color, dash=s.dash, width=2.5),
                marker=dict(
                    symbol=s.symbol, size=9, color=s.color, maxdisplayed=MARKS, line=dict(color=OUTLINE, width=1)
                ),
                name=OPTIMIZERS[name].title,
            )
        )
    fig.update_layout(
        title="Distance to the nearest minimum",
        xaxis_title="step",
        yaxis=LOG_AXIS | dict(title="distance"),
        height=380,
        margin=dict(l=60, r=20, t=50, b=50),
        font=FONT,
        legend=dict(orientation="h", y=-0.2),
    )
    return fig


def surface3d_figure(surface: Surface, runs: dict[str, Trajectory], n: int = 90) -> go.Figure:
    """The landscape as a 3D surface with the paths lying on it (height on the contour map's scale)."""
    xs, ys, Z = surface.grid(n)
    V = level_values(surface, Z)
    H = np.clip(V, None, np.nanpercentile(V, 99))  # NaN where a typed formula has no value: a hole
    fig = go.Figure(go.Surface(x=xs, y=ys, z=H, colorscale="Blues_r", opacity=0.85, showscale=False, hoverinfo="skip"))

    def height(p):
        with np.errstate(all="ignore"):
            return np.clip(level_values(surface, surface.f(p), grid=Z), np.nanmin(H), np.nanmax(H))

    (x0, x1), (y0, y1) = surface.domain
    for name, run in runs.items():
        s = style(name)
        inside = (
            (run.points[:, 0] >= x0) & (run.points[:, 0] <= x1) & (run.points[:, 1] >= y0) & (run.points[:, 1] <= y1)
        )
        p = run.points[inside]
        marked = np.arange(len(p)) % max(1, len(p) // MARKS) == 0  # Scatter3d has no maxdisplayed: size 0 hides
        fig.add_trace(
            go.Scatter3d(
                x=p[:, 0],
                y=p[:, 1],
                z=height(p),
                mode="lines+markers",
                line=dict(color=s.color, dash=s.dash, width=6),
                marker=dict(symbol=symbol_3d(s.symbol), color=s.color, size=np.where(marked, 5, 0)),
                name=OPTIMIZERS[name].title,
            )
        )
    fig.update_layout(
        title="The landscape in 3D, with each path lying on it",
        height=620,
        margin=dict(l=0, r=0, t=50, b=0),
        font=FONT,
        scene=dict(
            xaxis_title="x",
            yaxis_title="y",
            zaxis_title=level_label(surface, Z),  # the scale the heights are drawn on
            aspectmode="manual",
            aspectratio=dict(x=1, y=(y1 - y0) / (x1 - x0), z=0.6),
        ),
        legend=dict(orientation="h", itemsizing="constant"),  # the legend's marker keeps its size, not the mean
    )
    return fig
