"""Plotly figure builders: data in, ``go.Figure`` out. No streamlit here."""

from .landscape import layout_image, png_bytes, rgb_image
from .palette import OPTIMIZER_STYLES, Style, style
from .race import race_figure

__all__ = ["OPTIMIZER_STYLES", "Style", "layout_image", "png_bytes", "race_figure", "rgb_image", "style"]
