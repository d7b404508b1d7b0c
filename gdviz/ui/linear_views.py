"""The linear-classifier page's views: each takes plain settings and finished runs, and draws one screen.

``linear_main`` is the page's fragment: a click on the map (a new point) or a resting step of the stage
(the per-point table) reruns only it. Its keys: ``lc.added`` the clicked points, ``lc_cursor`` the
iteration the stage rests on, ``lc.click_class`` the class a click adds.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ..linear.data import Dataset, add_bias
from ..linear.losses import TITLES, per_example
from ..linear.train import LinearRun, smoothed
from ..viz.classifier import classifier_figure
from ..viz.linear_charts import batch_figure
from ..viz.projection import project
from .exports import linear_downloads
from .figures import show_figure
from .frame import relink
from .linear_controls import BATCHES, DataSettings, TrainSettings, batch_label
from .linear_runs import classifier_inputs, classifier_stage, dataset_2d, train_2d, trend_window
from .sidebar import projecting
from .stage import show_stage
from .widgets import defaults, only_options


def _clicked(panel: str, x: float, y: float) -> None:
    """A click on the map adds a point of the chosen class there (the stage keeps its step)."""
    if panel == "point":
        c = int(st.session_state.get("lc.click_class", 0))
        st.session_state["lc.added"] = [*st.session_state.get("lc.added", ()), (round(x, 3), round(y, 3), c)]


@st.fragment
def linear_main(data: DataSettings, ts: TrainSettings, open_at: int) -> None:
    """Everything under the title that the data, a click or a resting step changes: those rerun only this."""
    data = data._replace(added=tuple(st.session_state.get("lc.added", ())))  # clicks since the page's run
    _linear_view(data, ts, open_at)
    relink("linear")


def _linear_view(data: DataSettings, ts: TrainSettings, open_at: int) -> None:
    try:
        d = dataset_2d(*data.key())
        run = train_2d(data.key(), *ts.key())
    except ValueError as e:
        st.error(f"This cannot train: {e}. Your other settings are kept.")
        return
    if run.diverged:
        st.error(
            f"Training diverged at step {run.diverged_at}: the loss blew up. The learning rate is too large for this "
            "problem; lower it. The plots show the run up to the step before."
        )
    show_stage(
        classifier_stage(data.key(), *ts.key(), projecting()),
        key="lc_stage",
        cursor="lc_cursor",
        open_at=open_at,
        on_click=_clicked,
    )
    click_controls(d)
    st.caption(
        f"**{d.title}** — {d.description} Each class's region (where its score is highest) and score-zero line as "
        "training moves them (left; a click adds a point), and the loss of each batch, its running mean and the loss "
        "on all the data (right). Space plays and pauses, the arrow keys step, Home and End jump, F fills the screen."
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(f"{TITLES[ts.loss]} loss, all data", f"{run.final_loss:.4f}")
    c2.metric("Accuracy", f"{run.final_acc:.1%}")
    c3.metric("Iterations", f"{run.iterations:,}", help=f"stopped by: {run.reason}")
    c4.metric("Epochs", f"{run.epochs:.1f}", help=f"batch size {batch_label(ts.batch)}")
    # a shorter run than the one the stage rested on: the stage holds its last step, and so does the link
    st.session_state["lc_cursor"] = min(st.session_state.get("lc_cursor", 0), int(run.snapshot_steps[-1]))
    at = snapshot_at(run, st.session_state["lc_cursor"])
    linear_downloads(d, data._asdict(), run, lambda: _figure(d, run, at))

    batches, table = st.tabs(["Batch sizes side by side", "Scores and loss of every point"])
    with batches:
        defaults({"lc.per": "iteration"})
        per = st.segmented_control("x axis", ("iteration", "epoch"), key="lc.per") or "iteration"
        show_batches(data.key(), ts, per)
    with table:
        st.caption(
            f"At iteration {int(run.snapshot_steps[at])}: the snapshot the map shows where the stage rests "
            "(pause or step it to move the table)."
        )
        st.dataframe(example_table(d, run, at), hide_index=True, width="stretch", height=420)


def snapshot_at(run: LinearRun, step: int) -> int:
    """The index of the snapshot on the map at iteration ``step``: the last one taken at or before it."""
    return max(int(np.searchsorted(run.snapshot_steps, step, side="right")) - 1, 0)


def _figure(d: Dataset, run: LinearRun, at: int) -> go.Figure:
    """The animated figure for the HTML download, opening at snapshot ``at`` (projected in projection mode)."""
    args, kwargs = classifier_inputs(d, run)
    fig = classifier_figure(*args, **kwargs, at=at, pickable=False)
    return project(fig) if projecting() else fig


def click_controls(d: Dataset) -> None:
    """The class a click adds, and a button removing every added point (while there are some)."""
    only_options("lc.click_class", range(d.classes))  # a data set with fewer classes
    c1, c2 = st.columns([3, 1])
    c1.radio(
        "A click on the map adds a point of class",
        range(d.classes),
        format_func=lambda c: d.class_names[c],
        key="lc.click_class",
        horizontal=True,
    )
    if st.session_state.get("lc.added"):
        n = len(st.session_state["lc.added"])
        c2.button(
            f"Remove the {n} added point{'s' * (n > 1)}",
            key="lc.clear",
            on_click=lambda: st.session_state.pop("lc.added", None),
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
