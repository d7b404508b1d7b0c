"""Home: what gdviz is, and a door to every page."""

import streamlit as st

from gdviz.ui.frame import ensure_frame
from gdviz.ui.nav import PAGES

ensure_frame()
st.title("gdviz — gradient descent, made visible")
st.markdown(
    """
Watch optimizers find their way down a loss surface, step by step; train a linear classifier and see
its borders move; check a gradient against finite differences; and follow backpropagation through a
graph one gate at a time. Every optimizer here follows **torch.optim's update rule exactly** (checked
against PyTorch to 1e-9), so the path you see is the path PyTorch would take from the same start.
"""
)

st.subheader("Pages")
for p in PAGES[1:]:
    st.page_link(p.path, label=p.title, icon=p.icon)
    st.markdown(p.blurb)

st.subheader("In a lecture hall")
st.markdown(
    """
Every view is a link: the address bar holds the page's settings, so a link you share opens exactly what
you see (**Share this view** in the sidebar copies it). **Projection mode**, also in the sidebar, makes
type, lines and markers large enough for the back row. Under each main chart you can download the run as
CSV or JSON, the chart as a standalone HTML page that plays offline, and on the race and classifier pages
a short PyTorch script that takes the same path.
"""
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
