"""The optimizer race: paths over the landscape beside the loss curves, animated in the browser.

``race_figure(surface, runs)`` takes finished trajectories (one start each) and returns one
figure: the map (left) and the loss against step (right) share one time cursor. Frames patch
only three small traces (the markers on the map, the markers on the loss curves, the cursor
line), so the payload grows linearly with the number of steps, not quadratically.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..optimizers import OPTIMIZERS
from ..surface.functions import Surface
from ..surface.trajectory import FLEW_OFF, NO_GRADIENT, NO_VALUE, STATE_OVERFLOW, Trajectory
from . import stage
from .animation import AnimatedFigure, frame_steps, map_axes, play_buttons, scrubber, typed
from .inspector import arrow_look
from .landscape import layout_image
from .layout import (
    CHAR_EM,
    FONT,
    LOG_AXIS,
    PAD,
    STAGE_HALF,
    TITLE_SIZE,
    Place,
    edge_note,
    headline,
    log_ticks,
    pick_grid,
    quiet_place,
    wrap,
)
from .palette import OUTLINE, key_entry, style

GAP_FLOOR = 1e-16  # log axes cannot show 0: gaps below this sit on the floor


def loss_curve(surface: Surface, run: Trajectory) -> np.ndarray:
    """The values the loss chart plots: the gap to the global minimum where it is known (log axis)."""
    if len(surface.minima) == 0:
        return run.losses
    return np.maximum(run.losses - surface.f(surface.global_minima).min(), GAP_FLOOR)


def legend_name(name: str, run: Trajectory, surface: Surface) -> str:
    """The optimizer's title, and where its run diverged, what went wrong (CAUSES) at which step."""
    title = OPTIMIZERS[name].title if name in OPTIMIZERS else name
    if run.diverged_at < 0:
        return title
    cause = int(np.ravel(run.cause)[0])
    if cause == FLEW_OFF:  # a surface unbounded below (a saddle) is escaped, not diverged from
        verb = "diverged" if len(surface.minima) else "left the plot"
    else:
        verb = {NO_GRADIENT: "no finite gradient", NO_VALUE: "f has no value", STATE_OVERFLOW: "state overflowed"}
        verb = verb.get(cause, "diverged")
    return f"{title} — {verb} at step {int(run.diverged_at)}"


def legend_key(label: str, name: str) -> dict:
    """A legend entry with no data: the optimizer's line and dash with its marker, the one its moving dot wears."""
    return key_entry(label, style(name), name, width=2.5, size=11, outline=1.5)


def race_figure(
    surface: Surface,
    runs: dict[str, Trajectory],
    log_loss: bool = True,
    fans: dict[str, Trajectory] | None = None,
    pickable: bool = True,
    at: int = 0,
) -> go.Figure:
    """Map and loss chart for ``runs`` (optimizer name → single-start Trajectory), animated.

    ``fans`` (name → batched Trajectory) adds thin paths around each main one: other noise seeds in
    stochastic mode. ``pickable`` lays an invisible grid over the map so a click can pick a start.
    ``at`` is the step the figure opens on (markers there, the scrubber there): playing goes on from it.
    """
    names = list(runs)
    steps = max((r.steps.shape[0] for r in runs.values()), default=0)
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.12)
    if pickable:
        fig.add_trace(pick_grid(surface.domain), row=1, col=1)
    for name, fan in (fans or {}).items():
        fig.add_trace(_fan_trace(name, fan), row=1, col=1)
    curves = {name: loss_curve(surface, run) for name, run in runs.items()}
    for name, run in runs.items():
        label = legend_name(name, run, surface)
        path, curve = _path_traces(name, label, run.points, curves[name])
        fig.add_trace(path, row=1, col=1)
        fig.add_trace(legend_key(label, name), row=1, col=1)
        fig.add_trace(curve, row=1, col=2)
    for landmark in _landmarks(surface, runs[names[0]].points[0] if names else None):
        fig.add_trace(landmark, row=1, col=1)

    log = log_loss and len(surface.minima) > 0
    view = loss_view(curves, log, {n: bool(runs[n].diverged) for n in names})
    view, notes = off_notes(view, runs, steps, axes="2", curves=curves, log=log)
    at = int(np.clip(at, 0, steps))
    fig, ticks = _animated(fig, names, runs, curves, steps, at)
    _race_layout(fig, surface, view, steps, log, ticks, at)
    for note in notes:
        fig.add_annotation(note)
    return fig


def _fan_trace(name: str, fan: Trajectory) -> go.Scatter:
    """A batched run's k paths as one thin trace (one NaN between paths breaks the line)."""
    s, k = style(name), fan.points.shape[1]
    gap = np.full((1, k), np.nan)
    xs = np.vstack([fan.points[:, :, 0], gap]).T.ravel()
    ys = np.vstack([fan.points[:, :, 1], gap]).T.ravel()
    return go.Scatter(
        x=xs.astype(np.float32),
        y=ys.astype(np.float32),
        mode="lines",
        line=dict(color=s.color, dash=s.dash, width=1),
        opacity=0.35,
        name=f"{OPTIMIZERS[name].title}: {k} other noise seeds",
        legendgroup=name,
        hoverinfo="skip",
    )


def _path_traces(name: str, label: str, points: np.ndarray, curve: np.ndarray) -> tuple[go.Scatter, go.Scatter]:
    """One run's path on the map and its loss curve, in its optimizer's look (the legend entry is apart)."""
    s = style(name)
    common = dict(mode="lines", line=dict(color=s.color, dash=s.dash, width=2.5), name=label, legendgroup=name)
    path = go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        showlegend=False,
        hovertemplate=f"{label}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<extra></extra>",
        **common,
    )
    loss = go.Scatter(
        x=np.arange(len(curve)),
        y=curve,
        showlegend=False,
        hovertemplate=f"{label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
        **common,
    )
    return path, loss


def _landmarks(surface: Surface, start) -> list[go.Scatter]:
    """The surface's known minima (white stars) and the race's start (a white circle), when there are any."""
    marks = []
    if len(surface.minima):
        marks.append(
            go.Scatter(
                x=surface.minima[:, 0],
                y=surface.minima[:, 1],
                mode="markers",
                marker=dict(symbol="star", size=13, color="white", line=dict(color=OUTLINE, width=1.5)),
                name="minimum",
                hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    if start is not None:
        marks.append(
            go.Scatter(
                x=[start[0]],
                y=[start[1]],
                mode="markers",
                marker=dict(symbol="circle", size=12, color="white", line=dict(color=OUTLINE, width=2)),
                name="start",
                hovertemplate="start (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    return marks


def _animated(fig: go.Figure, names, runs, curves, steps: int, at: int) -> tuple[AnimatedFigure, np.ndarray]:
    """The two traces the frames move (markers on the map, markers on the loss curves), placed at step
    ``at``, and one frame per tick of ``frame_steps``."""
    looks = [style(n) for n in names]
    marker = dict(
        color=[s.color for s in looks], symbol=[s.symbol for s in looks], size=13, line=dict(color=OUTLINE, width=1.5)
    )
    P = np.stack([runs[n].points for n in names], axis=1).astype(np.float32)  # (T+1, k, 2)
    C = np.stack([curves[n] for n in names], axis=1).astype(np.float32)  # (T+1, k)
    base = len(fig.data)
    for col, (x, y) in ((1, (P[at, :, 0], P[at, :, 1])), (2, (np.full(len(names), at), C[at]))):
        fig.add_trace(go.Scatter(x=x, y=y, mode="markers", marker=marker, showlegend=False, hoverinfo="skip"), 1, col)
    ticks = frame_steps(steps)
    frames = [
        {
            "name": str(t),
            "traces": [base, base + 1],
            "data": [
                {"x": typed(P[t, :, 0]), "y": typed(P[t, :, 1])},
                {"x": typed(np.full(len(names), t, np.float32)), "y": typed(C[t])},
            ],
        }
        for t in ticks.tolist()
    ]
    return AnimatedFigure(fig, frames), ticks


def _race_layout(fig, surface: Surface, view: LossView, steps: int, log: bool, ticks: np.ndarray, at: int) -> None:
    """Title, the landscape behind the map, play buttons and scrubber, and both charts' axes."""
    fig.update_layout(headline(f"{surface.title}: the paths (left) and the loss at each step (right)", 600))
    fig.update_layout(
        images=[layout_image(surface)],
        height=600,
        margin=dict(l=60, r=20, b=130),
        plot_bgcolor="white",
        font=FONT,
        updatemenus=[play_buttons()],
        sliders=[scrubber(ticks, active=int(np.searchsorted(ticks, at, side="right")) - 1)],
    )
    map_axes(fig, surface.domain, "x", "y")
    fig.update_xaxes(title_text="step", range=[0, max(steps, 1)], row=1, col=2)
    y_title = "f − f* (gap to the global minimum)" if len(surface.minima) else "f(x, y)"
    if log:
        fig.update_yaxes(LOG_AXIS, title_text=y_title, range=[np.log10(view.lo), np.log10(view.hi)], row=1, col=2)
    else:
        fig.update_yaxes(title_text=y_title, range=[view.lo, view.hi], exponentformat="power", row=1, col=2)


class LossView(NamedTuple):
    """The loss chart's y range, and the runs it leaves off: name -> (step it leaves at, "top" or "bottom")."""

    lo: float
    hi: float
    off: dict[str, tuple[int, str]]


OUTLIER = 10.0  # a run that moves this many times farther from the start than any other leaves the chart


def loss_view(curves: dict[str, np.ndarray], log: bool, diverged: dict[str, bool] | None = None) -> LossView:
    """A y range that shows the runs that stay in reach: one diverged or escaping run (the saddle's Momentum
    at −19,400) would flatten every other curve. A run that diverged, or whose distance from the start
    (in decades on a log axis) is over ``OUTLIER`` times any other's, is left off unless no run remains;
    it leaves the chart through the top or the bottom, at the step ``off`` names."""
    diverged = diverged or {}
    finite = {n: c[np.isfinite(c)] for n, c in curves.items()}  # a typed formula may have no value at some points
    finite = {n: (np.log10(np.maximum(c, GAP_FLOOR)) if log else c) for n, c in finite.items() if len(c)}
    if not finite:
        return LossView(GAP_FLOOR, 1.0, {}) if log else LossView(0.0, 1.0, {})
    kept = [n for n in finite if not diverged.get(n)] or list(finite)
    start = float(np.median([finite[n][0] for n in kept]))
    if log:  # every descent stays (it stops at the floor): only a climb can run away
        reach = {n: float(max(finite[n].max() - start, 0.0)) for n in kept}
    else:
        reach = {n: float(np.abs(finite[n] - start).max()) for n in kept}
    order = sorted(kept, key=reach.get, reverse=True)
    while len(order) > 1 and reach[order[0]] > OUTLIER * max(reach[order[1]], 1.0 if log else 1e-12):
        order.pop(0)
    values = np.concatenate([finite[n] for n in order])
    lo, hi = float(values.min()), float(values.max())
    if log:
        lo, hi = lo - np.log10(2), hi + np.log10(2)
    else:
        pad = 0.05 * (hi - lo) or 1.0
        lo, hi = lo - pad, hi + pad
    off = {}
    for n, c in finite.items():
        out = np.flatnonzero((c < lo) | (c > hi))
        if n not in order and len(out):
            off[n] = (int(out[0]), "top" if c[out[0]] > hi else "bottom")
    return LossView(10**lo, 10**hi, off) if log else LossView(lo, hi, off)


def off_notes(
    view: LossView, runs: dict[str, Trajectory], steps: int, axes: str = "", curves: dict | None = None, log=False
) -> tuple[LossView, list[dict]]:
    """One note per run the loss chart (on axes x``axes``, y``axes``) leaves off, inside the plot at the edge it
    leaves through: "Momentum ↓<br>off the chart from step 57"; a diverged run's "SGD ↑<br>diverged at step 12".
    The notes of an edge go where they cover none of the ``curves`` drawn (as the chart plots them, on a ``log``
    axis or not): beside the step the first leaves at, else in a corner (``layout.quiet_place``); where every
    place would cover one, the range grows at that edge by the notes' height. Returns the view and the notes."""
    texts = {}
    for name, (k, side) in view.off.items():
        run = runs[name]
        what = f"diverged<br>at step {run.diverged_at}" if run.diverged_at >= 0 else f"off the chart<br>from step {k}"
        texts[name] = (
            f"{OPTIMIZERS[name].title} {'↑' if side == 'top' else '↓'}<br>{what}"  # short lines: a narrow plot
        )
    span, notes = max(steps, 1), []
    for top in (True, False):
        names = [n for n, (_, side) in view.off.items() if (side == "top") == top]
        if not names:
            continue
        lines = [line for n in names for line in texts[n].split("<br>")]
        size, at = (max(map(len, lines)), len(lines)), view.off[names[0]][0] / span
        roomiest, place = quiet_place(_fractions(view, curves or {}, span, log), at, top, size)
        if place.covered and (roomier := _room(view, log, top, roomiest)) is not None:
            view, (place, _) = roomier, quiet_place(_fractions(roomier, curves or {}, span, log), at, top, size)
        x, ref = place.x * span, f"x{axes}"
        notes += [edge_note(texts[n], x, ref, f"y{axes}", top, place.left, i) for i, n in enumerate(names)]
    return view, notes


def _fractions(view: LossView, curves: dict, span: int, log: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each curve's points as fractions of the loss plot (step, height in the view's range)."""
    lo, hi = (np.log10(view.lo), np.log10(view.hi)) if log else (view.lo, view.hi)
    points = []
    for c in curves.values():
        c = np.asarray(c, dtype=np.float64)
        with np.errstate(all="ignore"):
            v = np.log10(np.maximum(c, GAP_FLOOR)) if log else c
        points.append((np.arange(len(c)) / span, (v - lo) / ((hi - lo) or 1.0)))
    return points


ROOM = 1.35  # the loss range may grow this many times wider to leave its notes a free place (else they cover some)


def _room(view: LossView, log: bool, top: bool, place: Place) -> LossView | None:
    """``view`` with its range grown at the top or bottom edge just enough that ``place`` is free for its notes:
    the curve point nearest that edge under them (``place.free`` from it) moves to ``place.height`` from it;
    None where that would make the range more than ROOM times wider (the curves would shrink too much)."""
    lo, hi = old = (np.log10(view.lo), np.log10(view.hi)) if log else (view.lo, view.hi)
    h = min(place.height + 0.02, 0.6)
    if top:
        hi = (hi - place.free * (hi - lo) - h * lo) / (1 - h)
    else:
        lo = (lo + place.free * (hi - lo) - h * hi) / (1 - h)
    if hi - lo > ROOM * (old[1] - old[0]):
        return None
    return view._replace(lo=10**lo, hi=10**hi) if log else view._replace(lo=lo, hi=hi)


def race_panels(
    surface: Surface,
    runs: dict[str, Trajectory],
    log_loss: bool = True,
    fans: dict[str, Trajectory] | None = None,
    at: int = 0,
    arrows: dict[str, np.ndarray] | None = None,
    inspected: str = "",
) -> list[stage.Panel]:
    """The race on the stage: the map (paths growing from the start, a marker per optimizer; a click there
    reports a new start) and the loss against step (curves growing, markers, a cursor), drawn at ``at``.
    ``arrows`` (``explain.arrow_track`` of optimizer ``inspected``) adds the parts of each step on the map,
    arrows that end where that optimizer's marker stands.

    The figures are built from plain dicts, unvalidated (what a click reruns must stay cheap): every key
    is one plotly accepts, and the tests validate the figures."""
    names = list(runs)
    steps = max((r.steps.shape[0] for r in runs.values()), default=0)
    at = int(np.clip(at, 0, steps))
    curves = {name: loss_curve(surface, runs[name]) for name in names}
    P = np.stack([runs[n].points for n in names], axis=1).astype(np.float32)  # (T+1, k, 2)
    C = np.stack([curves[n] for n in names], axis=1).astype(np.float32)  # (T+1, k)
    labels = {name: legend_name(name, runs[name], surface) for name in names}
    marker = dict(
        color=[style(n).color for n in names],
        symbol=[style(n).symbol for n in names],
        size=13,
        line=dict(color=OUTLINE, width=1.5),
    )
    start = runs[names[0]].points[0] if names else None
    parts = _arrow_parts(runs[inspected].points, arrows) if arrows and inspected in runs else {}
    window = max(3, steps // SMOOTH) if fans else 0  # noisy gradients: a bold running median over the raw loss
    return [
        _map_panel(surface, names, labels, start, P, marker, fans or {}, at, parts),
        _loss_panel(surface, runs, labels, C, marker, steps, log_loss and len(surface.minima) > 0, at, parts, window),
    ]


SMOOTH = 25  # a noisy race's loss is read through a running median of steps // SMOOTH steps


def running_median(c: np.ndarray, window: int) -> np.ndarray:
    """The median of the last ``window`` values at each step (fewer at the start): what step t has seen so far."""
    c = np.asarray(c, dtype=np.float64)
    padded = np.concatenate([np.full(window - 1, np.nan), c])
    frames = np.lib.stride_tricks.sliding_window_view(padded, window)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window (f undefined there) stays NaN
        return np.nanmedian(frames, axis=1)


def _arrow_parts(points: np.ndarray, track: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, dict]]:
    """label -> ((T+1, 2, 2) segments from θ_{t−1} to θ_{t−1} + v_t, its style): the inspector's arrows."""
    before = np.vstack([np.full((1, 2), np.nan), points[:-1]])
    parts = {}
    for i, (label, v) in enumerate(track.items()):
        last = i == len(track) - 1
        color, dash = arrow_look(i, len(track))
        parts[label] = (np.stack([before, before + v], axis=1), dict(color=color, dash=dash, width=4 if last else 3))
    return parts


def _line(x, y, name: str, group: str = "", width: float = 2.5, hover: str = "skip", **extra) -> dict:
    s = style(group) if group else None
    line = dict(color=s.color, dash=s.dash, width=width) if s else dict(color="#555555", width=width)
    trace = dict(type="scatter", x=x, y=y, mode="lines", line=line, name=name, showlegend=False, **extra)
    return trace | (dict(hovertemplate=hover) if hover != "skip" else dict(hoverinfo="skip"))


MARGIN_B = 46  # px under a stage panel's plot: its tick labels and axis title (projected, automargin fits them)
# characters a panel's title line holds: in a half-width panel at 1280×720, projected (27 px, 0.55 em a character),
# it ends its own padding and the stage's 8 px gap short of the neighbour's title (28 let the map's run into it)
MAP_TITLE = int((STAGE_HALF - 2 * PAD - 8) / (CHAR_EM * round(1.5 * TITLE_SIZE)))
FAN_POINTS = 400  # points a fan's path keeps on the map, whatever the run's length


def _thinned(n: int) -> np.ndarray:
    """Indices of at most FAN_POINTS of ``n`` points, evenly spread, the first and the last kept."""
    return np.unique(np.linspace(0, n - 1, min(n, FAN_POINTS)).round().astype(int))


def _map_panel(surface, names, labels, start, P, marker, fans, at, parts) -> stage.Panel:
    data, moving = [], []
    for name, fan in fans.items():
        points = fan.points[_thinned(len(fan.points))]  # a fan shows a spread, not each step
        gap = np.full((1, points.shape[1]), np.nan)  # one NaN between paths: k paths, one trace
        xs = np.vstack([points[:, :, 0], gap]).T.ravel().astype(np.float32)
        ys = np.vstack([points[:, :, 1], gap]).T.ravel().astype(np.float32)
        title = f"{OPTIMIZERS[name].title}: {fan.points.shape[1]} other noise seeds"
        data.append(_line(xs, ys, title, name, width=1, opacity=0.35))
    for i, name in enumerate(names):
        moving.append(stage.path(len(data), P[:, i, 0], P[:, i, 1]))
        hover = f"{labels[name]}<br>x=%{{x:.4g}}<br>y=%{{y:.4g}}<extra></extra>"
        data.append(_line(P[: at + 1, i, 0], P[: at + 1, i, 1], labels[name], name, hover=hover, legendgroup=name))
    if len(surface.minima):
        star = dict(symbol="star", size=13, color="white", line=dict(color=OUTLINE, width=1.5))
        data.append(
            dict(
                type="scatter",
                x=surface.minima[:, 0],
                y=surface.minima[:, 1],
                mode="markers",
                marker=star,
                name="minimum",
                showlegend=False,
                hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    if names:
        ring = dict(symbol="circle", size=12, color="white", line=dict(color=OUTLINE, width=2))
        data.append(
            dict(
                type="scatter",
                x=[float(start[0])],
                y=[float(start[1])],
                mode="markers",
                marker=ring,
                name="start",
                showlegend=False,
                hovertemplate="start (%{x:.4g}, %{y:.4g})<extra></extra>",
            )
        )
    for label, (seg, line) in parts.items():  # an arrow: a shaft, and a head turned along it
        moving.append(stage.now(len(data), seg[:, :, 0], seg[:, :, 1]))
        head = dict(symbol="arrow", angleref="previous", size=[0, 16], color=line["color"], line=dict(width=0))
        data.append(
            dict(type="scatter", x=seg[at, :, 0], y=seg[at, :, 1], mode="lines+markers", line=line, marker=head)
            | dict(name=label, showlegend=False, hoverinfo="skip")
        )
    moving.append(stage.now(len(data), P[:, :, 0], P[:, :, 1]))
    data.append(dict(type="scatter", x=P[at, :, 0], y=P[at, :, 1], mode="markers", marker=marker, hoverinfo="skip"))
    (x0, x1), (y0, y1) = surface.domain
    axis = dict(showgrid=False, zeroline=False, constrain="domain")
    name = f"{surface.title}:"  # "Three-hump camel:<br>the paths", not "Three-hump camel: the<br>paths"
    title = f"{name}<br>the paths" if len(name) + 10 > MAP_TITLE >= len(name) else f"{name} the paths"
    title = wrap(title, MAP_TITLE, most=3)  # a typed formula may be long, and unbroken
    layout = headline(title, 560, legend=False) | dict(
        images=[layout_image(surface)],
        height=560,
        plot_bgcolor="white",
        font=FONT,
        showlegend=False,
        xaxis=axis | dict(range=[x0, x1], title=dict(text="x")),
        yaxis=axis | dict(range=[y0, y1], title=dict(text="y"), scaleanchor="x", scaleratio=1),
    )
    layout["margin"] |= dict(l=60, r=10, b=MARGIN_B)
    fig = go.Figure(dict(data=data, layout=layout), _validate=False)
    return stage.Panel(fig, moving, width=0.5, testid="gdviz-map", click="start")


def _loss_panel(surface, runs, labels, C, marker, steps, log, at, parts, window=0) -> stage.Panel:
    data, moving, names = [], [], list(runs)
    if window:  # the raw noisy curves thin and faint behind, their running medians bold (the markers ride on those)
        for i, name in enumerate(names):
            moving.append(stage.path(len(data), None, C[:, i]))
            raw = _line(np.arange(at + 1), C[: at + 1, i], f"{labels[name]} (each step)", name, width=1, opacity=0.3)
            data.append(raw)
        C = np.stack([running_median(C[:, i], window) for i in range(len(names))], axis=1).astype(np.float32)
    for i, name in enumerate(names):
        moving.append(stage.path(len(data), None, C[:, i]))
        hover = f"{labels[name]}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>"
        data.append(_line(np.arange(at + 1), C[: at + 1, i], labels[name], name, hover=hover, legendgroup=name))
        data.append(legend_key(labels[name], name))
    for label, (_, line) in parts.items():  # the stage's legend row names the arrows on the map too
        data.append(dict(type="scatter", x=[None], y=[None], mode="lines", line=line, name=label))
    shown = {n: C[:, i] for i, n in enumerate(names)}
    view = loss_view(shown, log, {n: bool(runs[n].diverged) for n in names})
    view, notes = off_notes(view, runs, steps, curves=shown, log=log)
    lo, hi = view.lo, view.hi
    moving.append(stage.vline(len(data), lo, hi))
    data.append(_line([at, at], [lo, hi], "now", width=1.5))
    moving.append(stage.now(len(data), None, C))
    data.append(
        dict(type="scatter", x=np.full(len(names), at), y=C[at], mode="markers", marker=marker, hoverinfo="skip")
        | dict(showlegend=False, cliponaxis=False)  # whole at step 0, on the plot's left edge
    )
    y_title = "f − f*" if len(surface.minima) else "f(x, y)"
    yaxis = dict(title=dict(text=y_title), gridcolor="#E5E5E5", exponentformat="power")
    if log:
        yaxis |= LOG_AXIS | dict(range=[np.log10(lo), np.log10(hi)]) | log_ticks(lo, hi)
    else:
        yaxis |= dict(range=[lo, hi])
    title = f"The loss (bold: median of {window} steps)" if window else "The loss at each step"
    layout = headline(wrap(title, MAP_TITLE), 560) | dict(
        height=560,
        plot_bgcolor="white",
        font=FONT,
        xaxis=dict(title=dict(text="step"), range=[0, max(steps, 1)], gridcolor="#E5E5E5", zeroline=False),
        yaxis=yaxis,
        annotations=notes,
    )
    layout["margin"] |= dict(l=70, r=10, b=MARGIN_B)
    return stage.Panel(go.Figure(dict(data=data, layout=layout), _validate=False), moving, width=0.5, legend_row=True)
