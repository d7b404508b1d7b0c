"""A 2D linear classifier learning: decision regions and score-zero lines beside the loss, animated.

``classifier_figure`` takes the data and a training run's snapshots (W of shape ``(k, 3, C)`` with
the bias as the last row, their iteration numbers, the loss per iteration) and returns one figure.
Frames patch only the C region polygons, the C score-zero lines and the loss cursor, so regions
move while the points, the loss curve and its trend stay put.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..linear.regions import Box, region_polygons, zero_line
from .animation import AnimatedFigure, map_axes, play_buttons, scrubber, typed
from .layout import headline
from .palette import OUTLINE, class_style
from .race import pick_grid


def _closed(poly: np.ndarray) -> np.ndarray:
    return np.vstack([poly, poly[:1]]) if len(poly) else poly


def _shapes(W: np.ndarray, box: Box) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return [_closed(p) for p in region_polygons(W, box)], [zero_line(W[:, c], box) for c in range(W.shape[1])]


def classifier_figure(
    X: np.ndarray,
    y: np.ndarray,
    class_names: tuple[str, ...],
    snapshot_W: np.ndarray,
    snapshot_steps: np.ndarray,
    snapshot_loss: np.ndarray,
    losses: np.ndarray,
    *,
    box: Box,
    trend: np.ndarray | None = None,
    epoch_steps: np.ndarray | None = None,
    epoch_losses: np.ndarray | None = None,
    at: int = 0,
    pickable: bool = True,
    title: str = "",
) -> go.Figure:
    """Data ``X (N, 2)``, labels ``y``; snapshots ``(k, 3, C)`` at iterations ``snapshot_steps`` with
    their full-data losses (where the cursor sits); ``losses[t]`` is the mini-batch loss at iteration
    t, with an optional smoothed ``trend`` and the full-data losses at ``epoch_steps``. ``at`` is the
    snapshot index the figure opens on. ``title`` defaults to what the two panels show."""
    C = snapshot_W.shape[2]
    at = int(np.clip(at, 0, len(snapshot_steps) - 1))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.1)
    if pickable:  # an invisible grid: a click on the map adds a point there
        fig.add_trace(pick_grid(box, name="add a point"), row=1, col=1)
    regions, lines = _shapes(snapshot_W[at], box)
    base = len(fig.data)
    for c in range(C):
        s = class_style(c)
        fig.add_trace(
            go.Scatter(
                x=regions[c][:, 0],
                y=regions[c][:, 1],
                mode="lines",
                fill="toself",
                fillcolor=_tint(s.color, 0.22),
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
            ),
            row=1,
            col=1,
        )
    for c in range(C):
        s = class_style(c)
        fig.add_trace(
            go.Scatter(
                x=lines[c][:, 0],
                y=lines[c][:, 1],
                mode="lines",
                line=dict(color=s.color, dash=s.dash, width=3),
                name=f"score of {class_names[c]} = 0",
                legendgroup=f"class{c}",
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    for c in range(C):
        s, pts = class_style(c), X[y == c]
        fig.add_trace(
            go.Scatter(
                x=pts[:, 0],
                y=pts[:, 1],
                mode="markers",
                marker=dict(color=s.color, symbol=s.symbol, size=9, line=dict(color=OUTLINE, width=1)),
                name=class_names[c],
                legendgroup=f"class{c}",
                hovertemplate=f"{class_names[c]}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
            ),
            row=1,
            col=1,
        )
    iterations = np.arange(len(losses))
    fig.add_trace(
        go.Scatter(
            x=iterations,
            y=losses,
            mode="lines",
            line=dict(color="#999999", width=1),
            name="loss per iteration (its batch)",
            hovertemplate="iteration %{x}<br>batch loss %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    if trend is not None:
        fig.add_trace(
            go.Scatter(
                x=iterations,
                y=trend,
                mode="lines",
                line=dict(color="#0072B2", width=4),  # thicker than the classes' lines: width, not only color
                name="trend (smoothed)",
                hovertemplate="iteration %{x}<br>trend %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    if epoch_steps is not None and epoch_losses is not None and len(epoch_steps):
        fig.add_trace(
            go.Scatter(
                x=epoch_steps,
                y=epoch_losses,
                mode="markers+lines",
                marker=dict(symbol="diamond", size=9, color="#D55E00", line=dict(color=OUTLINE, width=1)),
                line=dict(color="#D55E00", width=1.5, dash="dot"),
                name="loss on all the data",
                hovertemplate="iteration %{x}<br>full-data loss %{y:.4g}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    cursor_y = np.asarray(snapshot_loss, dtype=np.float64)
    fig.add_trace(
        go.Scatter(
            x=[snapshot_steps[at]],
            y=[cursor_y[at]],
            mode="markers",
            marker=dict(color="white", size=14, symbol="circle-x", line=dict(color=OUTLINE, width=2.5)),
            name="now",
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )

    frames = []
    for i, t in enumerate(snapshot_steps.tolist()):
        regions, lines = _shapes(snapshot_W[i], box)
        data = [{"x": typed(p[:, 0]), "y": typed(p[:, 1])} for p in regions + lines]
        data.append({"x": typed(np.array([t])), "y": typed(np.array([cursor_y[i]]))})
        frames.append({"name": str(t), "traces": list(range(base, base + 2 * C)) + [len(fig.data) - 1], "data": data})
    fig = AnimatedFigure(fig, frames)

    fig.update_layout(headline(title or "Each class's region as it trains (left), and the loss (right)", 560))
    fig.update_layout(
        height=560,
        margin=dict(l=60, r=20, b=130),
        plot_bgcolor="white",
        font=dict(size=14),
        updatemenus=[play_buttons()],
        sliders=[scrubber(snapshot_steps, active=at, prefix="iteration ")],
    )
    map_axes(fig, box, "feature 1", "feature 2")
    fig.update_xaxes(title_text="iteration", range=[0, max(len(losses), 1)], row=1, col=2)
    fig.update_yaxes(title_text="loss", rangemode="tozero", row=1, col=2)
    return fig


def _tint(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
