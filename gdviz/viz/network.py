"""A small network learning, TensorFlow Playground's way: the network drawn neuron by neuron, its decision
regions over the data, and its training and test loss, all on the stage's one timeline.

``network_panels(run, data, features, regions, units, box=)`` returns three stage panels (gdviz.viz.stage):

- the network: every neuron a small picture of its output over the map (inputs scaled to their own
  range; hidden units and output margins clipped to ±1, Playground's colours: orange negative, blue
  positive, grey 0), every weight a line whose colour is its sign and size and whose width its size;
- the map: the class the network predicts in every cell (a picture per snapshot), training points
  filled, test points open;
- the loss on the training and the test data, with a cursor at the step.

Pictures and links switch at snapshot steps and are painted by the stage on a canvas; the figures
hold them as they are at ``at`` (PNG layout images, line shapes), so a figure stands on its own. The
stage's data are held under ``STAGE_BUDGET`` bytes: when the neurons' pictures and the weights of every
snapshot would pass it, the network panel keeps every second snapshot (then every fourth ...), the map
keeps all. ``network_figure`` puts the three views side by side in one figure (the HTML download).
"""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go

from ..network.data import NetworkData
from ..network.features import FEATURES
from ..network.pictures import score_margins
from ..network.train import MLPRun
from . import stage
from .landscape import png_bytes
from .layout import FONT, LINE, headline
from .palette import OUTLINE, class_style

SHADES = 31  # Playground's colour steps from −1 to 1 (its NUM_SHADES + 1): the middle one is 0
NEGATIVE, ZERO, POSITIVE = (245, 147, 34), (232, 234, 235), (8, 119, 189)  # Playground's orange, grey, blue
WEIGHT_WIDTH = (1.0, 6.0, 5.0)  # px at |w| = 0, px at |w| ≥ its limit, that limit (Playground: 1 to 10 px)
REGION_TINT = 0.32  # a class's colour over white in its region: the points in full colour stay readable on it
STAGE_BUDGET = 1_000_000  # bytes of the stage's data at most
RESERVE = 120_000  # of them for the map's and the loss's figures (points, curves) and the spec's other fields
HEIGHT = 560
NEURON = (0.5, 0.8)  # a neuron's box in data units (a layer is 1 wide, a neuron 1 tall): square cells inside
# neurons apart at most in a shorter layer: its inputs' names (21 px projected) a line apart beside a 16-wide layer
# in the stage's shortest plot (300 px, 12 px a neuron projected), where 1 apart they overlapped
SPREAD = 3.0
TRAIN_COLOR, TEST_COLOR = "#0072B2", "#D55E00"
SHARES = {False: (0.39, 0.37, 0.24), True: (0.34, 0.34, 0.32)}  # the panels' widths, plain and compact


def shade_colors() -> np.ndarray:
    """``(SHADES, 3)`` uint8: orange at −1 through grey at 0 to blue at 1."""
    t = np.linspace(-1, 1, SHADES)[:, None]
    lo, mid, hi = (np.array(c, dtype=np.float64) for c in (NEGATIVE, ZERO, POSITIVE))
    return np.round(np.where(t < 0, mid + (mid - lo) * t, mid + (hi - mid) * t)).astype(np.uint8)


def shades(values: np.ndarray, limit: float = 1.0) -> np.ndarray:
    """uint8 indices into ``shade_colors()`` of ``values / limit`` clipped to [−1, 1]."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64) / limit), -1, 1)
    return np.round((v + 1) / 2 * (SHADES - 1)).astype(np.uint8)


def region_colors(C: int) -> np.ndarray:
    """``(C, 3)`` uint8: each class's colour, ``REGION_TINT`` of it over white."""
    rgb = np.array([[int(class_style(c).color[i : i + 2], 16) for i in (1, 3, 5)] for c in range(C)], dtype=float)
    return np.round(REGION_TINT * rgb + (1 - REGION_TINT) * 255).astype(np.uint8)


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb))


def _png(cells: np.ndarray, colors: np.ndarray) -> str:
    """One picture (rows top first) as a PNG data URI."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(colors[cells])).decode("ascii")


def unit_pictures(units: list[np.ndarray]) -> list[np.ndarray]:
    """gdviz.network.pictures.unit_outputs' grids as picture cells, rows top first: the inputs ``(1, F, n, n)``
    each by its own largest size over the map, hidden units clipped to ±1, outputs as score margins."""
    inputs, *hidden, scores = units
    scale = np.abs(inputs).reshape(len(inputs), -1).max(axis=1)
    pictures = [shades(inputs / np.where(scale > 0, scale, 1)[:, None, None])[None]]
    pictures += [shades(h) for h in hidden]
    pictures.append(shades(score_margins(scores, axis=1)))
    return [p[..., ::-1, :] for p in pictures]  # the grids' rows go upwards, a picture's downwards


def _columns(sizes) -> list[np.ndarray]:
    """Each layer's neurons' heights, layer by layer: centred on the tallest layer, the first neuron on top; a
    shorter layer spreads out, its neurons up to ``SPREAD`` apart (never taller than the tallest)."""
    tallest = max(sizes)
    return [(tallest - 1) / 2 + (n - 1) / 2 * d - np.arange(n) * d for n in sizes for d in [min(SPREAD, tallest / n)]]


def _weight_looks(snapshot_params) -> tuple[np.ndarray, np.ndarray]:
    """Every weight's shade and width (tenths of a px) at every snapshot, ``(k, links)`` each, layer by layer,
    row-major within a layer (from input i to output j)."""
    w = np.concatenate([W.reshape(W.shape[0], -1) for W, _ in snapshot_params], axis=1)
    low, high, limit = WEIGHT_WIDTH
    widths = low + (high - low) * np.minimum(np.abs(np.nan_to_num(w)), limit) / limit
    return shades(w), np.round(10 * widths).astype(np.uint8)


def _ends(sizes) -> tuple[np.ndarray, np.ndarray]:
    """The links' ends in data units, ``(links, 2)`` for x and for y: neuron centre to neuron centre."""
    cols = _columns(sizes)
    xs, ys = [], []
    for layer, (a, b) in enumerate(zip(cols[:-1], cols[1:], strict=True)):
        ya, yb = np.meshgrid(a, b, indexing="ij")
        xs.append(np.tile([layer, layer + 1], (ya.size, 1)))
        ys.append(np.stack([ya.ravel(), yb.ravel()], axis=1))
    return np.concatenate(xs).astype(float), np.concatenate(ys)


def _labels(run: MLPRun, features, class_names, compact: bool = False) -> tuple[list[str], list[list[str]]]:
    """Each column's heading (``compact``: "in", "h1", … "out", three characters at most), and each neuron's
    name (its hover text)."""
    act = run.activation
    if compact:  # a projected column is 35 to 80 px apart at 1280×720: "layer 1" (81 px at 21 px) would collide
        heads = ["in"] + [f"h{i + 1}" for i in range(len(run.hidden))] + ["out"]
    else:
        heads = ["inputs"] + [f"layer {i + 1}<br>{n} {act}" for i, n in enumerate(run.hidden)] + ["outputs"]
    names = [[FEATURES[f].title for f in features]]
    names += [[f"layer {i + 1}, neuron {j + 1}" for j in range(n)] for i, n in enumerate(run.hidden)]
    names.append([f"{class_names[c]}: its score − the best other" for c in range(run.sizes[-1])])
    return heads, names


def _network_panel(
    run: MLPRun, features, class_names, pictures, keep: np.ndarray, i: int, compact: bool
) -> stage.Panel:
    """The network at snapshot ``keep[i]``: neuron pictures (layout images), weights (line shapes) under them,
    the inputs and the classes named beside them, each layer's width and activation above it (``compact``: its
    short name, in a row of its own between the title and the plot, as many pixels tall at any plot height)."""
    sizes, cols = run.sizes, _columns(run.sizes)
    steps = run.snapshot_steps[keep]
    colors = shade_colors()
    heads, names = _labels(run, features, class_names, compact)
    at = [min(i, len(p) - 1) for p in pictures]  # the inputs' one picture stands for every snapshot
    looks = _weight_looks(tuple((W[keep], b[keep]) for W, b in run.snapshot_params))
    x, y = _ends(sizes)
    shapes = [
        dict(type="line", xref="x", yref="y", x0=a[0], x1=a[1], y0=b[0], y1=b[1], layer="below",
             line=dict(color=_hex(colors[s]), width=w / 10))
        for a, b, s, w in zip(x, y, looks[0][i], looks[1][i], strict=True)
    ]  # fmt: skip
    moving = [stage.links((0, len(shapes)), steps, x, y, *looks, colors)]
    images, hover = [], dict(x=[], y=[], text=[])
    for layer, (p, ys) in enumerate(zip(pictures, cols, strict=True)):
        for j, yj in enumerate(ys):
            moving.append(stage.raster(len(images), steps[: len(p)], p[:, j], colors))
            images.append(
                dict(source=_png(p[at[layer], j], colors), xref="x", yref="y", x=layer, y=float(yj),
                     sizex=NEURON[0], sizey=NEURON[1], xanchor="center", yanchor="middle", sizing="contain",
                     layer="above")
            )  # fmt: skip
            hover["x"].append(layer)
            hover["y"].append(float(yj))
            hover["text"].append(names[layer][j])
    tallest, last = max(sizes), len(sizes) - 1
    note = dict(xref="x", yref="y", showarrow=False, font=FONT)
    head = dict(yref="y domain", y=1, yshift=2) if compact else dict(y=tallest - 0.35)
    notes = [note | head | dict(text=h, x=c, yanchor="bottom") for c, h in enumerate(heads)]
    notes += [note | dict(text=t, x=-0.32, y=float(y), xanchor="right") for t, y in zip(names[0], cols[0], strict=True)]
    dots = dict(type="scatter", mode="markers", marker=dict(size=24, opacity=0), hovertemplate="%{text}<extra></extra>")
    classes = [  # each output's class by its marker (the legend under the plots names them): a narrow panel has room
        _points(np.array([[last + 0.45, y]]), np.array([c]), c, class_names[c], False) for c, y in enumerate(cols[-1])
    ]
    layout = headline("The network", HEIGHT, legend=False)
    layout |= dict(
        height=HEIGHT,
        plot_bgcolor="white",
        font=FONT,
        showlegend=False,
        images=images,
        shapes=shapes,
        annotations=notes,
        xaxis=dict(visible=False, range=[-1.3, last + 0.75], fixedrange=True),
        yaxis=dict(visible=False, range=[-0.6, tallest - 0.4 + 0.75 * (not compact)], fixedrange=True),
    )
    top = layout["margin"]["t"] + (round(LINE * 14) + 4 if compact else 0)  # the headings' row, under the title
    layout["margin"] |= dict(l=4, r=4, b=10, t=max(top, 56))
    fig = go.Figure(dict(data=[dots | hover | dict(name="neurons"), *classes], layout=layout), _validate=False)
    return stage.Panel(fig, moving, width=SHARES[compact][0], testid="gdviz-network")


def _points(X, y, c: int, name: str, test: bool, **extra) -> dict:
    s = class_style(c)
    return dict(
        type="scatter",
        x=X[y == c, 0],
        y=X[y == c, 1],
        mode="markers",
        marker=dict(
            color=s.color, symbol=f"{s.symbol}-open" if test else s.symbol, size=9 if test else 8,
            line=dict(color=s.color if test else OUTLINE, width=2 if test else 1),
        ),
        name=name,
        legendgroup=f"class{c}",
        hovertemplate=f"{name}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
        **extra,
    )  # fmt: skip


def _map_panel(
    run: MLPRun, data: NetworkData, regions: np.ndarray, box, i: int, title: str, width: float
) -> stage.Panel:
    """The predicted class of every cell at each snapshot (a picture), the training and test points over it."""
    (x0, x1), (y0, y1) = box
    train, test = data
    C, names = run.sizes[-1], train.class_names
    colors = region_colors(C)
    cells = regions[:, ::-1, :].astype(np.uint8)  # rows top first
    image = dict(source=_png(cells[i], colors), xref="x", yref="y", x=x0, y=y1, sizex=x1 - x0, sizey=y1 - y0,
                 sizing="stretch", layer="below")  # fmt: skip
    moving = [stage.raster(0, run.snapshot_steps, cells, colors)]
    data_traces = [_points(train.X, train.y, c, names[c], test=False) for c in range(C)]
    if test is not None:
        data_traces += [_points(test.X, test.y, c, f"{names[c]} (test)", True) for c in range(C)]
    axis = dict(showgrid=False, zeroline=False, constrain="domain", fixedrange=True)
    layout = headline(title or "What it predicts", HEIGHT, legend=False) | dict(
        height=HEIGHT,
        plot_bgcolor="white",
        font=FONT,
        showlegend=False,  # the loss panel's legend, under all the plots, names the points too
        images=[image],
        xaxis=axis | dict(range=[x0, x1], title=dict(text="x")),
        yaxis=axis | dict(range=[y0, y1], title=dict(text="y"), scaleanchor="x", scaleratio=1),
    )
    layout["margin"] |= dict(l=48, r=6, b=56)
    fig = go.Figure(dict(data=data_traces, layout=layout), _validate=False)
    return stage.Panel(fig, moving, width=width, testid="gdviz-map")


def _curve(x, y, name: str, color: str, dash: str, symbol: str) -> dict:
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines+markers" if len(x) <= 30 else "lines",
        line=dict(color=color, width=3, dash=dash),
        marker=dict(symbol=symbol, size=7, color=color),
        name=name,
        hovertemplate=f"iteration %{{x}}<br>{name} %{{y:.4g}}<extra></extra>",
    )


def _keys(class_names, test: bool) -> list[dict]:
    """Legend entries with no data for the map's points: each class's marker, and an open one for test points."""
    none = dict(x=[None], y=[None])  # no data: a legend entry only
    keys = [_points(np.zeros((0, 2)), np.zeros(0), c, name, False) | none for c, name in enumerate(class_names)]
    if test:
        keys.append(
            dict(type="scatter", x=[None], y=[None], mode="markers", name="test points (open)",
                 marker=dict(symbol="circle-open", size=9, color="#555555", line=dict(width=2)))
        )  # fmt: skip
    return keys


def _loss_panel(run: MLPRun, class_names, at: int, width: float) -> stage.Panel:
    """The loss on the training data and on the test data at their evaluations, a cursor at the step, and a
    marker on each curve there. Its legend, a row under all the plots, names the map's points too."""
    T = int(run.snapshot_steps[-1])
    traces = []
    if not run.full_batch:
        traces.append(
            dict(type="scatter", x=np.arange(len(run.losses)), y=run.losses.astype(np.float32), mode="lines",
                 line=dict(color="#AAAAAA", width=1), name="each batch",
                 hovertemplate="iteration %{x}<br>batch loss %{y:.4g}<extra></extra>")
        )  # fmt: skip
    curves = [(run.train_loss, "training loss", TRAIN_COLOR, "solid", "circle")]
    if run.test_loss is not None:
        curves.append((run.test_loss, "test loss", TEST_COLOR, "dash", "diamond"))
    traces += [_curve(run.eval_steps, loss, name, color, dash, sym) for loss, name, color, dash, sym in curves]
    traces += _keys(class_names, run.test_loss is not None)
    t = np.arange(T + 1)
    now = np.stack([np.interp(t, run.eval_steps, loss) for loss, *_ in curves], axis=1).astype(np.float32)
    first = max(float(loss[0]) for loss, *_ in curves)
    values = np.concatenate([np.ravel(c[0]) for c in curves])
    values = values[np.isfinite(values)]
    top = 1.08 * min(float(values.max()), 3 * max(first, 1e-12))  # a blow-up leaves the top, the rest is readable
    cursor = dict(type="scatter", x=[at, at], y=[0.0, top], mode="lines", line=dict(color="#555555", width=1.5),
                  hoverinfo="skip", showlegend=False)  # fmt: skip
    marks = dict(type="scatter", x=[at] * len(curves), y=now[at], mode="markers", hoverinfo="skip", showlegend=False,
                 marker=dict(color="white", size=12, symbol="circle-x", line=dict(color=OUTLINE, width=2.5)),
                 cliponaxis=False)  # fmt: skip
    moving = [stage.vline(len(traces), 0.0, top), stage.now(len(traces) + 1, None, now)]
    grid = dict(gridcolor="#E5E5E5", zeroline=False)
    layout = headline("The loss", HEIGHT) | dict(
        height=HEIGHT,
        plot_bgcolor="white",
        font=FONT,
        xaxis=dict(title=dict(text="iteration"), range=[0, max(T, 1)]) | grid,
        yaxis=dict(title=dict(text="loss"), range=[0, top]) | grid,
    )
    layout["xaxis"]["nticks"] = 4  # 0, 500, 1000: room for the projector's type in a quarter of the stage
    layout["margin"] |= dict(l=60, r=22, b=56)
    fig = go.Figure(dict(data=[*traces, cursor, marks], layout=layout), _validate=False)
    return stage.Panel(fig, moving, width=width, legend_row=True)


def _moving_bytes(panel: stage.Panel) -> int:
    """The bytes of a panel's moving data as the stage receives them (base64 text)."""
    return sum(len(v["bdata"]) for m in panel.moving for v in m.values() if isinstance(v, dict) and "bdata" in v)


def _network_bytes(panel: stage.Panel) -> int:
    """The network panel's moving data and its figure's pictures and links (most of its figure)."""
    layout = panel.figure.layout
    pictures = sum(len(im.source) for im in layout.images)
    return _moving_bytes(panel) + pictures + len(json.dumps([s.to_plotly_json() for s in layout.shapes]))


def network_panels(
    run: MLPRun,
    data: NetworkData,
    features,
    regions: np.ndarray,
    units: list[np.ndarray],
    *,
    box,
    at: int = 0,
    title: str = "",
    compact: bool = False,
    budget: int = STAGE_BUDGET,
) -> list[stage.Panel]:
    """The network, the map and the loss of ``run`` on ``data`` at iteration ``at`` of 0 … T. ``regions``:
    gdviz.network.pictures.region_classes of every snapshot; ``units``: its unit_outputs, of the same
    snapshots; ``features``: the names of the run's inputs. ``compact``: for a projector's type in a narrow stage,
    short layer headings (in, h1, … out) and a wider loss chart."""
    T = int(run.snapshot_steps[-1])
    at = int(np.clip(at, 0, T))
    k = len(run.snapshot_steps)
    shown = int(np.searchsorted(run.snapshot_steps, at, side="right") - 1)
    shares = SHARES[compact]
    map_panel = _map_panel(run, data, regions, box, shown, title, shares[1])
    loss_panel = _loss_panel(run, data.train.class_names, at, shares[2])
    pictures = unit_pictures(units)
    room = budget - RESERVE - _moving_bytes(map_panel) - _moving_bytes(loss_panel)
    every = 1
    while True:  # every snapshot's neurons if they fit, else every second one, every fourth ...
        keep = np.unique(np.append(np.arange(0, k, every), k - 1))
        i = int(np.searchsorted(run.snapshot_steps[keep], at, side="right") - 1)
        thinned = [p if len(p) == 1 else p[keep] for p in pictures]
        net = _network_panel(run, features, data.train.class_names, thinned, keep, i, compact)
        if _network_bytes(net) <= room or len(keep) <= 2:
            return [net, map_panel, loss_panel]
        every *= 2


def _on_axes(item: dict, n: str, keys: tuple[str, str]) -> dict:
    """A trace (keys xaxis, yaxis) or an image, shape or note (xref, yref) of a panel, moved onto the merged
    figure's axes ``x{n}`` and ``y{n}``."""
    out = dict(item)
    for key, letter in zip(keys, "xy", strict=True):
        if out.get(key, letter) == letter:
            out[key] = letter + n
    return out


def network_figure(
    run: MLPRun, data: NetworkData, features, regions: np.ndarray, units: list[np.ndarray], *, box, at: int = 0
) -> go.Figure:
    """``network_panels``' three views side by side in one figure, as they are at iteration ``at`` (the HTML
    download: a picture of the step on screen, without the stage)."""
    panels = network_panels(run, data, features, regions, units, box=box, at=at)
    gap, start = 0.03, 0.0
    total = sum(p.width for p in panels)
    data_out, images, shapes, notes, axes = [], [], [], [], {}
    for i, panel in enumerate(panels, start=1):
        fig = panel.figure.to_dict()
        layout, n = fig["layout"], "" if i == 1 else str(i)
        width = panel.width / total * (1 - gap * (len(panels) - 1))
        shown = layout.get("showlegend", True) is not False
        trace, item = ("xaxis", "yaxis"), ("xref", "yref")
        data_out += [_on_axes(t, n, trace) | ({} if shown else {"showlegend": False}) for t in fig["data"]]
        images += [_on_axes(im, n, item) for im in layout.get("images", ())]
        shapes += [_on_axes(sh, n, item) for sh in layout.get("shapes", ())]
        notes += [_on_axes(a, n, item) for a in layout.get("annotations", ())]
        notes.append(
            dict(text=layout["title"]["text"], x=start, xref="paper", xanchor="left", y=1, yref="paper",
                 yanchor="bottom", yshift=8, showarrow=False, font=dict(size=16))
        )  # fmt: skip
        x, y = dict(layout["xaxis"]), dict(layout["yaxis"])
        if "scaleanchor" in y:
            y["scaleanchor"] = "x" + n
        axes[f"xaxis{n}"] = x | dict(domain=[start, start + width], anchor=f"y{n}")
        axes[f"yaxis{n}"] = y | dict(anchor=f"x{n}")
        start += width + gap
    k = int(run.snapshot_steps[np.searchsorted(run.snapshot_steps, at, side="right") - 1])
    layout = headline(f"{data.train.title}: the network, what it predicts and its loss at iteration {k:,}", HEIGHT)
    layout |= dict(height=HEIGHT, plot_bgcolor="white", font=FONT, images=images, shapes=shapes)
    layout |= dict(annotations=notes, **axes)
    layout["legend"] |= dict(orientation="h", yref="paper", y=-0.17, yanchor="top")
    layout["margin"] |= dict(t=110, b=120, l=60, r=20)
    return go.Figure(dict(data=data_out, layout=layout))
