"""Every figure a page shows goes through ``show_figure``: projection mode restyles it, a caption says what it shows.

The figure returned is the one on screen (projected or not), so a download of "the current figure"
is exactly what the reader sees. Graphviz graphs (gdviz.viz.graph.graph_dot) take a font size and the projection switch.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ..viz.projection import project
from .sidebar import projecting


def show_figure(fig: go.Figure, caption: str, *, key: str, half: bool = False, **chart) -> go.Figure:
    """Draw ``fig`` (projected in projection mode; ``half`` for a chart in a half-width column), then its caption."""
    if projecting():
        fig = project(fig, width=500 if half else 1000)
    chart.setdefault("width", "stretch")
    st.plotly_chart(fig, key=key, **chart)
    st.caption(caption)
    return fig
