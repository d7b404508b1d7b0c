"""Plotly figure builders: data in, ``go.Figure`` out. No streamlit here."""

from .basins import basin_figure, sweep_figure
from .charts import distance_figure, surface3d_figure
from .inspector import inspector_figure
from .landscape import layout_image, png_bytes, rgb_image
from .palette import OPTIMIZER_STYLES, Style, style
from .projection import project
from .race import race_figure

__all__ = [
    "OPTIMIZER_STYLES",
    "Style",
    "basin_figure",
    "distance_figure",
    "inspector_figure",
    "layout_image",
    "png_bytes",
    "project",
    "race_figure",
    "rgb_image",
    "style",
    "sweep_figure",
    "surface3d_figure",
]
