"""The linear-classifier page's views: each takes plain settings and finished runs, and draws one screen.

``linear_main`` is the page's fragment: a click on the map (a new point) or a resting step of the stage
(the per-point table) reruns only it. Its keys: ``lc.added`` the clicked points, ``lc_cursor`` the
iteration the stage rests on, ``lc.click_class`` the class a click adds. Inside it, ``batch_tab`` and
``click_class`` are fragments too: the batch chart's x axis switch (``lc.per``) reruns that chart alone, and
choosing the class a click adds reruns nothing else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from ...linear.data import Dataset, add_bias
from ...linear.losses import TITLES, loss_parts, per_example
from ...linear.train import LinearRun, smoothed
from ...readable import readable
from ...surface.cost import too_costly
from ...viz.classifier import classifier_figure
from ...viz.linear_charts import batch_figure
from ...viz.projection import project
from ..figures import show_figure
from ..frame import relink
from ..lane import LaneFull, unless_refused
from ..schedule_views import show_schedules
from ..sidebar import projecting
from ..stage import show_stage
from ..widgets import defaults, only_options
from .controls import BATCHES, DataSettings, TrainSettings, batch_label
from .exports import linear_downloads
from .runs import batch_curve, classifier_inputs, classifier_stage, dataset_2d, train_2d, training_cost


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
    made = unless_refused(lambda: (dataset_2d(*data.key()), train_2d(data.key(), *ts.key())))
    if made is None:
        return
    d, run = made
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
    # a shorter run than the one the stage rested on: the stage holds its last step, and so does the link
    st.session_state["lc_cursor"] = min(st.session_state.get("lc_cursor", 0), int(run.snapshot_steps[-1]))
    at = snapshot_at(run, st.session_state["lc_cursor"])
    step_cards(run, at)
    linear_downloads(d, data._asdict(), run, lambda: _figure(d, run, at))
    show_schedules({run.optimizer: run}, key="lc_lr_chart", x_title="iteration")

    # the six trainings run only while their tab is open (choosing a tab reruns the page); the table is cheap
    batches, table = st.tabs(
        ["Batch sizes side by side", "Scores and loss of every point"], key="lc.tab", on_change="rerun"
    )
    if batches.open:
        with batches:
            batch_tab(data.key(), ts)
    with table:
        shown = int(run.snapshot_steps[at])
        st.caption(f"The scores and the data loss of every point at step {shown} (as the cards above).")
        show_example_table(data.key(), ts.key(), at)


def step_cards(run: LinearRun, at: int) -> None:
    """The numbers of snapshot ``at`` (the one the map shows where the stage rests), and which step that is."""
    k, T = int(run.snapshot_steps[at]), int(run.snapshot_steps[-1])
    rests = int(st.session_state.get("lc_cursor", k))
    where = "where the stage rests" if rests == k else f"the last snapshot before step {rests:,}, where the stage rests"
    st.markdown(
        f"**At step {k:,}** of {T:,}, {where}: pause or step the stage to move these numbers and the table "
        "(while it plays they stay put)."
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "Loss, all data",
        readable(run.snapshot_loss[at]),
        help=f"{TITLES[run.loss]} loss on all the points, reg · ΣW² included. At the end (step {T:,}): "
        f"{readable(run.final_loss)}.",
    )
    c2.metric("Accuracy", f"{run.snapshot_acc[at]:.1%}", help=f"At the end (step {T:,}): {run.final_acc:.1%}.")
    batch = batch_label(0 if run.full_batch else run.batch_size)
    c3.metric("Epochs", readable(run.epochs_at(k)), help=f"passes over the data by step {k:,}; batch size {batch}")
    c4.metric("Iterations run", f"{run.iterations:,}", help=f"the whole run; stopped by: {run.reason}")


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
    with c1:
        click_class(d.class_names)
    if st.session_state.get("lc.added"):
        n = len(st.session_state["lc.added"])
        c2.button(
            f"Remove the {n} added point{'s' * (n > 1)}",
            key="lc.clear",
            on_click=lambda: st.session_state.pop("lc.added", None),
        )


@st.fragment
def batch_tab(data: tuple, ts: TrainSettings) -> None:
    """The batch sizes side by side and its x axis switch, a fragment of its own: the switch redraws this chart
    alone (the stage, the cards and the table stay as they are)."""
    defaults({"lc.per": "iteration"})
    # the address bar follows the switch from its callback: a full run writes it once anyway (the frame's)
    switch = dict(key="lc.per", on_change=relink, args=("linear",))
    per = st.segmented_control("x axis", ("iteration", "epoch"), **switch) or "iteration"
    show_batches(data, ts, per, projecting())


@st.fragment
def click_class(class_names: tuple[str, ...]) -> None:
    """The class a click on the map adds, a fragment of its own: choosing one redraws nothing else (the click
    reads it from the session)."""
    st.radio(
        "A click on the map adds a point of class",
        range(len(class_names)),
        format_func=lambda c: class_names[c],
        key="lc.click_class",
        horizontal=True,
    )


# an entry is the chart's message: 40 kB at 300 iterations, 0.6 MB at 5,000
@st.cache_data(max_entries=64, max_size="8MB", show_spinner=False)
def show_batches(data: tuple, ts: TrainSettings, per: str, projected: bool) -> None:
    """The same training with every batch size, side by side (projected or not, as the page is). Cached with what
    it draws: a rerun whose settings did not change, or a class on the teacher's link, replays the chart's message
    instead of gathering six runs' losses and building the figure again (45% of a warm rerun of the page)."""
    curves, notes = {}, []
    d = dataset_2d(*data)
    seconds = sum(training_cost(d, ts.loss, ts.optimizer, ts.steps, b or None, ts.reg, 2) for b in BATCHES)
    what = f"Training once with each of the {len(BATCHES)} batch sizes"
    if refused := too_costly(seconds, what, "lower the iterations"):
        st.info(refused)
        return
    for b in BATCHES:
        try:
            losses, per_epoch, window = batch_curve(data, *ts._replace(batch=b).key())
        except (ValueError, LaneFull) as e:
            notes.append(f"{batch_label(b)}: {e}")
            continue
        curves[batch_label(b)] = dict(losses=losses, trend=smoothed(losses, window), iterations_per_epoch=per_epoch)
    show_figure(
        batch_figure(curves, per=per),
        f"The same training ({ts.steps} iterations, same start and settings) with every batch size: smaller batches "
        "are noisier per iteration but cheaper, so per epoch (the same examples seen) they are far ahead.",
        key="batch_chart",
    )
    for note in notes:
        st.info(note)


# an entry is the table's message, about 60 kB for 300 points (2,000 points: 0.4 MB)
@st.cache_data(max_entries=64, max_size="8MB", show_spinner=False)
def show_example_table(data: tuple, settings: tuple, at: int) -> None:
    """``example_table`` for ``train_2d(data, *settings)`` at snapshot ``at``, drawn. Cached with what it draws:
    Streamlit replays the table's message for the same run and snapshot (a class on the teacher's link; every
    rerun of one visitor's page) instead of styling 300 rows again, half of a warm rerun's CPU."""
    d, run = dataset_2d(*data), train_2d(data, *settings)
    st.dataframe(example_table(d, run, at), hide_index=True, width="stretch", height=420)


def example_table(d: Dataset, run: LinearRun, at: int) -> Styler:
    """The CS231n demo's table: each point, its class, its scores and its data loss at the chosen snapshot.
    Cells show 4 significant digits (powers of ten for tiny values, never a bare 0 for a nonzero score);
    underneath they stay full numbers, so a column sorts by value."""
    scores, losses = per_example(run.snapshot_W[at], add_bias(d.X), d.y, run.loss)
    table = {"x₁": d.X[:, 0], "x₂": d.X[:, 1], "class": [d.class_names[c] for c in d.y]}
    for c in range(scores.shape[1]):
        table[f"score {d.class_names[c]}"] = scores[:, c].astype(np.float64)
    table["loss"] = losses.astype(np.float64)
    frame = pd.DataFrame(table)
    return frame.style.format(readable, subset=[c for c in frame.columns if c != "class"])


# ---------------------------------------------------------------- the Digits page


def side_by_side() -> tuple:
    """Two half-width columns; stacked full width in projection mode, where a half column is too narrow for a
    10 × 10 matrix or a row of digits in the projector's type."""
    return (st.container(), st.container()) if projecting() else tuple(st.columns(2))


def plateau_note(run: LinearRun, train: Dataset) -> None:
    """Why the loss levels off where it does: its two terms, from the final weights, in numbers."""
    data, reg_term = loss_parts(run.W, add_bias(train.X), train.y, run.loss, run.reg)
    total = data + reg_term
    if run.reg == 0:
        st.markdown(f"The loss ends at {readable(total, 3)}, all of it data loss (reg is 0: no penalty on W).")
        return
    meaning = (
        f"a data loss of {readable(data, 3)} means the right digit gets exp(−{readable(data, 3)}) ≈ "
        f"{np.exp(-data):.0%} of the probability on (geometric) average: most digits come out right, but not by a "
        "wide margin"
        if run.loss == "softmax"
        else f"a data loss of {readable(data, 3)} is the margins short of 1 that the penalty keeps from growing"
    )
    st.markdown(
        f"**Why the loss levels off near {readable(total, 3)}:** loss {readable(total, 3)} = data loss "
        f"{readable(data, 3)} + regularization {readable(reg_term, 3)} (reg {readable(run.reg)} × ΣW², "
        f"ΣW² = {readable(float(np.sum(run.W * run.W)), 3)}). Larger weights would fit the training digits better, but "
        f"the penalty grows with them: descent stops where the two balance, and {meaning}. Lower reg to lower the "
        "plateau; the test accuracy tells whether that helps."
    )
