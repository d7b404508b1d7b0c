"""Digits: a linear classifier on 8×8 handwritten digits; its weights drawn as ten templates."""

import streamlit as st

from gdviz.ui.frame import ensure_frame, stop_page

from gdviz.linear.data import add_bias
from gdviz.linear.metrics import confusion_matrix, first_of_each, mistakes
from gdviz.linear.train import predict, smoothed
from gdviz.readable import readable
from gdviz.ui.figures import show_figure
from gdviz.ui.lane import unless_refused
from gdviz.ui.linear.controls import training_controls
from gdviz.ui.linear.exports import digits_downloads
from gdviz.ui.linear.runs import digits_split, train_digits
from gdviz.ui.linear.views import plateau_note, side_by_side
from gdviz.ui.schedule_views import show_schedules
from gdviz.ui.sidebar import projecting
from gdviz.viz.linear_charts import confusion_figure, digits_figure, loss_figure, templates_figure

SAMPLES, SHOWN_WRONG = 10, 40  # training digits shown per class; wrong test digits shown at most

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
run = unless_refused(lambda: train_digits(*ts.key()))
if run is None:
    stop_page()
if run.diverged:
    st.error(
        f"Training diverged at step {run.diverged_at}: lower the learning rate. The results are from the step before."
    )

predicted = predict(run.W, add_bias(test.X))
test_accuracy = float((predicted == test.y).mean())
c1, c2, c3 = st.columns(3)
c1.metric("Training accuracy", f"{run.final_acc:.1%}")
c2.metric("Test accuracy", f"{test_accuracy:.1%}", help="on the 20 % of the digits held out from training")
c3.metric(
    "Loss, training data",
    readable(run.final_loss),
    help=f"after {run.iterations} iterations, {run.epochs:.1f} epochs; reg · ΣW² included",
)
half = not projecting()

left, right = side_by_side()
with left:  # the lesson first: the loss, plotted, and why it levels off where it does
    show_figure(
        loss_figure(run.losses, smoothed(run.losses, 20), run.eval_steps, run.eval_loss),
        "Each iteration's batch loss (thin), its running mean over 20 iterations, and the loss on all the data.",
        key="loss_chart",
        half=half,
    )
    plateau_note(run, train)
    show_schedules({run.optimizer: run}, key="digits_lr_chart", x_title="iteration", half=half)
with right:
    picked = first_of_each(train.y, SAMPLES, train.classes)
    show_figure(
        digits_figure(
            train.X[picked.ravel()].reshape(-1, 8, 8),
            "What the digits look like: a row per class",
            cols=picked.shape[1],
            row_names=list(train.class_names),
        ),
        f"The first {picked.shape[1]} training digits of each class, as the classifier gets them: "
        "64 pixels, dark = ink.",
        key="samples_chart",
        half=half,
    )

templates = show_figure(
    templates_figure(run.W, train.class_names),
    "Each class's weights drawn as a picture: blue pixels raise its score when inked, red ones lower it (raise reg "
    "and the templates smooth out).",
    key="templates_chart",
)
M = confusion_matrix(test.y, predicted, test.classes)
digits_downloads(run, M, test, test_accuracy, templates)

left, right = side_by_side()
with left:
    show_figure(
        confusion_figure(M, test.class_names),
        "Each row is a true digit and each column the guess: the diagonal is right, the rest are the mistakes.",
        key="confusion_chart",
        half=half,
    )
with right:
    wrong = mistakes(test.y, predicted)
    shown = wrong[:SHOWN_WRONG]
    if not len(wrong):
        st.success(f"Every one of the {len(test.y)} test digits is classified right.")
    else:
        names = test.class_names
        show_figure(
            digits_figure(
                test.X[shown].reshape(-1, 8, 8),
                f"Test digits it gets wrong: {len(wrong)} of {len(test.y)}",
                cols=8,
                captions=[f"{names[test.y[i]]} → {names[predicted[i]]}" for i in shown],
            ),
            "Under each digit: its true class → the class the classifier gave it"
            + (f" (the first {len(shown)} of {len(wrong)} shown)." if len(shown) < len(wrong) else "."),
            key="wrong_chart",
            half=half,
        )
