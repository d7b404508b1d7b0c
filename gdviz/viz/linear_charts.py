"""Static charts for the linear-classifier pages: batch sizes side by side, digit templates, digits as
pictures, the confusion matrix, the gradient check's h sweep and the search strategies' race. Arrays in,
figures out.

Every figure is built from plain dicts, unvalidated (a page rerun draws several of these: plotly's validation
cost more than the rest of the rerun); every key is one plotly accepts, and the tests validate the figures.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .layout import FONT, LOG_AXIS, POWER_TICKS, headline, title_height
from .palette import OUTLINE

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star")
# Okabe–Ito in an order where neighbours differ most; yellow is left out (it vanishes on white)
LOOKS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#000000", "#56B4E9", "#D55E00")


def _look(i: int) -> tuple[str, str, str]:
    return LOOKS[i % len(LOOKS)], DASHES[i % len(DASHES)], SYMBOLS[i % len(SYMBOLS)]


def _scale(name: str) -> list:
    """A named colorscale spelled out, exactly as plotly's validation writes it into a figure."""
    return [list(stop) for stop in go.Heatmap(colorscale=name).to_plotly_json()["colorscale"]]


BLUES, RDBU = _scale("Blues"), _scale("RdBu")
AXIS = dict(showline=True, linecolor="#888", gridcolor="#eee")


def _layout(title: str, xaxis: dict, yaxis: dict, height: int = 460, legend: bool = True, **more) -> dict:
    """The layout every chart here shares: a headline title (and legend), 14 px type, a white plot, lined axes;
    ``more`` adds layout entries (those given and not empty)."""
    layout = headline(title, height, legend=legend) | dict(height=height, font=FONT, plot_bgcolor="white")
    layout["margin"] |= dict(l=70, r=20, b=60)
    return layout | dict(xaxis=xaxis | AXIS, yaxis=yaxis | AXIS) | {k: v for k, v in more.items() if v}


def _figure(data: list[dict], layout: dict) -> go.Figure:
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def batch_figure(curves: dict[str, dict], per: str = "iteration") -> go.Figure:
    """Loss curves of one problem trained with different batch sizes.

    ``curves[label]`` holds ``losses`` and ``trend`` per iteration and ``iterations_per_epoch``; with
    ``per="epoch"`` the x axis counts passes over the data, so every curve has seen as many examples.
    Sent as float32 (12 curves of up to 5,000 points: 0.7 MB instead of 1.45 MB; hover shows 4 digits).
    """
    data = []
    for i, (label, c) in enumerate(curves.items()):
        color, dash, _ = _look(i)
        x = np.arange(1, len(c["losses"]) + 1, dtype=np.float64)
        if per == "epoch":
            x = x / c["iterations_per_epoch"]
        x, losses, trend = (np.asarray(v, dtype=np.float32) for v in (x, c["losses"], c["trend"]))
        raw = dict(type="scatter", x=x, y=losses, mode="lines", line=dict(color=color, width=1), opacity=0.35)
        data.append(raw | dict(legendgroup=label, showlegend=False, hoverinfo="skip"))
        data.append(
            dict(
                type="scatter",
                x=x,
                y=trend,
                mode="lines",
                line=dict(color=color, dash=dash, width=3),
                name=label,
                legendgroup=label,
                hovertemplate=f"{label}<br>{per} %{{x:.3g}}<br>trend %{{y:.4g}}<extra></extra>",
            )
        )
    xaxis = dict(title=dict(text="epoch (passes over the data)" if per == "epoch" else "iteration (one batch each)"))
    yaxis = dict(title=dict(text="loss (thin: each batch; thick: smoothed)"), rangemode="tozero")
    return _figure(data, _layout("Batch size: noise per iteration against work per epoch", xaxis, yaxis))


def templates_figure(W: np.ndarray, class_names: tuple[str, ...], side: int = 8) -> go.Figure:
    """Each class's weights (bias row dropped) drawn as a ``side × side`` picture, its name under it: blue likes
    ink, red hates it. One heatmap of all the pictures (ten subplots cost 30× more to build, for the same look)."""
    C = W.shape[1]
    images = W[: side * side].T.reshape(C, side, side)
    vmax = float(np.abs(images).max()) or 1.0
    return _picture_grid(
        images,
        "What each class's weights look for (bias left out)",
        cols=min(C, 5),
        captions=[f"class {n}" for n in class_names],
        width=680,  # a full-width chart is about 550–900 px wide: height for the narrow end, no blank under the tiles
        trace=dict(
            zmin=-vmax,
            zmax=vmax,
            colorscale=RDBU,
            showscale=True,
            colorbar=dict(title=dict(text="weight"), len=0.8),
            hovertemplate="weight %{z:.3g}<extra></extra>",
        ),
    )


def confusion_figure(M: np.ndarray, class_names: tuple[str, ...]) -> go.Figure:
    """Counts of true class (rows) against predicted class (columns), each cell written out.

    Cells stay square (both axes constrained to their domain, so the plot shrinks instead of stretching one way)
    and every class is labelled on both axes."""
    names = [str(n) for n in class_names]
    heatmap = dict(
        type="heatmap",
        z=M,
        x=names,
        y=names,
        colorscale=BLUES,
        text=M,
        texttemplate="%{text}",
        textfont=dict(size=14),
        showscale=False,
        xgap=1,
        ygap=1,
        hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
    )
    cells = dict(type="category", constrain="domain", showgrid=False, dtick=1)  # every class named, cells square
    xaxis = dict(title=dict(text="predicted class"), side="bottom") | cells
    yaxis = dict(title=dict(text="true class"), autorange="reversed", scaleanchor="x") | cells
    return _figure([heatmap], _layout("Confusion matrix (test set)", xaxis, yaxis, height=520, legend=False))


INK = [[0.0, "#FFFFFF"], [1.0, "#111111"]]  # the digits' ink, dark on white as on paper


def _mosaic(images: np.ndarray, cols: int, gap: int, below: int) -> np.ndarray:
    """``images (n, h, w)`` tiled into one array, ``cols`` to a row, NaN (drawn blank) between them:
    ``gap`` pixels between tiles and ``below`` more under each row (room for captions)."""
    n, h, w = images.shape
    rows = -(-n // cols)
    out = np.full((rows * (h + gap + below), cols * (w + gap)), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + gap + below) : r * (h + gap + below) + h, c * (w + gap) : c * (w + gap) + w] = image
    return out


def digits_figure(
    images: np.ndarray,
    title: str,
    *,
    cols: int,
    captions: list[str] | None = None,
    row_names: list[str] | None = None,
    rows_title: str = "class",
    columns_title: str = "example",
    width: int = 440,
) -> go.Figure:
    """Pictures ``images (n, h, w)`` (pixels in [0, 1], 1 = ink) in a grid of ``cols`` columns, as one heatmap.

    ``captions`` (one per picture) are written under each; ``row_names`` label each row on the left (axis
    titles ``rows_title``, and ``columns_title`` over the numbered columns). The height is chosen so that the
    pixels are square in a chart about ``width`` pixels wide."""
    trace = dict(zmin=0, zmax=1, colorscale=INK, showscale=False, hoverinfo="skip")
    return _picture_grid(
        np.asarray(images, dtype=np.float64),
        title,
        cols=cols,
        captions=captions,
        row_names=row_names,
        rows_title=rows_title,
        columns_title=columns_title,
        width=width,
        trace=trace,
    )


def _picture_grid(
    images: np.ndarray,
    title: str,
    *,
    cols: int,
    trace: dict,
    captions: list[str] | None = None,
    row_names: list[str] | None = None,
    rows_title: str = "",
    columns_title: str = "",
    width: int = 440,
) -> go.Figure:
    """``images (n, h, w)`` tiled into one heatmap (``trace``: its colors and hover), captions under each and
    row names on the left; the layout is built whole, in one call (a caption at a time costs 10 ms each)."""
    n, h, w = images.shape
    gap, below = 1, (4 if captions else 0)
    z = _mosaic(images, cols, gap, below)
    rows = -(-n // cols)
    step = h + gap + below
    annotations = [
        dict(
            x=c * (w + gap) + (w - 1) / 2,
            y=r * step + h - 0.5,
            text=text,
            showarrow=False,
            yanchor="top",
            font=dict(size=14, color="#222222"),
        )
        for i, text in enumerate(captions or ())
        for r, c in [divmod(i, cols)]
    ]
    xaxis = dict(range=[-0.5, z.shape[1] - 0.5], constrain="domain", showgrid=False, zeroline=False, ticks="")
    if row_names:  # a table of pictures: its columns numbered too
        columns = min(cols, n)
        xaxis.update(
            tickvals=[c * (w + gap) + (w - 1) / 2 for c in range(columns)],
            ticktext=[str(c + 1) for c in range(columns)],
            title=dict(text=columns_title),
        )
    else:
        xaxis.update(visible=False)
    yaxis = dict(
        autorange="reversed",
        scaleanchor="x",
        constrain="domain",
        constraintoward="top",  # spare height (a narrower screen, a projector's margins) goes under the pictures
        showgrid=False,
        zeroline=False,
        showticklabels=bool(row_names),
        ticks="",
    )
    if row_names:
        yaxis.update(tickvals=[r * step + (h - 1) / 2 for r in range(rows)], ticktext=row_names)
        yaxis.update(title=dict(text=rows_title))
    left, right = (70 if row_names else 20), (110 if trace.get("showscale") else 20)
    top = round(title_height(18) + 8)
    height = round(top + 20 + (width - left - right) / z.shape[1] * z.shape[0])
    layout = headline(title, height, legend=False)
    layout.update(
        height=height,
        font=FONT,
        plot_bgcolor="white",
        margin=dict(l=left, r=right, t=top, b=20),
        xaxis=xaxis,
        yaxis=yaxis,
    )
    if annotations:
        layout.update(annotations=annotations)
    return _figure([dict(type="heatmap", z=z, xgap=0, ygap=0, **trace)], layout)


def h_sweep_figure(
    hs: np.ndarray, errors: dict[str, np.ndarray], planted: str = "", ylabel: str = "relative error"
) -> go.Figure:
    """Relative error of numerical against analytic gradient as h shrinks (log–log): the U-shaped curve."""
    data = []
    for i, (method, err) in enumerate(errors.items()):
        color, dash, symbol = _look(i)
        data.append(
            dict(
                type="scatter",
                x=hs,
                y=np.maximum(err, 1e-17),
                mode="lines+markers",
                name=f"{method} difference",
                line=dict(color=color, dash=dash, width=3),
                marker=dict(symbol=symbol, size=9),
                hovertemplate=f"{method}<br>h = %{{x:.0e}}<br>relative error %{{y:.2e}}<extra></extra>",
            )
        )
    look = dict(color="#009E73", dash="dot", width=2)
    # the line is named in the legend: a note beside it sat on the curves that cross it (projected, 1280×720)
    data.append(
        dict(type="scatter", x=[None], y=[None], mode="lines", line=look, hoverinfo="skip",
             name="1e-7: below it the gradient is right")
    )  # fmt: skip
    xaxis = LOG_AXIS | POWER_TICKS | dict(title=dict(text="step h"), autorange="reversed")
    yaxis = LOG_AXIS | POWER_TICKS | dict(title=dict(text=ylabel))
    title = "Truncation error falls as h shrinks, round-off error rises"
    title += f" — with the bug: {planted}" if planted else ""
    return _figure(data, _layout(title, xaxis, yaxis, shapes=[_hline(1e-7, look)]))


def _hline(y: float, line: dict) -> dict:
    """A horizontal line across the plot at ``y`` (what ``fig.add_hline`` adds)."""
    return dict(type="line", x0=0, x1=1, xref="x domain", y0=y, y1=y, yref="y", line=line)


def search_figure(curves: dict[str, tuple[np.ndarray, np.ndarray]], chance: float | None = None) -> go.Figure:
    """Best loss found so far against loss evaluations spent, one curve per strategy, each told apart from the
    others even where they coincide (random and local search, both at the loss of W = 0): see ``_told_apart``."""
    data = []
    for i, (name, (evals, best)) in enumerate(curves.items()):
        color, dash, _ = _look(i)
        data.append(
            dict(
                type="scatter",
                x=evals,
                y=best,
                mode="lines",
                name=name,
                line=dict(color=color, dash=dash, width=3),
                hovertemplate=f"{name}<br>%{{x}} evaluations<br>best loss %{{y:.5g}}<extra></extra>",
            )
        )
    shapes, notes = [], []
    if chance is not None:
        shapes.append(_hline(chance, dict(color="#AAAAAA", dash="dot", width=1.5)))
        at = dict(x=1, xref="x domain", xanchor="right", y=chance, yref="y", yanchor="top")  # its bottom right
        notes.append(at | dict(text="loss of W = 0", showarrow=False))
    notes += _told_apart(data)
    xaxis, yaxis = dict(title=dict(text="loss evaluations spent")), dict(title=dict(text="best loss so far"))
    title = "Three ways to look for good weights, on equal budgets"
    # showlegend: one curve left after a Stop still says whose it is
    return _figure(data, _layout(title, xaxis, yaxis, showlegend=True, shapes=shapes, annotations=notes))


MARKS = 8  # markers along each curve
CLOSE = 0.04  # curves ending within this fraction of the chart's height of each other are a group


def _told_apart(data: list[dict]) -> list[dict]:
    """Each curve of the search chart told apart from the others even where they coincide: its own marker
    symbol, MARKS of them at evaluations staggered curve by curve (so one curve's never hide another's), set
    on its trace, and a label with its best loss in its color, under the curve (the notes returned); labels of
    curves ending close together are stacked. Curves ending in the upper half are labelled at mid-width (the
    plot's upper right belongs to the note on the loss of W = 0), those that came down at their end."""
    traces = [t for t in data if len(t["x"])]
    if not traces:
        return []
    ys = np.concatenate([np.asarray(t["y"], dtype=float) for t in traces])
    span = float(np.ptp(ys)) or 1.0
    finals = [float(np.asarray(t["y"])[-1]) for t in traces]
    for i, t in enumerate(traces):
        n = len(t["x"])
        at = (np.arange(MARKS) + (i + 1) / (len(traces) + 1)) * n / MARKS  # curve i's markers, shifted i steps
        sizes = np.zeros(n)
        sizes[np.unique(np.clip(at.astype(int), 0, n - 1))] = 11
        t.update(
            mode="lines+markers", marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=sizes, color=t["line"]["color"])
        )
    order = sorted(range(len(traces)), key=lambda i: -finals[i])
    groups, group = [], [order[0]]
    for i in order[1:]:
        if finals[group[-1]] - finals[i] < CLOSE * span:
            group.append(i)
        else:
            groups.append(group)
            group = [i]
    groups.append(group)
    middle = float(ys.min()) + span / 2
    notes = []
    for group in groups:
        low = finals[group[0]] < middle  # a curve that came down: its label under its end, clear of the curve
        for k, i in enumerate(group):  # stacked under the curves, the highest curve's label first
            t = traces[i]
            notes.append(
                dict(
                    x=t["x"][-1] if low else t["x"][len(t["x"]) // 2],
                    y=finals[i],
                    text=f"{t['name']}: best {finals[i]:.5g}",
                    showarrow=False,
                    xanchor="right" if low else "center",
                    yanchor="top",
                    yshift=-(6 + 22 * k),
                    font=dict(color=t["line"]["color"], size=14),
                    bgcolor="rgba(255,255,255,0.85)",
                )
            )
    return notes


def loss_figure(losses: np.ndarray, trend: np.ndarray, eval_steps: np.ndarray, eval_loss: np.ndarray) -> go.Figure:
    """One training run: each iteration's batch loss (thin), its running mean, the full-data loss (diamonds)."""
    t = np.arange(len(losses))
    data = [
        dict(type="scatter", x=t, y=losses, mode="lines", line=dict(color="#999999", width=1), name="batch loss"),
        dict(type="scatter", x=t, y=trend, mode="lines", line=dict(color="#0072B2", width=3), name="running mean"),
        dict(
            type="scatter",
            x=eval_steps,
            y=eval_loss,
            mode="markers",
            marker=dict(symbol="diamond", size=8, color="#D55E00", line=dict(color=OUTLINE, width=1)),
            name="loss on all the training data",
        ),
    ]
    xaxis, yaxis = dict(title=dict(text="iteration")), dict(title=dict(text="loss"), rangemode="tozero")
    layout = _layout("The loss, plotted: it must go down", xaxis, yaxis, height=400)
    # drawn in a half-width column, a legend above the plot wraps onto the title: put it in the empty upper right
    corner = dict(orientation="v", x=0.98, xanchor="right", y=0.98, yanchor="top", yref="paper")
    layout["legend"] |= corner | dict(bgcolor="rgba(255,255,255,0.85)")
    layout["margin"] |= dict(t=title_height(18) + 10)
    return _figure(data, layout)
