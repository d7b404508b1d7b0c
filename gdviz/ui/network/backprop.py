"""The network page's backprop section: one training example through the trained network, step by step.

``show_backprop(run, settings)`` is a fragment: choosing the example (the worst-classified, or one by
its index in the training set) reruns only it. It draws the example's graph at the run's final parameters
(gdviz.network.graph) with the backprop page's controls and drawing (step buttons, jumps, ``graph_dot``),
the numbers of the current step, and beside it the check of every parameter's gradient against centered
differences. The stepper is a fragment inside it, so a step reruns neither the check nor the page.
Keys: ``net.bp.pick`` ("worst" or "index"), ``net.bp.index``, ``net.bp.cursor`` (the step, from 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ...autodiff.trace import GraphNode, Step
from ...linear.gradcheck import PASS
from ...network import MLPRun
from ...network.graph import ExampleGraph, LayerCheck, short
from ...viz.graph import GRAD, VALUE, graph_dot
from ..backprop.controls import GRAPH_TEXT_CSS
from ..literal import md_escape
from ..sidebar import projecting
from ..stepper import jump_buttons, step_buttons
from ..widgets import defaults
from .controls import NetworkSettings
from .runs import H, backprop_example, data_of

PICK, INDEX, CURSOR = "net.bp.pick", "net.bp.index", "net.bp.cursor"
PICKS = {"worst": "The worst-classified", "index": "By its index"}
# What centered differences cannot resolve: their own error is about h²/6 · |L‴| (truncation; rounding is far below
# it here), so 100·h² leaves room for third derivatives up to 600. On a trained network most examples have a loss
# near 0 and gradients near 0, and their relative error compares two numbers of that size: on the page's default run
# (the spiral, tanh), 88% of the parameters of its 240 examples were above PASS with |a − n| at most 5e-10.
RESOLVED = 100 * H**2
VERDICTS = ("agree", "agree within h²", "check this")


def step_numbers(nodes: tuple[GraphNode, ...], step: Step) -> list[tuple[str, np.ndarray]]:
    """The arrays a step works with, each titled and as a 2D table (a vector is one row, a number one cell):
    a forward step's value; a backward step's local gradient, upstream gradient, their product and the sum so far.
    """
    name = nodes[step.node].name
    if step.phase == "forward":
        return [(f"{name}  {np.shape(step.value) or 'scalar'}", np.atleast_2d(step.value))]
    if step.edge is None:
        return [("∂L/∂L, the seed", np.atleast_2d(step.grad))]
    consumer = nodes[step.edge[1]]
    if consumer.op == "@":
        h, W = (nodes[i].name for i in consumer.inputs)
        local = f"local: {W}, applied as {W} @ g" if name == h else f"local: {h}, applied as {h} ⊗ g"
    else:
        local = f"local ∂{consumer.name}/∂{name}"
    return [
        (local, np.atleast_2d(step.local)),
        (f"upstream g = ∂L/∂{consumer.name}", np.atleast_2d(step.upstream)),
        (f"local × upstream, added to ∂L/∂{name}", np.atleast_2d(step.product)),
        (f"∂L/∂{name} so far", np.atleast_2d(step.grad)),
    ]


def verdict(check: LayerCheck) -> str:
    """``agree`` below CS231n's PASS; ``agree within h²`` where the relative error is larger but
    no entry differs by more than differences can resolve (``RESOLVED``); else ``check this``."""
    if check.rel_error < PASS:
        return VERDICTS[0]
    return VERDICTS[1] if _largest_difference(check) <= RESOLVED else VERDICTS[2]


def _largest_difference(check: LayerCheck) -> float:
    return float(np.abs(check.analytic - check.numerical).max())


def check_rows(checks: list[LayerCheck]) -> list[dict]:
    """The check as table rows: parameter, shape, the largest |∂L/∂p| both ways, the largest |a − n|, the relative
    error, verdict."""
    return [
        {
            "parameter": c.name,
            "shape": " × ".join(map(str, c.analytic.shape)),
            "largest |∂L/∂p| by backprop": float(np.abs(c.analytic).max()),
            f"by centered differences (h = {H:g})": float(np.abs(c.numerical).max()),
            "largest |a − n|": _largest_difference(c),
            "largest relative error": c.rel_error,
            "verdict": verdict(c),
        }
        for c in checks
    ]


def example_caption(i: int, N: int, dataset: str, x, y: int, graph: ExampleGraph) -> str:
    """Which example this is, its label, the scores the network gives it and its loss, in words."""
    scores = next(n.value for n in graph.nodes if n.name == "s")
    predicted = int(np.argmax(scores))
    verdict = "correctly" if predicted == y else f"as class {predicted}, wrongly"
    return (
        f"Example {i} of the {N} training points of {dataset}: features x = {short(np.asarray(x))}, class {y}. "
        f"The network scores it s = {short(scores)}, so it classifies it {verdict}; its loss L = {graph.loss:.4g}."
    )


# an entry is the message of a step's tables: a few kB (four layers of 16: 30 kB)
@st.cache_data(max_entries=256, max_size="4MB", show_spinner=False)
def _numbers(key: tuple, index: int | None, at: int) -> None:
    """Step ``at``'s arrays of ``backprop_example(key, index)`` side by side, 4 significant digits. Cached with what
    it draws: the same step of the same example (a class on the teacher's link; a rerun of the page) replays the
    tables' message instead of styling them again."""
    graph = backprop_example(key, index).graph
    tables = step_numbers(graph.nodes, graph.steps[at])
    for column, (title, values) in zip(st.columns(len(tables)), tables, strict=True):
        column.caption(md_escape(title))
        column.dataframe(pd.DataFrame(values).style.format("{:.4g}"), hide_index=values.shape[0] == 1)


# an entry is the check table's message, about 5 kB
@st.cache_data(max_entries=64, max_size="1MB", show_spinner=False)
def _check_table(key: tuple, index: int | None) -> None:
    """``backprop_example(key, index)``'s gradient check as a table, drawn (cached as ``_numbers`` is)."""
    rows = check_rows(list(backprop_example(key, index).checks))
    st.dataframe(
        pd.DataFrame(rows)
        .style.format("{:.6g}", subset=list(rows[0])[2:4])
        .format("{:.1e}", subset=["largest |a − n|", "largest relative error"]),
        hide_index=True,
        width="stretch",
    )


@st.fragment
def _stepper(key: tuple, index: int | None) -> None:
    """The graph of ``backprop_example(key, index)`` at one step, with the backprop page's controls: a step reruns
    only this."""
    nodes, steps = (graph := backprop_example(key, index).graph).nodes, graph.steps
    forward = len(nodes)
    at = step_buttons(
        len(steps) - 1,
        prefix="net_bp_step",
        cursor=CURSOR,
        label=lambda i: f"step {i + 1} of {len(steps)} ({'forward' if i < forward else 'backward'} pass)",
    )
    jump_buttons(
        CURSOR, ("Jump to the backward pass", "net.bp.jump", forward), ("Jump to the end", "net.bp.end", len(steps) - 1)
    )
    step = steps[at]
    st.markdown(f"**{md_escape(step.text)}**")
    if step.gate:
        st.caption("Pattern: " + step.gate.replace("; ", ". ") + ".")
    st.html(GRAPH_TEXT_CSS)
    big = projecting()
    st.graphviz_chart(graph_dot(nodes, steps, at, projection=big), width="stretch" if big else "content")
    st.caption(
        "Each layer is a matrix product m = h @ W, a bias z = m + b and the activation; the last z are the scores s "
        "and the loss L closes the graph. A wire carries a whole vector or matrix, so it shows its shape: the value "
        "flowing forward above the line, the gradient sent back below. The numbers of this step:"
    )
    _numbers(key, index, at)


@st.fragment
def show_backprop(run: MLPRun, settings: NetworkSettings) -> None:
    """Backprop through ``run``, the page's trained network (``settings``), for one example of its training data,
    stepped node by node, and each parameter's gradient checked against centered differences."""
    N = len(data_of(settings).train.y)
    defaults({PICK: "worst", INDEX: 0})
    st.session_state[INDEX] = min(int(st.session_state[INDEX]), N - 1)  # a smaller data set than before
    c1, c2 = st.columns([1.4, 1], vertical_alignment="bottom")
    pick = c1.segmented_control("Example", list(PICKS), format_func=PICKS.get, key=PICK) or "worst"
    index = c2.number_input("Index in the training set", 0, N - 1, step=1, key=INDEX, disabled=pick == "worst")
    key, chosen = settings.key(), None if pick == "worst" else int(index)
    i, x, y, graph, _ = backprop_example(key, chosen)
    example = example_caption(i, N, settings.dataset, x, y, graph)
    after = "the last before training diverged" if run.diverged else f"the last, after {run.iterations} updates"
    reg = f", reg = {run.reg:g}" if run.reg else ""
    st.markdown(
        f"{md_escape(example)} The parameters are the run's {after} ({run.activation}, {run.loss} loss{reg}). "
        f"Forward values in <span style='color:{VALUE}'>**blue**</span>, gradients ∂L/∂node in "
        f"<span style='color:{GRAD}'>**vermillion**</span>.",
        unsafe_allow_html=True,
    )
    _stepper(key, chosen)
    st.markdown("**Check: backprop against numerical differences**")
    _check_table(key, chosen)
    st.caption(
        f"Each parameter's gradient for this example, by backprop (the graph above) and by nudging every entry "
        f"±h and differencing the loss; relative error |a − n| / max(|a| + |n|, 1e-8), largest over the entries. "
        f"Below {PASS:g} the two agree. They agree within h² where they differ by less than {RESOLVED:.0e} (100·h²) "
        "in every entry, which differences cannot tell apart (their own error is about h²/6 times the loss's third "
        "derivative): on a trained network most examples have a loss and gradients near 0, where a relative error "
        "compares two tiny numbers."
    )
