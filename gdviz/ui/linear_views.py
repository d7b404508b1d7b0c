"""The linear-classifier page's views: each takes plain settings and finished runs, and draws one screen."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ..linear.data import Dataset, add_bias
from ..linear.losses import per_example
from ..linear.train import LinearRun, smoothed
from ..viz.classifier import classifier_figure
from ..viz.linear_charts import batch_figure
from .figures import show_figure
from .linear_controls import BATCHES, TrainSettings, batch_label
from .linear_runs import train_2d
from .stepper import step_buttons

BOX = ((-2.0, 2.0), (-2.0, 2.0))


def trend_window(run: LinearRun) -> int:
    """Smooth over about one epoch (at least 5, at most 50 iterations)."""
    per_epoch = max(1, round(run.iterations / max(run.epochs, 1e-9)))
    return int(np.clip(per_epoch, 5, 50))


def _added(prefix: str) -> None:
    """Callback: a click on the map adds a point of the chosen class there."""
    points = st.session_state[f"{prefix}_chart"]["selection"]["points"]
    if points:
        c = int(st.session_state.get(f"{prefix}.click_class", 0))
        added = list(st.session_state.get(f"{prefix}.added", ()))
        st.session_state[f"{prefix}.added"] = added + [(round(points[0]["x"], 3), round(points[0]["y"], 3), c)]


def show_classifier(d: Dataset, run: LinearRun, prefix: str = "lc") -> tuple[int, go.Figure]:
    """The animated regions and loss; returns the snapshot the chart opens at, and the figure on screen."""
    steps = run.snapshot_steps
    at = step_buttons(
        len(steps) - 1,
        prefix=f"{prefix}_step",
        cursor=f"{prefix}_cursor",
        label=lambda i: f"iteration {int(steps[i])} of {int(steps[-1])}",
    )
    fig = classifier_figure(
        d.X,
        d.y,
        d.class_names,
        run.snapshot_W,
        steps,
        run.snapshot_loss,
        run.losses,
        box=BOX,
        trend=smoothed(run.losses, trend_window(run)),
        epoch_steps=run.eval_steps,
        epoch_losses=run.eval_loss,
        at=at,
    )
    fig = show_figure(
        fig,
        "Each class's region (where its score is highest) and score-zero line as training moves them (left; a click "
        "adds a point of the class chosen below), and the loss of each batch, its running mean and the loss on all "
        "the data (right): press ▶ to watch training.",
        key=f"{prefix}_chart",
        on_select=lambda: _added(prefix),
        selection_mode="points",
    )
    return at, fig


def click_controls(d: Dataset, prefix: str = "lc") -> None:
    c1, c2 = st.columns([3, 1])
    c1.radio(
        "A click on the map adds a point of class",
        range(d.classes),
        format_func=lambda c: d.class_names[c],
        key=f"{prefix}.click_class",
        horizontal=True,
    )
    if st.session_state.get(f"{prefix}.added"):
        n = len(st.session_state[f"{prefix}.added"])
        c2.button(
            f"Remove the {n} added point{'s' * (n > 1)}",
            key=f"{prefix}.clear",
            on_click=lambda: st.session_state.pop(f"{prefix}.added", None),
        )


def show_batches(data: tuple, ts: TrainSettings, per: str) -> None:
    """The same training with every batch size, side by side."""
    curves, notes = {}, []
    for b in BATCHES:
        try:
            run = train_2d(data, *ts._replace(batch=b).key())
        except ValueError as e:
            notes.append(f"{batch_label(b)}: {e}")
            continue
        per_epoch = run.iterations / max(run.epochs, 1e-9)
        curves[batch_label(b)] = dict(
            losses=run.losses, trend=smoothed(run.losses, trend_window(run)), iterations_per_epoch=per_epoch
        )
    show_figure(
        batch_figure(curves, per=per),
        f"The same training ({ts.steps} iterations, same start and settings) with every batch size: smaller batches "
        "are noisier per iteration but cheaper, so per epoch (the same examples seen) they are far ahead.",
        key="batch_chart",
    )
    for note in notes:
        st.info(note)


def example_table(d: Dataset, run: LinearRun, at: int) -> dict[str, np.ndarray]:
    """The CS231n demo's table: each point, its class, its scores and its loss at the chosen snapshot."""
    scores, losses = per_example(run.snapshot_W[at], add_bias(d.X), d.y, run.loss)
    table = {"x₁": d.X[:, 0].round(3), "x₂": d.X[:, 1].round(3), "class": [d.class_names[c] for c in d.y]}
    for c in range(scores.shape[1]):
        table[f"score {d.class_names[c]}"] = scores[:, c].round(3)
    table["loss"] = losses.round(4)
    return table
