"""Basin maps and learning-rate sweeps: where each start ends, and how the end depends on lr."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS
from ..readable import readable
from ..surface.basins import DIVERGED, NO_MINIMUM, BasinMap
from ..surface.functions import Surface
from ..surface.sweep import Sweep
from ..surface.trajectory import NO_VALUE
from .layout import FONT, LOG_AXIS, POWER_TICKS, diverged_band, edge_note, quiet_place
from .palette import OKABE_ITO, OUTLINE, diverged_symbol, style

NONE_COLOR, DIVERGED_COLOR = "#BBBBBB", "#444444"
MAX_CATEGORIES = len(OKABE_ITO) - 1  # beyond this many minima, color by final loss instead


def _map_layout(fig: go.Figure, surface: Surface, title: str) -> go.Figure:
    (x0, x1), (y0, y1) = surface.domain
    top = 60 + 24 * title.count("<br>")  # a second title line needs its own room
    fig.update_layout(title=title, height=560, margin=dict(l=60, r=20, t=top, b=50), font=FONT, plot_bgcolor="white")
    fig.update_xaxes(range=[x0, x1], title_text="start x", constrain="domain")
    fig.update_yaxes(range=[y0, y1], title_text="start y", scaleanchor="x", scaleratio=1, constrain="domain")
    return fig


def _minima_trace(minima: np.ndarray) -> go.Scatter:
    """Stars numbered as in the color key: the number names the basin around each, not only its color."""
    return go.Scatter(
        x=minima[:, 0],
        y=minima[:, 1],
        mode="markers+text",
        marker=dict(symbol="star", size=14, color="white", line=dict(color=OUTLINE, width=1.5)),
        text=[str(i + 1) for i in range(len(minima))],
        textposition="top right",
        textfont=dict(size=16, color=OUTLINE),
        name="minimum",
    )


def _unscored_trace(bm: BasinMap, undefined: np.ndarray) -> go.Heatmap:
    """The cells a final-loss map cannot color, in grey: diverged (dark) and where f has no value (light)."""
    flew = bm.diverged & ~undefined
    z = np.where(flew, 0.0, np.where(undefined, 1.0, np.nan))
    text = np.where(flew, "diverged", "f has no value there").astype(object)
    return go.Heatmap(
        x=bm.xs,
        y=bm.ys,
        z=z,
        zmin=0,
        zmax=1,
        colorscale=[(0, DIVERGED_COLOR), (0.5, DIVERGED_COLOR), (0.5, NONE_COLOR), (1, NONE_COLOR)],
        showscale=False,
        text=text,
        hovertemplate="start (%{x:.3g}, %{y:.3g})<br>%{text}<extra></extra>",
    )


def basin_figure(surface: Surface, bm: BasinMap, by: str = "minimum") -> go.Figure:
    """Each start cell colored by the minimum it reached (``by="minimum"``) or by its final loss."""
    title = f"Where {OPTIMIZERS[bm.optimizer].title} ends after {bm.steps} steps, from each start"
    m = len(bm.minima)
    if by == "minimum" and 0 < m <= MAX_CATEGORIES:
        colors = [*OKABE_ITO[1 : m + 1], NONE_COLOR, DIVERGED_COLOR]
        z = np.where(bm.label >= 0, bm.label, np.where(bm.label == NO_MINIMUM, m, m + 1))
        scale = [c for i, col in enumerate(colors) for c in ((i / len(colors), col), ((i + 1) / len(colors), col))]
        counts = bm.counts()
        names = [f"minimum {i + 1} ({bm.minima[i, 0]:.3g}, {bm.minima[i, 1]:.3g})" for i in range(m)]
        names += ["no minimum reached", "diverged"]
        text = np.asarray(names, dtype=object)[z]
        heat = go.Heatmap(
            x=bm.xs,
            y=bm.ys,
            z=z,
            zmin=-0.5,
            zmax=len(colors) - 0.5,
            colorscale=scale,
            text=text,
            hovertemplate="start (%{x:.3g}, %{y:.3g})<br>%{text}<extra></extra>",
            colorbar=dict(
                tickvals=list(range(len(colors))),
                ticktext=[
                    f"{n}: {c}"
                    for n, c in zip(
                        names, [*(counts[i] for i in range(m)), counts[NO_MINIMUM], counts[DIVERGED]], strict=True
                    )
                ],
                title="cells",
            ),
        )
        fig = go.Figure([heat, _minima_trace(bm.minima)])
    else:
        finite = np.isfinite(bm.final_loss)  # not where diverged, nor where a typed formula has no value
        gap = bm.final_loss - (bm.final_loss[finite].min() if finite.any() else 0.0)
        z = np.log10(np.where(finite, gap, np.nan) + 1e-12)
        heat = go.Heatmap(
            x=bm.xs,
            y=bm.ys,
            z=z,
            colorscale="Viridis",
            colorbar=dict(title="log₁₀ final gap"),
            hovertemplate="start (%{x:.3g}, %{y:.3g})<br>log₁₀ gap %{z:.3g}<extra></extra>",
        )
        undefined = (bm.diverged & (bm.cause == NO_VALUE)) | (~finite & ~bm.diverged)  # a run stops where f has none
        fig = go.Figure([heat, _unscored_trace(bm, undefined)] + ([_minima_trace(bm.minima)] if m else []))
        diverged = (bm.diverged & ~undefined).any()
        keys = (("dark grey: diverged", diverged), ("light grey: f has no value", undefined.any()))
        title += "<br>(colored by final loss" + "".join(f"; {k}" for k, shown in keys if shown) + ")"
    fig.update_layout(showlegend=False)
    return _map_layout(fig, surface, title)


BAND = 0.2  # the top of the sweep's plot height given to the "diverged" band, one row per optimizer in it
TAIL, WIDEN = 0.05, 0.1  # the curves' y range: the 5–95 % quantiles of the final losses, widened 10 % each way
SWEEP_PLOT = (700, 330)  # px: the sweep's curves plot at 1280×720 projected (where a note is biggest against it)


def sweep_range(values: np.ndarray, log: bool = False) -> tuple[float, float] | None:
    """The y range (axis units: decades on a ``log`` axis) the bulk of the finite ``values`` sets: the TAIL and
    1 − TAIL quantiles widened by WIDEN of their span each way, never past the values themselves; None when
    every value fits in it (plotly's own range then). One run escaping a saddle to −4 × 10⁶ would flatten the rest.
    On a log axis of gaps every descent stays (it stops at the floor, 10⁻¹⁶): only a climb is cut."""
    v = values[np.isfinite(values)]
    if len(v) == 0:
        return None
    q0, q1 = np.quantile(v, [TAIL, 1 - TAIL])
    pad = WIDEN * (q1 - q0) or 1.0
    lo, hi = float(v.min()) if log else max(float(v.min()), q0 - pad), min(float(v.max()), q1 + pad)
    if lo <= v.min() and hi >= v.max():
        return None
    margin = 0.04 * (hi - lo) or 1.0  # the edge markers sit on the frame, the last points inside it
    return lo - margin, hi + margin


def _off_chart(fig: go.Figure, sweeps: dict[str, Sweep], ys: dict[str, np.ndarray], span, log: bool, ref: str) -> None:
    """Points below or above the y range ``span``: a hollow marker of the optimizer's own at the edge (its hover
    gives the value) and one note per optimizer and edge saying how many and how far (``layout.edge_note``)."""
    lo, hi = span
    lrs = np.concatenate([sw.lrs for sw in sweeps.values()])
    x0, x1 = np.log10(lrs.min()), np.log10(lrs.max())
    frac = lambda lr: (np.log10(lr) - x0) / ((x1 - x0) or 1.0)  # noqa: E731 (the plot's x in fractions)
    points = [(frac(sweeps[n].lrs[~sweeps[n].diverged]), (y - lo) / (hi - lo)) for n, y in ys.items()]
    rows = {True: 0, False: 0}
    for name, y in ys.items():
        sw, s = sweeps[name], style(name)
        lrs = sw.lrs[~sw.diverged]
        for top, out in ((True, y > hi), (False, y < lo)):
            if not out.any():
                continue
            edge = hi if top else lo
            symbol = s.symbol if s.symbol.endswith("-open") else f"{s.symbol}-open"
            real = 10 ** y[out] if log else y[out]
            fig.add_trace(
                go.Scatter(
                    x=lrs[out],
                    y=np.full(int(out.sum()), 10**edge if log else edge),
                    mode="markers",
                    marker=dict(symbol=symbol, size=11, color=s.color, line=dict(color=s.color, width=2)),
                    cliponaxis=False,
                    name=f"{OPTIMIZERS[name].title}: off the chart",
                    showlegend=False,
                    customdata=real,
                    hovertemplate="lr %{x:.3g}: final f %{customdata:.4g}, off the chart<extra></extra>",
                )
            )
            far = real.max() if top else real.min()
            n = int(out.sum())
            text = f"{OPTIMIZERS[name].title} {'↑' if top else '↓'}<br>{n} off the chart<br>(to {readable(far, 3)})"
            lines = text.split("<br>")
            _, place = quiet_place(points, float(frac(lrs[out][0])), top, (max(map(len, lines)), 3), SWEEP_PLOT)
            fig.add_annotation(edge_note(text, x0 + place.x * (x1 - x0), "x", ref, top, place.left, rows[top]))
            rows[top] += 1


def sweep_figure(sweeps: dict[str, Sweep], f_star: float | None, limit: float | None) -> go.Figure:
    """Final loss against learning rate (log x); diverged runs marked in a band of their own above the curves,
    one labelled row per optimizer (their final loss is not a number to plot); 2/L drawn where known."""
    fig, log, ys = go.Figure(), f_star is not None, {}
    for name, sw in sweeps.items():
        s = style(name)
        y = sw.final_loss - (f_star if f_star is not None else 0.0)
        ok = ~sw.diverged
        if f_star is not None:
            y = np.maximum(y, 1e-16)
        ys[name] = np.log10(y[ok]) if log else y[ok]
        fig.add_trace(
            go.Scatter(
                x=sw.lrs[ok],
                y=y[ok],
                mode="lines+markers",
                name=OPTIMIZERS[name].title,
                line=dict(color=s.color, dash=s.dash, width=2.5),
                marker=dict(symbol=s.symbol, size=7, color=s.color),
            )
        )
    diverging = [name for name, sw in sweeps.items() if sw.diverged.any()]
    for name in diverging:
        s, sw = style(name), sweeps[name]
        fig.add_trace(
            go.Scatter(
                x=sw.lrs[sw.diverged],
                y=[OPTIMIZERS[name].title] * int(sw.diverged.sum()),
                yaxis="y2",
                mode="markers",
                marker=dict(symbol=diverged_symbol(name), size=11, color=s.color, line=dict(color=s.color, width=2)),
                name=f"{OPTIMIZERS[name].title}: diverged",
                text=[f"diverged at step {k}" for k in sw.diverged_at[sw.diverged]],
                hovertemplate="lr %{x:.3g}: %{text}<extra></extra>",
            )
        )
    if diverging:  # the band: a row per optimizer, the curves' plot under it
        rows = [OPTIMIZERS[n].title for n in diverging]
        fig.update_layout(
            yaxis=dict(domain=[0, 1 - BAND - 0.04]),
            yaxis2=diverged_band(rows, BAND),
        )
    span = sweep_range(np.concatenate(list(ys.values())), log) if ys else None
    if span is not None:
        _off_chart(fig, sweeps, ys, span, log, "y")
    if limit is not None:
        fig.add_vline(
            x=limit,
            line=dict(color="#D55E00", dash="dash", width=2),
            annotation_text=f"2/L = {limit:.3g}",
            annotation_position="top left",
        )
    fig.update_layout(
        title="Final loss against learning rate",
        height=480,
        font=FONT,
        margin=dict(l=60, r=20, t=60, b=50),
        xaxis=LOG_AXIS | POWER_TICKS | dict(title="learning rate η"),
        yaxis=(LOG_AXIS | POWER_TICKS if f_star is not None else dict(exponentformat="power"))
        | dict(title="final f − f*" if f_star is not None else "final f"),
        legend=dict(orientation="h", y=-0.2),
    )
    if span is not None:
        fig.update_layout(yaxis_range=list(span))  # axis units: decades on a log axis
    return fig
