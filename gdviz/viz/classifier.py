"""A 2D linear classifier learning: decision regions and score-zero lines beside the loss, animated.

Both functions take the data and a training run's snapshots (W of shape ``(k, 3, C)`` with the bias as
the last row, their iteration numbers, the loss per iteration). ``classifier_figure`` returns one
Plotly figure with frames (the HTML download): frames patch only the C region polygons, the C
score-zero lines and the loss cursor. ``classifier_panels`` returns the same views as two stage panels
(gdviz.viz.stage) on a timeline of iterations 0 … T: regions and lines switch at snapshot boundaries,
a cursor and a marker follow the iteration, the points and the loss curves stay put.

Every snapshot's regions and lines come from one vectorized pass (gdviz.linear.snapshot_regions), and
the traces are plain dicts: the stage's panels are built unvalidated, as the race's are (a rerun of the
page must stay cheap; every key is one plotly accepts, and the tests validate the figures).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..linear.regions import Box
from ..linear.snapshot_regions import region_polygons_all, zero_lines_all
from . import stage
from .animation import AnimatedFigure, map_axes, play_buttons, scrubber, typed
from .layout import headline, pick_grid
from .palette import OUTLINE, class_style, key_entry


def _outlines(snapshot_W: np.ndarray, box: Box) -> tuple[list[list[np.ndarray]], list[list[np.ndarray]]]:
    """``regions[c][i]``: class c's region at snapshot i, closed (its first vertex again at the end; empty where
    the class wins nowhere), and ``lines[c][i]``: its score-zero segment (2 points, or none)."""
    P, n = region_polygons_all(snapshot_W, box)
    S, m = zero_lines_all(snapshot_W, box)
    k, C = n.shape
    closed = np.concatenate([P, P[:, :, :1]], axis=2)
    closed[np.arange(k)[:, None], np.arange(C), n] = P[:, :, 0]  # the first vertex again, after the last
    ends = n + (n > 0)
    regions = [[closed[i, c, : ends[i, c]] for i in range(k)] for c in range(C)]
    lines = [[S[i, c, : m[i, c]] for i in range(k)] for c in range(C)]
    return regions, lines


def _region(c: int, poly: np.ndarray) -> dict:
    """Class c's region: a filled polygon in a light tint of the class's color."""
    return dict(
        type="scatter",
        x=poly[:, 0],
        y=poly[:, 1],
        mode="lines",
        fill="toself",
        fillcolor=_tint(class_style(c).color, 0.22),
        line=dict(width=0),
        hoverinfo="skip",
        showlegend=False,
    )


def _zero_line(c: int, line: np.ndarray, class_names: tuple[str, ...], **extra) -> dict:
    s = class_style(c)
    return dict(
        type="scatter",
        x=line[:, 0],
        y=line[:, 1],
        mode="lines",
        line=dict(color=s.color, dash=s.dash, width=3),
        name=f"score of {class_names[c]} = 0",
        legendgroup=f"class{c}",
        hoverinfo="skip",
        **extra,
    )


def _points(c: int, pts: np.ndarray, class_names: tuple[str, ...], **extra) -> dict:
    s = class_style(c)
    return dict(
        type="scatter",
        x=pts[:, 0],
        y=pts[:, 1],
        mode="markers",
        marker=dict(color=s.color, symbol=s.symbol, size=9, line=dict(color=OUTLINE, width=1)),
        name=class_names[c],
        legendgroup=f"class{c}",
        hovertemplate=f"{class_names[c]}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
        **extra,
    )


def _legend_key(c: int, class_names: tuple[str, ...]) -> dict:
    """A legend entry with no data: class c's marker on its score-zero line's dash."""
    return key_entry(class_names[c], class_style(c), f"class{c}", width=3, size=9, outline=1)


def _loss_traces(losses, trend, epoch_steps, epoch_losses) -> list[dict]:
    """The batch loss per iteration, its trend and the full-data loss (those given)."""
    iterations = np.arange(len(losses))
    traces = [
        dict(
            type="scatter",
            x=iterations,
            y=losses,
            mode="lines",
            line=dict(color="#999999", width=1),
            name="loss per iteration (its batch)",
            hovertemplate="iteration %{x}<br>batch loss %{y:.4g}<extra></extra>",
        )
    ]
    if trend is not None:
        traces.append(
            dict(
                type="scatter",
                x=iterations,
                y=trend,
                mode="lines",
                line=dict(color="#0072B2", width=4),  # thicker than the classes' lines: width, not only color
                name="trend (smoothed)",
                hovertemplate="iteration %{x}<br>trend %{y:.4g}<extra></extra>",
            )
        )
    if epoch_steps is not None and epoch_losses is not None and len(epoch_steps):
        traces.append(
            dict(
                type="scatter",
                x=epoch_steps,
                y=epoch_losses,
                mode="markers+lines",
                marker=dict(symbol="diamond", size=9, color="#D55E00", line=dict(color=OUTLINE, width=1)),
                line=dict(color="#D55E00", width=1.5, dash="dot"),
                name="loss on all the data",
                hovertemplate="iteration %{x}<br>full-data loss %{y:.4g}<extra></extra>",
            )
        )
    return traces


def _now(x, y, **extra) -> dict:
    """The marker where training is: on the full-data loss of the snapshot the map shows."""
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="markers",
        marker=dict(color="white", size=14, symbol="circle-x", line=dict(color=OUTLINE, width=2.5)),
        name="now",
        hoverinfo="skip",
        **extra,
    )


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
    regions, lines = _outlines(snapshot_W, box)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.1)
    if pickable:  # an invisible grid: a click on the map adds a point there
        fig.add_trace(pick_grid(box, name="add a point"), row=1, col=1)
    base = len(fig.data)
    for c in range(C):
        fig.add_trace(_region(c, regions[c][at]), row=1, col=1)
    for c in range(C):
        fig.add_trace(_zero_line(c, lines[c][at], class_names), row=1, col=1)
    for c in range(C):
        fig.add_trace(_points(c, X[y == c], class_names), row=1, col=1)
    for trace in _loss_traces(losses, trend, epoch_steps, epoch_losses):
        fig.add_trace(trace, row=1, col=2)
    cursor_y = np.asarray(snapshot_loss, dtype=np.float64)
    fig.add_trace(_now([snapshot_steps[at]], [cursor_y[at]]), row=1, col=2)

    frames = []
    for i, t in enumerate(snapshot_steps.tolist()):
        data = [{"x": typed(p[:, 0]), "y": typed(p[:, 1])} for p in [r[i] for r in regions] + [s[i] for s in lines]]
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


def classifier_panels(
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
    title: str = "",
) -> list[stage.Panel]:
    """``classifier_figure``'s views on the stage, drawn at iteration ``at`` of 0 … T = ``snapshot_steps[-1]``:
    the map (regions and score-zero lines of the last snapshot at or before the iteration; a click there
    reports a point) and the loss chart (a cursor at the iteration, a marker on that snapshot's full-data loss)."""
    T = int(snapshot_steps[-1])
    at = int(np.clip(at, 0, T))
    shown = np.searchsorted(snapshot_steps, np.arange(T + 1), side="right") - 1  # the snapshot on screen at each t
    map_panel = _map_panel(X, y, class_names, snapshot_W, snapshot_steps, box, int(shown[at]), title)
    now = np.asarray(snapshot_loss, dtype=np.float32)[shown].reshape(-1, 1)  # (T + 1, 1)
    return [map_panel, _loss_panel(_loss_traces(losses, trend, epoch_steps, epoch_losses), now, at, T, len(losses))]


def _map_panel(X, y, class_names, snapshot_W, snapshot_steps, box: Box, i: int, title: str) -> stage.Panel:
    """Regions and score-zero lines switching at each snapshot (drawn as at snapshot ``i``), the data points."""
    C = snapshot_W.shape[2]
    regions, lines = _outlines(snapshot_W, box)
    data, moving = [], []
    for c in range(C):
        moving.append(stage.snapshots(len(data), snapshot_steps, regions[c]))
        data.append(_region(c, regions[c][i]))
    for c in range(C):
        moving.append(stage.snapshots(len(data), snapshot_steps, lines[c]))
        data.append(_zero_line(c, lines[c][i], class_names, showlegend=False))
    data += [_points(c, X[y == c], class_names, showlegend=False) for c in range(C)]
    data += [_legend_key(c, class_names) for c in range(C)]  # one entry per class, its marker on its line
    (x0, x1), (y0, y1) = box
    axis = dict(showgrid=False, zeroline=False, constrain="domain")
    # titles of a line at 1280×720 projected (25 characters in a half panel): two would take 34 px of a 300 px plot
    layout = headline(title or "Each class's region", 560) | dict(
        height=560,
        plot_bgcolor="white",
        font=dict(size=14),
        xaxis=axis | dict(anchor="y", domain=[0.0, 1.0], range=[x0, x1], title=dict(text="feature 1")),
        yaxis=axis
        | dict(anchor="x", domain=[0.0, 1.0], range=[y0, y1], title=dict(text="feature 2"), scaleanchor="x")
        | dict(scaleratio=1),
    )
    layout["margin"] |= dict(l=60, r=10, b=56)
    fig = go.Figure(dict(data=data, layout=layout), _validate=False)
    return stage.Panel(fig, moving, width=0.5, testid="gdviz-map", click="point")


def _loss_panel(traces: list[dict], now: np.ndarray, at: int, T: int, iterations: int) -> stage.Panel:
    """The loss curves with a cursor at the iteration and a marker on ``now[t]`` (the shown snapshot's loss)."""
    values = np.concatenate([np.ravel(t["y"]) for t in traces] + [now.ravel()]).astype(np.float64)
    values = values[np.isfinite(values)]
    top = 1.05 * float(values.max()) if len(values) and values.max() > 0 else 1.0
    cursor = dict(type="scatter", x=[at, at], y=[0.0, top], mode="lines", line=dict(color="#555555", width=1.5))
    moving = [stage.vline(len(traces), 0.0, top), stage.now(len(traces) + 1, None, now)]
    data = [*traces, cursor | dict(hoverinfo="skip", showlegend=False), _now([at], now[at], cliponaxis=False)]
    grid = dict(gridcolor="#E5E5E5", zeroline=False)
    layout = headline("The loss per iteration", 560) | dict(
        height=560,
        plot_bgcolor="white",
        font=dict(size=14),
        xaxis=dict(title=dict(text="iteration"), range=[0, max(iterations, T, 1)]) | grid,
        yaxis=dict(title=dict(text="loss"), range=[0, top]) | grid,
    )
    layout["margin"] |= dict(l=70, r=10, b=56)
    return stage.Panel(go.Figure(dict(data=data, layout=layout), _validate=False), moving, width=0.5)


def _tint(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
