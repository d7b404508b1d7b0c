"""Home: what gdviz is, and a door to every page."""

import streamlit as st

st.title("gdviz — gradient descent, made visible")
st.markdown(
    """
Watch optimizers find their way down a loss surface, step by step. Every optimizer here follows
**torch.optim's update rule exactly** (checked against PyTorch to 1e-9), so the path you see is the
path PyTorch would take from the same start.
"""
)

st.subheader("Pages")
st.page_link("pages/race.py", label="Optimizer race", icon=":material/sports_score:")
st.markdown(
    "SGD, Momentum, Nesterov, Adagrad, RMSprop, Adadelta, Adam, AdamW and NAdam racing on fourteen "
    "classic surfaces — the long valley, the saddle, Beale, Rosenbrock's banana, Himmelblau's four minima. "
    "Play the race in your browser, scrub back and forth, and compare the loss curves."
)

st.subheader("Where it comes from")
st.markdown(
    """
gdviz grew from a teaching notebook on linear classifiers: the multiclass hinge loss, searching for
weights at random, numerical versus analytic gradients, vanilla and mini-batch gradient descent, the
rule that *the loss must be plotted and go down*, the classic optimizer animations, and backpropagation
through a computational graph.
"""
)
