"""The download rows of the linear package's pages: each run as CSV and JSON (with the settings that reproduce
it), the figure as HTML, the classifier's training as a PyTorch script (gdviz.ui.downloads over gdviz.export)."""

from __future__ import annotations

import plotly.graph_objects as go

from ... import export
from ...linear.data import Dataset, add_bias
from ...linear.gradcheck import GradCheck, HSweep
from ...linear.search import SearchRun
from ...linear.snippet import run_snippet
from ...linear.train import LinearRun
from ..downloads import download_row


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
