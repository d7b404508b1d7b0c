"""What the network page offers to download: the training as CSV and JSON, the figure as HTML, the weights,
and the same training as a PyTorch script.

``network_downloads(run, data, settings, fig)`` draws one row as the other pages do (gdviz.ui.downloads),
plus the final weights and biases as a CSV of their own; every file is made only when its button is clicked.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ... import export
from ...network import MLPRun
from ...network.data import NetworkData
from ...network.snippet import run_snippet
from ..downloads import download_row, file_stem
from .controls import NetworkSettings

DATA_FIELDS = ("dataset", "noise", "split", "features", "seed")  # the settings that draw the page's data


def page_data(settings: NetworkSettings) -> dict:
    """The data as the page names it: data set, noise, test share, input features and the seed."""
    return {name: getattr(settings, name) for name in DATA_FIELDS}


def snippet_of(run: MLPRun, data: NetworkData, settings: NetworkSettings) -> str:
    """The run as a PyTorch script: the training points, the features computed in torch, train_mlp's arguments
    as the run resolved them."""
    return run_snippet(data.train.X, data.train.y, run, settings.dataset, settings.features)


def network_downloads(
    run: MLPRun, data: NetworkData, settings: NetworkSettings, fig: go.Figure | Callable[[], go.Figure]
) -> None:
    """The history, its settings and the run, the figure on screen (or a function making it), the weights, and
    the same training as a PyTorch script. Keys ``net.dl.*``."""
    stem = f"network-{settings.dataset}"
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        download_row(
            stem,
            key="net.dl",
            figure=fig,
            csv=lambda: export.to_csv(export.network_rows(run)),
            json=lambda: export.to_json(
                export.network_settings(run, page_data(settings)), export.network_run(run), page="network"
            ),
            snippet=lambda: snippet_of(run, data, settings),
            snippet_name=f"{file_stem(stem)}-{run.optimizer}.py",
        )
        st.download_button(
            "⤓ Weights (CSV)",
            lambda: export.to_csv(export.network_param_rows(run.params)),
            file_name=f"{file_stem(stem)}-weights.csv",
            mime="text/csv",
            key="net.dl.weights",
            help="every final weight and bias: layer, W or b, row, column, value",
            on_click="ignore",
        )
