"""One visual identity per optimizer, shared by every page: color, marker and dash.

Colors are Okabe–Ito (colorblind-safe); marker and dash differ too, so color is never the only cue.
"""

from __future__ import annotations

from typing import NamedTuple

from ..optimizers import OPTIMIZERS


class Style(NamedTuple):
    color: str
    symbol: str
    dash: str


OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")
# what a visitor calls each color on screen (captions and legends name them in words)
COLOR_NAMES = {
    "#000000": "black",
    "#E69F00": "orange",
    "#56B4E9": "sky blue",
    "#009E73": "green",
    "#0072B2": "blue",
    "#D55E00": "red-orange",
    "#CC79A7": "pink",
    "#F0E442": "yellow",
}

# the step inspector's arrows: the plain gradient step and the parts in between (with a dash each, so
# color is not the only cue), then the step taken, solid and thicker
ARROW_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
ARROW_DASHES = ("dash", "dot", "dashdot", "longdash")
STEP_COLOR = "#D55E00"


def color_name(color: str) -> str:
    return COLOR_NAMES.get(color.upper(), color)


# each optimizer's look lives in its record (gdviz/optimizers/)
OPTIMIZER_STYLES: dict[str, Style] = {name: Style(*spec.look) for name, spec in OPTIMIZERS.items()}

# markers are outlined so the light ones (yellow) still read on a light landscape
OUTLINE = "#222222"


# a diverged run is marked by a cross, and which cross says whose (color is never the only cue)
CROSSES = (
    *("x", "cross", "x-open", "cross-open", "x-open-dot", "cross-open-dot", "x-thin", "cross-thin", "asterisk"),
    *("x-dot", "cross-dot", "x-thin-open", "cross-thin-open", "asterisk-open", "hash", "hash-open", "hash-open-dot"),
)
# Scatter3d draws only these symbols: each 2D symbol maps to the nearest one
SYMBOLS_3D = {"circle", "circle-open", "cross", "diamond", "diamond-open", "square", "square-open", "x"}
NEAREST_3D = {
    "triangle-up": "diamond-open",
    "triangle-down": "square-open",
    "hourglass": "x",
    "pentagon": "circle-open",
    # chosen so that no two optimizers share a color and a 3D symbol (tests/viz/test_palette.py)
    "star": "diamond-open",
    "hexagon": "square-open",
    "bowtie": "x",
    "star-triangle-up": "diamond-open",
    "triangle-right": "square-open",
    "diamond-wide": "diamond",
    "octagon": "circle",
}


def style(name: str) -> Style:
    """The style of an optimizer, or a stable fallback for names the palette has not met."""
    if name in OPTIMIZER_STYLES:
        return OPTIMIZER_STYLES[name]
    i = sum(map(ord, name)) % len(OKABE_ITO)
    return Style(OKABE_ITO[i], "circle-open", "solid")


def diverged_symbol(name: str) -> str:
    """The cross that marks ``name``'s diverged runs: one of its own per optimizer in the palette."""
    order = list(OPTIMIZER_STYLES)
    return CROSSES[order.index(name) % len(CROSSES)] if name in OPTIMIZER_STYLES else "x"


def symbol_3d(symbol: str) -> str:
    return symbol if symbol in SYMBOLS_3D else NEAREST_3D.get(symbol, "circle-open")


# classes get the same treatment: an Okabe–Ito color, a marker and a dash (the dash draws the
# class's score-zero line); black is left out so the points' outlines stay readable
CLASS_STYLES = tuple(
    Style(color, symbol, dash)
    for color, symbol, dash in zip(
        ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"),
        ("circle", "square", "diamond", "triangle-up", "x", "star", "hexagram"),
        ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"),
        strict=True,
    )
)


def class_style(c: int) -> Style:
    return CLASS_STYLES[c % len(CLASS_STYLES)]


def key_entry(label: str, s: Style, group: str, width: float, size: float, outline: float) -> dict:
    """A legend entry with no data (a scatter trace as a dict): ``s``'s line and dash with its marker."""
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="lines+markers",
        line=dict(color=s.color, dash=s.dash, width=width),
        marker=dict(color=s.color, symbol=s.symbol, size=size, line=dict(color=OUTLINE, width=outline)),
        name=label,
        legendgroup=group,
    )
