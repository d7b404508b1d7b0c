"""The backprop page's settings: a circuit or a typed formula, and a value per input.

A formula that does not parse is explained next to the text box and the last good one stays on
screen, so a typo never blanks the page. Preset buttons set the widgets through callbacks.
"""

from __future__ import annotations

import streamlit as st

from ...autodiff.circuits import CIRCUITS
from ...expression import Expression, ExpressionError, parse_expression
from ..literal import quoted

TEXT, GOOD, CIRCUIT = "bp.text", "bp.good", "bp.circuit"
# Streamlit draws every graphviz text at a fixed 0.6rem whatever the DOT says (9.6 units of a graph laid out for
# 22 pt: the sigmoid neuron's labels came out about 7 px); this lets the graph's own sizes through, in every mode
GRAPH_TEXT_CSS = (
    "<style>.stGraphVizChart svg text "
    "{ font-size: revert-layer !important; font-family: revert-layer !important; }"
    # a graph stretched to a projected page's width keeps to 45 % of the screen's height: whole under the step buttons
    ".stGraphVizChart svg { max-height: 45vh; }</style>"
)


def value_key(name: str) -> str:
    return f"bp.v.{name}"


def load_circuit(name: str) -> None:
    """Callback: the circuit's formula and the lecture's input values."""
    c = CIRCUITS[name]
    st.session_state[TEXT] = c.text
    st.session_state[CIRCUIT] = name
    st.session_state["bp.cursor"] = 0
    for var, v in c.values.items():
        st.session_state[value_key(var)] = float(v)


def _typed() -> None:
    st.session_state.pop(CIRCUIT, None)  # a typed formula is no longer the circuit it started from


def expression_controls() -> tuple[Expression, dict[str, float], str | None]:
    """The expression on screen, its input values, and the parse error of the text box (if any)."""
    if TEXT not in st.session_state:  # the first circuit, under what a link may already have set (values, step)
        c = CIRCUITS["add_multiply"]
        st.session_state.update({TEXT: c.text, CIRCUIT: "add_multiply"})
        for var, v in c.values.items():
            st.session_state.setdefault(value_key(var), float(v))
    st.subheader("Circuits from the lecture")
    for name, c in CIRCUITS.items():
        st.button(c.title, key=f"bp.preset.{name}", on_click=load_circuit, args=(name,), width="stretch")
    st.subheader("Or type f")
    text = st.text_input(
        "f =", key=TEXT, on_change=_typed, help="+ − * / ** (or ^), exp log sqrt sin cos tanh sigmoid relu abs max min"
    )
    error = None
    try:
        expr = parse_expression(text)
        st.session_state[GOOD] = text
    except ExpressionError as e:
        error = str(e)  # the parser's words quote the typed text: shown as text, bounded by its 500 characters
        why = quoted(error, limit=None)
        st.error(f"This formula cannot be used: {why}. Still showing the last formula that worked.")
        expr = parse_expression(st.session_state.get(GOOD, CIRCUITS["add_multiply"].text))
    values = {}
    st.session_state["bp.variables"] = expr.variables  # the link writes these inputs' values
    if expr.variables:
        st.subheader("Inputs")
    for name in expr.variables:
        st.session_state.setdefault(value_key(name), 1.0)
        values[name] = st.number_input(name, step=0.5, format="%g", key=value_key(name))
    return expr, values, error
