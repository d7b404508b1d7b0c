"""The race's download row: its paths, settings and results, the figure, and one optimizer's run as a PyTorch
script (gdviz.ui.downloads over gdviz.export's tables; the JSON carries the settings that reproduce the run)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ... import export
from ...optimizers import OPTIMIZERS
from ...snippet import snippet_filename, torch_snippet
from ...surface.functions import Surface
from ...surface.race_table import race_rows as result_rows
from ...surface.trajectory import Trajectory
from ..downloads import download_row
from ..widgets import only_options
from .controls import RaceSettings


def race_downloads(surface: Surface, settings: RaceSettings, runs: dict[str, Trajectory], fans, fig: go.Figure):
    """The race's paths, its settings and results, the figure, and one optimizer's run as a PyTorch script."""
    names = list(runs)
    only_options("race.snippet", names)
    c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
    name = c1.selectbox("PyTorch snippet of", names, format_func=lambda n: OPTIMIZERS[n].title, key="race.snippet")
    with c2:
        download_row(
            f"race-{surface.name}",
            key="race.dl",
            figure=fig,
            csv=lambda: export.to_csv(export.race_rows(runs)),
            json=lambda: export.to_json(
                export.race_settings(settings, runs),
                {
                    "paths": export.race_arrays(runs),
                    "fans": export.race_arrays(fans),
                    "results": result_rows(surface, runs),
                },
                page="race",
            ),
            snippet=lambda: torch_snippet(
                surface,
                name,
                runs[name].hyper,
                settings.start,
                settings.steps,
                settings.noise,
                settings.seed,
                schedule=runs[name].schedule,
            ),
            snippet_name=snippet_filename(surface.name, name),
        )
