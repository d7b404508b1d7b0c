"""A title at the top of a figure with its legend stacked right under it, shared by figures and projection.

Plotly places a title and a legend above the plot independently, so a legend that wraps onto more rows
(a narrow column, a projector's bigger font) draws over the title. ``headline`` pins both in container
coordinates instead: the title at the top, the legend just below it. Plotly then reserves the legend's
own height (and its offset) above the plot, however many rows it takes: nothing overlaps.
"""

from __future__ import annotations

TITLE_SIZE, LEGEND_SIZE = 18, 14
WRAP = 64  # characters a title line holds at 18 px in a half-width column
PAD, GAP = 10, 8  # px above the title, and between the title and the legend
LINE = 1.3  # a text line's height, in font sizes
# every log axis: ticks that read 10⁻⁶ (not SI prefixes: 1µ, 10n, 1T), no small 2s and 5s between decades
LOG_AXIS = dict(type="log", exponentformat="power", minorloglabels="none")


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters at spaces (existing breaks kept)."""
    lines = []
    for part in text.split("<br>"):
        line = ""
        for word in part.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(lines)


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
