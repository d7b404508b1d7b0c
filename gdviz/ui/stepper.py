"""◀ / ▶ stepping on the server, for a page that walks through steps without playing them (backprop's
graph, one gate at a time). Pages that play a run use the stage (gdviz.ui.stage), whose time lives in
the browser. Keys are prefixed so two steppers on one page (or two pages) never share a cursor.
"""

from __future__ import annotations

import streamlit as st


def _step_by(key: str, delta: int, last: int) -> None:
    st.session_state[key] = int(min(max(st.session_state.get(key, 0) + delta, 0), last))


def step_buttons(last: int, prefix: str = "step", cursor: str = "cursor", label=None) -> int:
    """Back / forward / reset over positions 0 … ``last``; returns the current one.

    ``label(i)`` names position i in the caption (a snapshot index may stand for an iteration).
    """
    label = label or (lambda i: f"step {i} of {last}")
    st.session_state[cursor] = min(st.session_state.get(cursor, 0), last)
    c1, c2, c3, c4 = st.columns([1.2, 1.5, 1.1, 2.2])  # room for the labels in projection mode
    c1.button("◀ Step back", on_click=_step_by, args=(cursor, -1, last), key=f"{prefix}_back", width="stretch")
    c2.button("Step forward ▶", on_click=_step_by, args=(cursor, 1, last), key=f"{prefix}_fwd", width="stretch")
    c3.button("⟲ Reset", on_click=_step_by, args=(cursor, -last, last), key=f"{prefix}_reset", width="stretch")
    c4.markdown(f"showing **{label(st.session_state[cursor])}**")
    return st.session_state[cursor]


def _jump(key: str, to: int) -> None:
    st.session_state[key] = int(to)


def jump_buttons(cursor: str, *jumps: tuple[str, str, int]) -> None:
    """Buttons that open a step, ``(label, key, step)`` each, side by side and each as wide as its words (in columns
    a projector at 1280×720 cut them to "Jump to th…")."""
    row = st.container(horizontal=True)
    for label, key, to in jumps:
        row.button(label, key=key, on_click=_jump, args=(cursor, to))
