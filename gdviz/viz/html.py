"""A figure as one standalone, interactive HTML file: ``figure_html(fig) -> str``.

plotly.js is inlined (about 4.7 MB of the file), so it opens offline, in a lecture hall without
internet, from a USB stick. An ``AnimatedFigure`` keeps its frames, Play buttons and scrubber:
``to_html`` reads figures through ``to_dict``, which puts the frames back. The file opens where the
figure stood (no autoplay) and fills the window's width; its <title> is the figure's own title.
"""

from __future__ import annotations

import html
import re

import plotly.graph_objects as go
import plotly.io as pio

CONFIG = {"responsive": True, "displaylogo": False}
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>html, body {{height: 100%; margin: 0;}}</style>
</head>
<body>
{div}
</body>
</html>
"""


def figure_title(fig: go.Figure, default: str = "gdviz") -> str:
    """The figure's title as plain text (``<br>`` a space, other tags dropped), else ``default``."""
    text = fig.layout.title.text or ""
    text = re.sub(r"<[^>]*>", "", re.sub(r"<br\s*/?>", " ", text, flags=re.I))
    return " ".join(text.split()) or default


def figure_html(fig: go.Figure, title: str = "gdviz") -> str:
    """The whole page: plotly.js, the figure (data, layout, frames) and a <title>.

    ``title`` is used only when the figure has none of its own.
    """
    div = pio.to_html(fig, config=CONFIG, include_plotlyjs=True, full_html=False, auto_play=False)
    return PAGE.format(title=html.escape(figure_title(fig, title)), div=div)
