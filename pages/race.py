"""Optimizer race: optimizers side by side on one 2D surface, animated in the browser."""

import streamlit as st

from gdviz import OPTIMIZERS, SURFACES
from gdviz.presets import STARTING_HYPER
from gdviz.results import race_rows
from gdviz.ui.runs import race, surface_for
from gdviz.ui.tables import results_table
from gdviz.ui.widgets import hyper_widgets
from gdviz.viz import race_figure

st.title("Optimizer race")

with st.sidebar:
    st.header("Race settings")
    name = st.selectbox(
        "Surface",
        list(SURFACES),
        index=list(SURFACES).index("himmelblau"),
        format_func=lambda n: SURFACES[n].title,
        key="surface",
    )
    condition = 10.0
    if name == "quadratic":
        condition = st.number_input("Condition number κ", value=10.0, step=5.0, format="%g", key="condition")
    chosen = st.multiselect(
        "Optimizers",
        list(OPTIMIZERS),
        default=["sgd", "momentum", "adam"],
        format_func=lambda n: OPTIMIZERS[n].title,
        key="optimizers",
    )
    steps = st.slider("Steps", 10, 1000, 300, step=10, key="steps")
    default_start = SURFACES[name].start
    c1, c2 = st.columns(2)
    x = c1.number_input("Start x", value=float(default_start[0]), step=0.1, format="%g", key=f"start_x.{name}")
    y = c2.number_input("Start y", value=float(default_start[1]), step=0.1, format="%g", key=f"start_y.{name}")
    log_loss = st.toggle("Log scale for the loss", value=True, key="log_loss")
    hyper = {}
    for opt in chosen:
        with st.expander(f"{OPTIMIZERS[opt].title} settings"):
            hyper[opt] = hyper_widgets(OPTIMIZERS[opt], key=f"hyper.{opt}", start=STARTING_HYPER.get(opt))

surface = surface_for(name, condition) if condition >= 1 else None
if surface is None:
    st.error(f"The condition number κ must be at least 1 (it is {condition:g}); showing nothing until it is.")
    st.stop()

st.latex(surface.latex)
st.caption(surface.description)

(x0, x1), (y0, y1) = surface.domain
if not chosen:
    st.info("Pick at least one optimizer in the sidebar to start the race.")
    st.stop()
if not (x0 <= x <= x1 and y0 <= y <= y1):
    st.error(
        f"The start ({x:g}, {y:g}) is outside the plotted domain [{x0:g}, {x1:g}] × [{y0:g}, {y1:g}]. "
        "Move it inside to run the race; your other settings are kept."
    )
    st.stop()

choices = tuple((opt, tuple(hyper[opt].items())) for opt in chosen)
runs, errors = race(name, condition, choices, (x, y), steps)
for opt, message in errors.items():
    st.error(f"**{OPTIMIZERS[opt].title}** was not run: {message}.")

if runs:
    st.plotly_chart(race_figure(surface, runs, log_loss=log_loss), width="stretch", key="race_chart")
    st.caption(
        "Press ▶ to play the race in your browser; drag the step slider to scrub. "
        "White stars mark the minima, the white circle the start."
    )
    results_table(race_rows(surface, runs))
    with st.expander("The update rules"):
        for opt in runs:
            st.markdown(f"**{OPTIMIZERS[opt].title}** — {OPTIMIZERS[opt].variant}")
            st.latex(OPTIMIZERS[opt].latex)
