"""Digits: a linear classifier on 8×8 handwritten digits; its weights drawn as ten templates."""

import streamlit as st

from gdviz.linear.data import add_bias
from gdviz.linear.metrics import confusion_matrix
from gdviz.linear.train import predict, smoothed
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
c2.metric("Test accuracy (held out)", f"{(predicted == test.y).mean():.1%}")
c3.metric(
    "Loss, all training data", f"{run.final_loss:.4f}", help=f"{run.iterations} iterations, {run.epochs:.1f} epochs"
)

st.plotly_chart(templates_figure(run.W, train.class_names), width="stretch", key="templates_chart")
st.caption("Blue pixels raise the class's score when inked, red ones lower it. Raise reg and the templates smooth out.")
left, right = st.columns(2)
with left:
    M = confusion_matrix(test.y, predicted, test.classes)
    st.plotly_chart(confusion_figure(M, test.class_names), width="stretch", key="confusion_chart")
    st.caption("Each row is a true digit, each column the guess: the diagonal is right, the rest are the mistakes.")
with right:
    trend = smoothed(run.losses, 20)
    st.plotly_chart(loss_figure(run.losses, trend, run.eval_steps, run.eval_loss), width="stretch", key="loss_chart")
    st.caption("Each iteration's batch loss (thin), its running mean over 20 iterations, and the loss on all the data.")
