"""Projection mode: ``project(fig)`` restyles any figure for a lecture hall's projector, as a new figure.

Type grows everywhere (base ≥ 20 px, titles ≥ 26 px; long titles wrap), lines get twice as thick and
markers 1.6× as big in every trace and in every animation frame, text turns near-black, axes and grid
darker, the legend opaque; margins and fixed heights grow to match. The figure is walked generically
(every xaxis…/yaxis…, scene…, coloraxis…, annotation, shape, slider and menu), so a new figure needs
nothing. The input is never changed: figures may be cached and shared between sessions.
"""

from __future__ import annotations

import base64
import re

import numpy as np
import plotly.graph_objects as go

from .animation import AnimatedFigure
from .layout import GAP, LINE, LOG_AXIS, PAD, is_headline, title_height, title_pad, wrap

SCALE, BASE, TITLE = 1.5, 20, 26  # fonts: ×1.5, and never under 20 px (titles 26 px)
WIDTH, MARKER, OUTLINE_WIDTH, HEIGHT = 2.0, 1.6, 1.5, 1.3  # lines, markers, marker outlines, fixed heights
TICKS_3D = 1.15  # 3D tick labels
INK, AXIS, GRID = "#111111", "#333333", "#BDBDBD"
WRAP_LABEL, CHAR = 36, 0.55  # characters per line of an axis title or legend entry; a character's width in ems
MARGINS = dict(l=80, r=80, t=100, b=80)  # plotly's defaults, for sides a figure leaves unset
CARTESIAN = {"scatter", "scattergl", "heatmap", "contour", "bar", "histogram", "box", "violin"}


def project(fig: go.Figure, width: int = 1000) -> go.Figure:
    """A new figure styled for a projector; ``fig`` (and its frames) stay as they were.

    ``width`` is about how many pixels wide the chart will be drawn: long titles wrap to fit it
    (the default suits a full-width chart; pass about 500 for a chart in a half-width column)."""
    d = fig.to_dict()  # a deep copy of data and layout; an AnimatedFigure's frames come back by reference
    frames = d.pop("frames", None) or []
    layout = d.setdefault("layout", {})
    base = float((layout.get("font") or {}).get("size", 12))  # what unset sizes inherit
    for trace in d.get("data", []):
        _style(trace, base, defaults=True)
    _layout(layout, d.get("data", []), base, width)
    frames = [_frame(f, base) for f in frames]
    # d came from a valid figure and gains only valid properties (the tests validate it): plotly's
    # validation again would cost more than all of the above (2,000 slider steps for a race)
    if isinstance(fig, AnimatedFigure):
        return AnimatedFigure(d, frames, _validate=False)
    return go.Figure(d | {"frames": frames} if frames else d, _validate=False)


def grown(size: float | None, floor: float = BASE) -> int:
    return max(round(SCALE * float(size if size is not None else 12)), floor)


def _font(node: dict, key: str, inherited: float, floor: float = BASE, ink: bool = True) -> None:
    font = dict(node.get(key) or {})
    font["size"] = grown(font.get("size", inherited), floor)
    if ink:
        font.setdefault("color", INK)
    node[key] = font


def _scaled(value, k: float):
    """A width or size times ``k``: a number, a list or array, or a typed-array dict as frames carry."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]) * k
        return {**value, "bdata": base64.b64encode(a.astype(value["dtype"]).tobytes()).decode()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.asarray(value, dtype=np.float64) * k
    return value * k if isinstance(value, (int, float)) else value


def _style(trace: dict, base: float, defaults: bool) -> None:
    """Thicker lines, bigger markers, bigger text in one trace (or frame patch); ``defaults`` fills
    in plotly's own widths and sizes where a full trace leaves them unset, so they grow too."""
    mode = trace.get("mode", "lines" if trace.get("type") == "scatter3d" else "")
    kind = trace.get("type", "scatter")
    if "line" in trace or (defaults and "lines" in mode):
        line = trace["line"] = dict(trace.get("line") or {})
        line["width"] = _scaled(line.get("width", 2), WIDTH)
    if "marker" in trace or (defaults and "markers" in mode):
        marker = trace["marker"] = dict(trace.get("marker") or {})
        if "size" in marker or (defaults and kind in ("scatter", "scattergl", "scatter3d")):
            marker["size"] = _scaled(marker.get("size", 6), MARKER)
        if "line" in marker and "width" in marker["line"]:
            marker["line"] = {**marker["line"], "width": _scaled(marker["line"]["width"], OUTLINE_WIDTH)}
    for key in ("textfont", "insidetextfont", "outsidetextfont"):
        if key in trace or (defaults and key == "textfont" and ("text" in mode or "texttemplate" in trace)):
            _font(trace, key, base, ink=False)  # cell text keeps plotly's automatic contrast
    if "hoverlabel" in trace:
        _font(trace["hoverlabel"], "font", base)
    if "colorbar" in trace:
        _colorbar(trace["colorbar"], base)
    if defaults and "name" in trace and trace.get("showlegend") is not False:
        trace["name"] = wrap(str(trace["name"]), WRAP_LABEL)


def _frame(frame: dict, base: float) -> dict:
    """A frame with its patches restyled; one that patches only data (x, y, …) is shared as it is."""
    styled = ("line", "marker", "textfont")
    if not any(k in patch for patch in frame.get("data", ()) for k in styled) and "layout" not in frame:
        return frame
    out = {**frame, "data": [dict(patch) for patch in frame.get("data", ())]}
    for patch in out["data"]:
        _style(patch, base, defaults=False)
    if "layout" in frame:
        out["layout"] = _grow_fonts(frame["layout"])
    return out


def _grow_fonts(node):
    """A copy of ``node`` with every explicit font size grown (for layouts frames patch)."""
    if isinstance(node, dict):
        out = {k: _grow_fonts(v) for k, v in node.items()}
        for k, v in out.items():
            if "font" in k and isinstance(v, dict) and "size" in v:
                out[k] = {**v, "size": grown(v["size"])}
        return out
    return [_grow_fonts(v) for v in node] if isinstance(node, list) else node


def _colorbar(bar: dict, base: float) -> None:
    _font(bar, "tickfont", base)
    title = bar["title"] = dict(bar.get("title") or {})
    _font(title, "font", base)


def _axis(axis: dict, base: float, flat: bool = True) -> None:
    ticks = float((axis.get("tickfont") or {}).get("size", base))
    _font(axis, "tickfont", base)
    if not flat:  # gl3d draws tick labels about 1.5× their nominal size in a grown scene: grow them less
        axis["tickfont"]["size"] = round(TICKS_3D * ticks)
    title = axis["title"] = dict(axis.get("title") or {})
    _font(title, "font", base)
    if title.get("text"):
        title["text"] = wrap(title["text"], WRAP_LABEL)
    if axis.get("showgrid") is not False:
        axis["gridcolor"] = GRID
    axis["zerolinecolor"] = GRID  # a dark zero line would pass for an axis
    if flat:  # 3D axes have no margins to push
        axis["automargin"] = True
    if axis.get("type") == "log":  # powers of ten; the small 2s and 5s between decades are too small from afar
        axis.update(LOG_AXIS)
    if axis.get("visible") is not False and axis.get("showticklabels") is not False:
        axis.update(showline=True, linecolor=AXIS, linewidth=2, ticks=axis.get("ticks") or "outside", tickcolor=AXIS)


def _layout(layout: dict, data: list[dict], base: float, width: int) -> None:
    height = layout.get("height")
    if height:
        layout["height"] = round(height * HEIGHT)
    layout["font"] = {**(layout.get("font") or {}), "size": grown(base), "color": INK}
    layout.update(paper_bgcolor="white", plot_bgcolor=layout.get("plot_bgcolor", "white"))
    _font(layout.setdefault("hoverlabel", {}), "font", 13)
    for trace in data:  # axes that only exist implicitly, through their traces
        if trace.get("type", "scatter") in CARTESIAN:
            for letter in "xy":
                layout.setdefault(f"{letter}axis{trace.get(f'{letter}axis', letter)[1:]}", {})
    for key, value in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key):
            _axis(value, base)
        elif re.fullmatch(r"scene\d*", key):
            for letter in "xyz":
                _axis(value.setdefault(f"{letter}axis", {}), base, flat=False)
        elif re.fullmatch(r"coloraxis\d*", key):
            _colorbar(value.setdefault("colorbar", {}), base)
    for note in layout.get("annotations", []):
        _font(note, "font", base)  # an explicit color (a note's own meaning) is kept
        if note.get("showarrow"):
            note["arrowwidth"] = note.get("arrowwidth", 1) * WIDTH
    for shape in layout.get("shapes", []):
        shape["line"] = {**(shape.get("line") or {}), "width": (shape.get("line") or {}).get("width", 2) * WIDTH}
    legend = layout.get("legend") or {}  # a legend above the plot (before _legend moves any) stays under the title
    on_top = legend.get("orientation") == "h" and legend.get("yref", "paper") == "paper" and legend.get("y", -1) >= 1
    stacked = is_headline(layout) or on_top
    _legend(layout, base)
    _titles_and_margins(layout, base, width, stacked)
    _spread(layout)
    _controls(layout, base)


def _legend(layout: dict, base: float) -> None:
    legend = layout["legend"] = dict(layout.get("legend") or {})
    _font(legend, "font", base)
    legend.update(bgcolor="white", bordercolor=AXIS, borderwidth=1)
    if legend.get("yref", "paper") != "paper":
        return
    horizontal = legend.get("orientation") == "h"
    x, y = legend.get("x", 0 if horizontal else 1.02), legend.get("y", -0.1 if horizontal else 1)
    inside = 0 <= x <= 1 and 0 <= y <= 1  # grown, it would cover the data
    if inside or (horizontal and y < 0):  # at the very bottom: no axis title under it
        legend.update(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left")


def _titles_and_margins(layout: dict, base: float, width: int, stacked: bool) -> None:
    margin = layout["margin"] = {side: (layout.get("margin") or {}).get(side, px) for side, px in MARGINS.items()}
    margin.update({side: round(px * SCALE) for side, px in margin.items()})
    title, legend = layout.get("title") or {}, layout["legend"]
    text = title.get("text", "")
    if not text:
        return
    size = grown((title.get("font") or {}).get("size", 1.4 * base), TITLE)  # plotly's title is 1.4× the base
    text = wrap(text, max(20, int((width - 2 * PAD) / (CHAR * size))))
    lines = text.count("<br>") + 1
    top = title_height(size, lines)
    # from the figure's top left edge, where the wrapping above measured from
    placed = dict(x=0, xanchor="left", xref="container", y=1, yanchor="top", yref="container")
    placed["pad"] = title_pad(size, lines) | dict(l=PAD)
    layout["title"] = {**title, **placed, "text": text, "font": {**(title.get("font") or {}), "size": size}}
    if stacked:  # the legend right under the title; plotly reserves its rows above the plot
        height = layout.get("height") or 450
        legend.update(orientation="h", yref="container", y=1 - top / height, yanchor="top", x=0, xanchor="left")
        margin["t"] = GAP
    else:
        margin["t"] = max(margin["t"], round(top + GAP))


def _spread(layout: dict) -> None:
    """Side-by-side subplots get gaps ×1.5 between them: room for the right one's bigger tick labels and title."""
    axes = [a for k, a in layout.items() if re.fullmatch(r"xaxis\d*", k) and "domain" in a]
    columns = sorted({tuple(a["domain"]) for a in axes})
    if len(columns) < 2 or any(a[1] > b[0] for a, b in zip(columns, columns[1:], strict=False)):
        return  # one column, or overlapping domains: nothing to spread
    gaps = [SCALE * (b[0] - a[1]) for a, b in zip(columns, columns[1:], strict=False)]
    k = (columns[-1][1] - columns[0][0] - sum(gaps)) / sum(b - a for a, b in columns)
    start, moved = columns[0][0], {}
    for i, (a, b) in enumerate(columns):
        moved[(a, b)] = [start, start + k * (b - a)]
        start += k * (b - a) + (gaps[i] if i < len(gaps) else 0)
    for axis in axes:
        axis["domain"] = moved[tuple(axis["domain"])]


def _controls(layout: dict, base: float) -> None:
    """Play buttons and sliders under the plot move down past the grown tick labels and axis title,
    in rows (buttons, then the slider at full width) so the bigger buttons never cover the slider."""
    band = LINE * 2 * grown(base) + 44  # tick labels and axis title under the plot, with a title's standoff
    below = 0.0
    if any(c.get("y", 1) <= 0 for c in [*layout.get("updatemenus", []), *layout.get("sliders", [])]):
        layout["margin"]["b"] += 20  # room for the lower band
    for menu in layout.get("updatemenus", []):
        _font(menu, "font", base)
        if menu.get("y", 1) <= 0:
            menu.update(y=0, yanchor="top", x=0, xanchor="left", pad={**(menu.get("pad") or {}), "t": band})
            below = max(below, LINE * grown(base) + 18)
    for slider in layout.get("sliders", []):
        _font(slider, "font", base)
        slider["currentvalue"] = dict(slider.get("currentvalue") or {})
        _font(slider["currentvalue"], "font", base)
        if slider.get("y", 1) <= 0:
            slider.update(y=0, yanchor="top", x=0, xanchor="left", len=1, pad={"t": band + below, "l": 0, "r": 0})
