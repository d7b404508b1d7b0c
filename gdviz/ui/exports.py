"""What each page offers to download: its run as CSV and JSON, its figure as HTML, the PyTorch code.

One function per page, each a single ``download_row`` (gdviz.ui.downloads) over gdviz.export's
tables; the JSON always carries the settings that reproduce the run. Pages call one line.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from .. import export
from ..linear.data import Dataset, add_bias
from ..linear.gradcheck import GradCheck, HSweep
from ..linear.search import SearchRun
from ..linear.snippet import run_snippet
from ..linear.train import LinearRun
from ..optimizers import OPTIMIZERS
from ..snippet import snippet_filename, torch_snippet
from ..surface.functions import Surface
from ..surface.race_table import race_rows as result_rows
from ..surface.trajectory import Trajectory
from .downloads import download_row
from .race.controls import RaceSettings
from .widgets import only_options


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


def linear_downloads(d: Dataset, data: dict, run: LinearRun, fig: go.Figure) -> None:
    """The training history, its settings and W, the figure, and the same training as a PyTorch script."""
    download_row(
        f"linear-{d.name}",
        key="lc.dl",
        figure=fig,
        csv=lambda: export.to_csv(export.linear_rows(run)),
        json=lambda: export.to_json(
            export.linear_settings(run, data), {"history": export.linear_rows(run), "W": run.W}, page="linear"
        ),
        snippet=lambda: run_snippet(add_bias(d.X), d.y, run, d.name),
        snippet_name=f"gdviz-linear-{d.name}-{run.optimizer}.py",
    )


def digits_downloads(run: LinearRun, M, test: Dataset, test_accuracy: float, fig: go.Figure) -> None:
    download_row(
        "digits",
        key="digits.dl",
        figure=fig,
        csv=lambda: export.to_csv(export.linear_rows(run)),
        json=lambda: export.to_json(
            export.linear_settings(run, {"name": "digits", "test_fraction": 0.2, "split_seed": 0}),
            {
                "history": export.linear_rows(run),
                "confusion": M,
                "classes": test.class_names,
                "test_accuracy": test_accuracy,
                "W": run.W,
            },
            page="digits",
        ),
    )


def gradcheck_downloads(settings: dict, check: GradCheck, sweeps: dict[str, HSweep], fig: go.Figure) -> None:
    download_row(
        f"gradient-check-{settings['loss']}",
        key="gc.dl",
        figure=fig,
        csv=lambda: export.to_csv(export.gradcheck_rows(check)),
        json=lambda: export.to_json(
            settings,
            {"entries": export.gradcheck_rows(check), "h_sweep": export.hsweep_rows(sweeps)},
            page="gradient_check",
        ),
    )


def search_downloads(ran: dict, results: dict[str, SearchRun], data_title: str, fig: go.Figure) -> None:
    download_row(
        "random-search",
        key="rs.dl",
        figure=fig,
        csv=lambda: export.to_csv(export.search_rows(results)),
        json=lambda: export.to_json(
            {**ran, "strategies": list(results), "data": data_title},
            {"curves": export.search_rows(results), "done": {n: r.done for n, r in results.items()}},
            page="random_search",
        ),
    )


def backprop_downloads(expr, values: dict, nodes, steps, check_rows) -> None:
    download_row(
        "backprop",
        key="bp.dl",
        csv=lambda: export.to_csv(export.backprop_rows(nodes, steps)),
        json=lambda: export.to_json(
            {"formula": expr.text, "values": values},
            {"steps": export.backprop_rows(nodes, steps), "check": check_rows},
            page="backprop",
        ),
    )
