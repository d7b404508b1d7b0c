"""Backprop, step by step: a formula's graph, its forward pass, then its gradients flowing back."""

import streamlit as st

from gdviz.ui.frame import ensure_frame

from gdviz.autodiff.circuits import CIRCUITS, chain_rule, check_gradients
from gdviz.ui.backprop.controls import CIRCUIT, GRAPH_TEXT_CSS, expression_controls
from gdviz.ui.backprop.exports import backprop_downloads
from gdviz.ui.literal import md_escape, quoted
from gdviz.ui.sidebar import projecting
from gdviz.ui.stepper import jump_buttons, step_buttons
from gdviz.viz.graph import GRAD, VALUE, graph_dot

ensure_frame()
st.title("Backprop, step by step")
with st.sidebar:
    expr, values, error = expression_controls()

nodes, steps = expr.graph(values), expr.steps(values)
st.markdown(
    f"f = {quoted(expr.text, limit=None)}. Forward values in <span style='color:{VALUE}'>**blue**</span>, gradients "
    f"∂f/∂node in <span style='color:{GRAD}'>**vermillion**</span>: the forward pass computes every node left to "
    "right, then the backward pass sends ∂f/∂f = 1 back through every edge by the chain rule.",
    unsafe_allow_html=True,
)
if st.session_state.get(CIRCUIT) in CIRCUITS:
    st.info(CIRCUITS[st.session_state[CIRCUIT]].watch)

forward = len(nodes)
at = step_buttons(
    len(steps) - 1,
    prefix="bp_step",
    cursor="bp.cursor",
    label=lambda i: f"step {i + 1} of {len(steps)} ({'forward' if i < forward else 'backward'} pass)",
)
jump_buttons(
    "bp.cursor", ("Jump to the backward pass", "bp.jump", forward), ("Jump to the end", "bp.end", len(steps) - 1)
)
step, told = steps[at], chain_rule(nodes, steps, at)
st.markdown(f"**{md_escape(told.line)}**")  # f = d**2 is not Markdown bold
if told.words:
    st.caption(md_escape(told.words))
if step.gate:
    st.caption("Pattern: " + step.gate.replace("; ", ". ") + ".")

st.html(GRAPH_TEXT_CSS)
big = projecting()  # a projector gets the graph as wide as the page; a screen its own size, or shrunk to fit
st.graphviz_chart(graph_dot(nodes, steps, at, projection=big), width="stretch" if big else "content")
st.caption(
    "Gates are circles, named a, b, c … as the steps call them. Each wire runs through its own two numbers: the "
    "value flowing forward above the line (blue) and the gradient sent back along it below (vermillion). The "
    "output's wire gets the seed ∂f/∂f = 1 first; the highlighted gate or wire is the one this step sets."
)

st.subheader("Check: backprop against numerical differences")
rows = check_gradients(expr, values)
backprop_downloads(expr, values, nodes, steps, rows)
st.dataframe(
    {
        "input": [r.name for r in rows],
        "value": [values[r.name] for r in rows],
        "∂f/∂input by backprop": [f"{r.backprop:.8g}" for r in rows],
        "numerical (centered, h = 1e-6)": [f"{r.numerical:.8g}" for r in rows],
        "relative error": [f"{r.rel_error:.1e}" for r in rows],
    },
    hide_index=True,
    width="stretch",
)
