"""The step inspector's map: a close-up of one step, with the update's parts drawn as arrows."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..surface.functions import Surface
from ..surface.trajectory import Trajectory
from .landscape import layout_image
from .layout import FONT
from .palette import ARROW_COLORS, ARROW_DASHES, OUTLINE, STEP_COLOR, color_name, style

# the shaft is a dashed line (palette.ARROW_DASHES), the annotation draws only the head
HEAD = 0.1  # the annotation's own line: ≥ this part of the view's half-width (plotly draws no head on less)


def arrow_look(i: int, count: int) -> tuple[str, str]:
    """The color and dash of arrow ``i`` of ``count`` (the last is the step taken)."""
    if i == count - 1:
        return STEP_COLOR, "solid"
    return ARROW_COLORS[i % len(ARROW_COLORS)], ARROW_DASHES[i % len(ARROW_DASHES)]


def arrow_words(i: int, count: int) -> str:
    """Arrow ``i`` as words a caption can use: "blue, dashed", "red-orange, solid"."""
    color, dash = arrow_look(i, count)
    return f"{color_name(color)}, {DASH_WORDS.get(dash, dash)}"


DASH_WORDS = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dash-dotted", "longdash": "long-dashed"}
CAPTION = (
    "The parts of one step as arrows from the point before it; the thick solid "
    f"{color_name(STEP_COLOR)} one is the step actually taken."
)


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
        color, dash = arrow_look(i, len(vectors))
        fig.add_trace(
            go.Scatter(
                x=[p[0], p[0] + v[0]],
                y=[p[1], p[1] + v[1]],
                mode="lines",
                line=dict(color=color, width=3.5 if last else 2.5, dash=dash),
                name=f"{label} ({arrow_words(i, len(vectors))}): ({v[0]:.3g}, {v[1]:.3g})",
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
        font=FONT,
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
