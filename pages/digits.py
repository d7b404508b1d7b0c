"""Digits: a linear classifier on 8×8 handwritten digits; its weights drawn as ten templates."""

import streamlit as st

from gdviz.linear.data import add_bias
from gdviz.linear.metrics import confusion_matrix
from gdviz.linear.train import predict, smoothed
from gdviz.ui.exports import digits_downloads
from gdviz.ui.figures import show_figure
from gdviz.ui.frame import ensure_frame
from gdviz.ui.linear_controls import training_controls
from gdviz.ui.linear_runs import digits_split, train_digits
from gdviz.viz.linear_charts import confusion_figure, loss_figure, templates_figure

ensure_frame()
st.title("Digits")
st.caption(
    "1,797 handwritten digits of 8 × 8 pixels (the UCI set scikit-learn ships), 80 % to train on, 20 % held out. "
    "A linear classifier gives each class one weight per pixel: drawn as a picture, it is the template the class "
    "matches."
)
with st.sidebar:
    ts = training_controls("digits", steps=300, batch=64, reg=1e-2)

train, test = digits_split()
try:
    run = train_digits(*ts.key())
except ValueError as e:
    st.error(f"This cannot train: {e}. Your other settings are kept.")
    st.stop()
if run.diverged:
    st.error(
        f"Training diverged at step {run.diverged_at}: lower the learning rate. The results are from the step before."
    )

X_test = add_bias(test.X)
predicted = predict(run.W, X_test)
c1, c2, c3 = st.columns(3)
c1.metric("Training accuracy", f"{run.final_acc:.1%}")
test_accuracy = float((predicted == test.y).mean())
c2.metric("Test accuracy (held out)", f"{test_accuracy:.1%}")
c3.metric(
    "Loss, all training data", f"{run.final_loss:.4f}", help=f"{run.iterations} iterations, {run.epochs:.1f} epochs"
)

templates = show_figure(
    templates_figure(run.W, train.class_names),
    "Each class's weights drawn as a picture: blue pixels raise its score when inked, red ones lower it (raise reg "
    "and the templates smooth out).",
    key="templates_chart",
)
M = confusion_matrix(test.y, predicted, test.classes)
digits_downloads(run, M, test, test_accuracy, templates)
left, right = st.columns(2)
with left:
    show_figure(
        confusion_figure(M, test.class_names),
        "Each row is a true digit and each column the guess: the diagonal is right, the rest are the mistakes.",
        key="confusion_chart",
        half=True,
    )
with right:
    show_figure(
        loss_figure(run.losses, smoothed(run.losses, 20), run.eval_steps, run.eval_loss),
        "Each iteration's batch loss (thin), its running mean over 20 iterations, and the loss on all the data.",
        key="loss_chart",
        half=True,
    )
