"""Linear classifier: a 2D data set, a hinge or softmax loss, and gradient descent drawing the borders."""

import streamlit as st

from gdviz.linear.losses import TITLES
from gdviz.ui.exports import linear_downloads
from gdviz.ui.frame import ensure_frame
from gdviz.ui.linear_controls import batch_label, data_controls, training_controls
from gdviz.ui.linear_runs import dataset_2d, train_2d
from gdviz.ui.linear_views import click_controls, example_table, show_batches, show_classifier
from gdviz.ui.widgets import defaults

ensure_frame()
st.title("Linear classifier")
with st.sidebar:
    data = data_controls("lc")
    ts = training_controls("lc")

try:
    d = dataset_2d(*data.key())
    run = train_2d(data.key(), *ts.key())
except ValueError as e:
    st.error(f"This cannot train: {e}. Your other settings are kept.")
    st.stop()

st.caption(f"**{d.title}** — {d.description}")
if run.diverged:
    st.error(
        f"Training diverged at step {run.diverged_at}: the loss blew up. The learning rate is too large for this "
        "problem; lower it. The plots show the run up to the step before."
    )
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"{TITLES[ts.loss]} loss, all data", f"{run.final_loss:.4f}")
c2.metric("Accuracy", f"{run.final_acc:.1%}")
c3.metric("Iterations", f"{run.iterations:,}", help=f"stopped by: {run.reason}")
c4.metric("Epochs", f"{run.epochs:.1f}", help=f"batch size {batch_label(ts.batch)}")

at, fig = show_classifier(d, run, "lc")
linear_downloads(d, data._asdict(), run, fig)
click_controls(d, "lc")

batches, table = st.tabs(["Batch sizes side by side", "Scores and loss of every point"])
with batches:
    defaults({"lc.per": "iteration"})
    per = st.segmented_control("x axis", ("iteration", "epoch"), key="lc.per") or "iteration"
    show_batches(data.key(), ts, per)
with table:
    st.caption(f"At iteration {int(run.snapshot_steps[at])}, the step the chart opens at.")
    st.dataframe(example_table(d, run, at), hide_index=True, width="stretch", height=420)
