"""A title at the top of a figure with its legend stacked right under it, shared by figures and projection.

Plotly places a title and a legend above the plot independently, so a legend that wraps onto more rows
(a narrow column, a projector's bigger font) draws over the title. ``headline`` pins both in container
coordinates instead: the title at the top, the legend just below it. Plotly then reserves the legend's
own height (and its offset) above the plot, however many rows it takes: nothing overlaps.

``FONT`` is every figure's text but its title, and ``pick_grid`` the invisible grid a map is clicked through.

Notes at a plot's edge (what leaves the chart there) are built here too: ``edge_note`` draws one, and
``quiet_place`` finds where along the edge it covers no curve.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go

from ..readable import LARGE, SMALL, SUPERSCRIPT, readable

TITLE_SIZE, LEGEND_SIZE = 18, 14
FONT = dict(size=14)  # every figure's text but its title: axes, ticks, legend, notes
WRAP = 64  # characters a title line holds at 18 px in a half-width column
PAD, GAP = 10, 8  # px above the title, and between the title and the legend
LINE = 1.3  # a text line's height, in font sizes
# every log axis: ticks that read 10⁻⁶ (not SI prefixes: 1µ, 10n, 1T), no small 2s and 5s between decades
LOG_AXIS = dict(type="log", exponentformat="power", minorloglabels="none")
POWER_TICKS = dict(tickfont=dict(size=16))  # plotly draws an exponent at ~⅔ of its tick: 16 px ticks, 11 px exponents


def log_ticks(lo: float, hi: float) -> dict:
    """Ticks for a log axis over [lo, hi] that spans fewer than two powers of ten, every one labelled: at 1, 2 and
    5 × 10^k (at every digit if that gives fewer than three). ``LOG_AXIS`` labels only the powers of ten, and such
    a range holds one or none of them: a loss chart read "1" and nothing else. All labels are decimals, or all
    powers of ten where the range leaves [10⁻³, 10⁶) (as a table writes them). Wider ranges keep plotly's: ``{}``."""
    if not (0 < lo < hi) or np.log10(hi) - np.log10(lo) >= 2:
        return {}
    decades = np.arange(np.floor(np.log10(lo)), np.ceil(np.log10(hi)) + 1)
    for mantissas in ((1, 2, 5), range(1, 10)):
        ticks = np.array([m * 10.0**k for k in decades for m in mantissas])
        ticks = ticks[(ticks >= lo * (1 - 1e-9)) & (ticks <= hi * (1 + 1e-9))]
        if len(ticks) >= 3:
            break
    if len(ticks) < 2:
        return {}
    powers = lo < SMALL or hi >= LARGE
    return dict(tickmode="array", tickvals=ticks.tolist(), ticktext=[_tick_text(t, powers) for t in ticks])


def _tick_text(tick: float, powers: bool) -> str:
    if not powers:
        return readable(tick, 2)
    mantissa, exponent = f"{tick:.0e}".split("e")
    power = f"10{str(int(exponent)).translate(SUPERSCRIPT)}"
    return power if mantissa == "1" else f"{mantissa} × {power}"


def wrap(text: str, width: int, most: int | None = None) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces (existing breaks kept); a word
    longer than a line (a typed formula: exp(exp(exp(x)))) is cut across lines. ``most`` lines at most: the
    last one kept ends in "…". Only "<br>" is added: the text stays plain (visitor text too)."""
    lines = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            while len(word) > width:  # no space to break at: cut the word
                room = width - len(line) - 1 if line else width
                if room < 1:
                    lines.append(line)
                    line, room = "", width
                head, word = word[:room], word[room:]
                lines.append(f"{line} {head}" if line else head)
                line = ""
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    if most is not None and len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "<br>".join(lines)


def edge_note(text: str, x: float, xref: str, yref: str, top: bool, left: bool, row: int = 0) -> dict:
    """A note inside a plot (axes ``xref``, ``yref``) at its top or bottom edge, starting (``left``) or ending
    at ``x``: what leaves the chart there, and where. Notes of one edge stack (``row`` 0, 1, …)."""
    return dict(
        text=text,
        x=x,
        xref=xref,
        xanchor="left" if left else "right",
        xshift=8 if left else -8,  # clear of the y ticks, or of the curve leaving at x
        y=1 if top else 0,
        yref=f"{yref} domain",
        yanchor="top" if top else "bottom",
        yshift=(-1 if top else 1) * (4 + NOTE_ROW * row),  # off the axis line
        align="left" if left else "right",
        showarrow=False,
        bgcolor="rgba(255,255,255,0.85)",
        font=dict(size=14, color="#111111"),
    )


NOTE_ROW = 86  # px between stacked edge notes: three lines of 21 px type (projected) at plotly's 1.3 line height
STAGE_PLOT = (255, 205)  # px: a stage panel's plot at 1280×720 projected, where a note is biggest against it
NOTE_PX, CHAR_EM = 21, 0.55  # a note's type projected (14 px × 1.5), and a character's width in ems
STAGE_HALF = 373  # px: a half-width stage panel at 1280×720 projected, the sidebar open (its narrowest)


class Place(NamedTuple):
    """Where edge notes go: ``x`` as a fraction of the plot's width, whether they start there (``left``), how far
    from their edge no curve passes under them (``free``) and their ``height``, both fractions of the plot's,
    and how many curve points they would cover."""

    x: float
    left: bool
    free: float
    height: float
    covered: int


def quiet_place(points, at: float, top: bool, size, plot=STAGE_PLOT) -> tuple[Place, Place]:
    """Where edge notes of ``size`` (characters wide, lines tall) cover none of ``points`` (a list of (x, y)
    arrays in fractions of the plot; only those inside it are drawn): beside ``at`` on its roomier side, else
    in the left or the right corner of the top or bottom edge; where all three cover some, the one with the
    most free room at its edge (``Place.free`` under ``Place.height``: the range must grow to make room)
    and ``fewest``, the one covering the fewest points (where the range cannot grow)."""
    w = (size[0] * CHAR_EM * NOTE_PX + 12) / plot[0]  # its padding and shift included
    h = (size[1] * LINE * NOTE_PX + 8) / plot[1]
    places = [(at, True, at, at + w) if at < 0.5 else (at, False, at - w, at), (0, True, 0, w), (1, False, 1 - w, 1)]

    def place(x: float, left: bool, x0: float, x1: float) -> Place:
        near = [(1 - y if top else y)[(x >= x0) & (x <= x1) & (y >= 0) & (y <= 1)] for x, y in points]
        near = np.concatenate(near) if near else np.empty(0)
        return Place(x, left, float(near.min()) if len(near) else 1.0, h, int(np.count_nonzero(near <= h)))

    room = [place(*p) for p in places]
    fewest = min(room, key=lambda p: p.covered)
    return (fewest if fewest.covered == 0 else max(room, key=lambda p: p.free)), fewest


def title_pad(size: float, lines: int = 1) -> dict:
    """The title's top padding: plotly lifts a title of several lines by about 0.7 of a line, this puts it back."""
    return dict(t=PAD + (round(0.75 * size) if lines > 1 else 0))


def title_height(size: float, lines: int = 1) -> float:
    """Pixels a title of ``lines`` lines takes at the top, its padding included."""
    return PAD + lines * LINE * size + GAP


def headline(
    title: str, height: float, size: float = TITLE_SIZE, legend_size: float = LEGEND_SIZE, legend: bool = True
) -> dict:
    """Layout entries for a ``height``-pixel figure: the title top left, a horizontal legend under it
    (``legend=False``: a figure without one, whose plot starts under the title)."""
    title = wrap(title, WRAP)
    lines = title.count("<br>") + 1
    top = dict(
        text=title,
        font=dict(size=size),
        x=0,
        xanchor="left",
        xref="paper",
        y=1,
        yanchor="top",
        yref="container",
        pad=title_pad(size, lines),
    )
    if not legend:
        return dict(title=top, margin=dict(t=round(title_height(size, lines) + GAP)))
    return dict(
        title=top,
        legend=dict(
            orientation="h",
            x=0,
            xanchor="left",
            y=1 - title_height(size, lines) / height,
            yanchor="top",
            yref="container",
            font=dict(size=legend_size),
        ),
        margin=dict(t=GAP),
    )


def is_headline(layout: dict) -> bool:
    """Whether a layout dict holds a title with a legend stacked under it (as ``headline`` makes them)."""
    title, legend = layout.get("title") or {}, layout.get("legend") or {}
    return isinstance(title, dict) and title.get("yref") == "container" and legend.get("yref") == "container"


def diverged_band(rows: list[str], share: float) -> dict:
    """The "diverged" band above a chart's curves (a second y axis on the top ``share`` of the plot): a category
    row per optimizer, the first on top, where each draws its diverged runs (the lr sweep, the tuning chart)."""
    return dict(
        domain=[1 - share, 1],
        type="category",
        categoryorder="array",
        categoryarray=rows[::-1],
        range=[-0.6, len(rows) - 0.4],
        title=dict(text="diverged"),
        showgrid=True,
        gridcolor="#E5E5E5",
        anchor="x",
        automargin=True,  # the rows' names
        fixedrange=True,
    )


def pick_grid(domain, n: int = 60, name: str = "pick start") -> go.Scatter:
    """An invisible grid of points over a map's ``domain``: clicking one selects it (contours are not selectable)."""
    (x0, x1), (y0, y1) = domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    return go.Scatter(
        x=gx.ravel().astype(np.float32),
        y=gy.ravel().astype(np.float32),
        mode="markers",
        marker=dict(size=8, opacity=0),
        hoverinfo="none",
        showlegend=False,
        name=name,
    )
