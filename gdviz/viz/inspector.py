"""The step inspector's map: a close-up of one step, with the update's parts drawn as arrows."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..surfaces import Surface
from ..trajectory import Trajectory
from .landscape import layout_image
from .palette import OUTLINE, style

# arrow colors: the plain gradient step, the parts in between, the step actually taken
ARROW_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
STEP_COLOR = "#D55E00"
# and dashes, so color is not the only cue: the shaft is a dashed line, the annotation draws only the head
ARROW_DASHES = ("dash", "dot", "dashdot", "longdash")
HEAD = 0.1  # the annotation's own line: ≥ this part of the view's half-width (plotly draws no head on less)


def inspector_figure(surface: Surface, run: Trajectory, t: int, vectors: dict[str, np.ndarray]) -> go.Figure:
    """Zoomed map around θ_{t−1} with the path and one arrow per named vector (the step taken last)."""
    p = run.points[t - 1]
    lengths = [np.linalg.norm(v) for v in vectors.values()] or [0.0]
    (x0, x1), (y0, y1) = surface.domain
    half = max(1.6 * max(lengths), 1e-3 * (x1 - x0))  # the longest arrow fills most of the view
    s = style(run.optimizer)
    fig = go.Figure(
        go.Scatter(
            x=run.points[:, 0],
            y=run.points[:, 1],
            mode="lines+markers",
            line=dict(color=s.color, dash=s.dash, width=2),
            marker=dict(size=6, color=s.color, symbol=s.symbol),
            name=f"{OPTIMIZERS[run.optimizer].title} path",
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p[0]],
            y=[p[1]],
            mode="markers",
            name=f"θ before step {t}",
            marker=dict(size=14, color="white", line=dict(color=OUTLINE, width=2)),
        )
    )
    for i, (label, v) in enumerate(vectors.items()):
        last = i == len(vectors) - 1
        tail = 1 - min(1.0, HEAD * half / max(float(np.linalg.norm(v)), 1e-300))  # where the head's line starts
        color = STEP_COLOR if last else ARROW_COLORS[i % len(ARROW_COLORS)]
        fig.add_trace(
            go.Scatter(
                x=[p[0], p[0] + v[0]],
                y=[p[1], p[1] + v[1]],
                mode="lines",
                line=dict(color=color, width=3.5 if last else 2.5, dash="solid" if last else ARROW_DASHES[i % 4]),
                name=f"{label}: ({v[0]:.3g}, {v[1]:.3g})",
                hoverinfo="skip",
            )
        )
        fig.add_annotation(
            x=p[0] + v[0],
            y=p[1] + v[1],
            ax=p[0] + tail * v[0],
            ay=p[1] + tail * v[1],
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.2,
            arrowwidth=3.5 if last else 2.5,
            arrowcolor=color,
            text="",
        )
    fig.update_layout(
        images=[layout_image(surface)],
        height=640,
        font=dict(size=14),
        margin=dict(l=60, r=20, t=40, b=40),
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=13)),
        title=f"Step {t}, close up",
    )
    fig.update_xaxes(range=[p[0] - half, p[0] + half], title_text="x", constrain="domain")
    fig.update_yaxes(
        range=[p[1] - half, p[1] + half], title_text="y", scaleanchor="x", scaleratio=1, constrain="domain"
    )
    return fig
