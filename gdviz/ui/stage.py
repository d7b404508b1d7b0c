"""The stage on a page: ``show_stage`` draws a run's panels (gdviz.viz.stage) in the browser-side player.

The player is a Streamlit custom component (v2) whose files live in ``assets/`` and which gdviz's own
package declares (pyproject.toml): Streamlit serves them from this server, with no CDN. Beside them is
plotly.js's basic bundle (scatter traces, the core of layout: all the stage draws), the same plotly.js
version as the plotly package's, a quarter of its size (1.2 MB, 0.4 MB gzipped): the browser parses it
on every visit, so its size is the stage's start-up time. It came from npm's plotly.js-basic-dist-min,
with its license beside it; a test holds its version to the plotly package's.

Time lives in the browser. The server hears of two things only: the step the stage rests on after
a pause or a step (debounced; it goes into the link) and a click on a clickable panel. Both rerun the
fragment the stage is drawn in, not the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from .lane import checkpoint

ASSETS = Path(__file__).with_name("assets")
PLOTLY_VERSION = "4.1.1"  # plotly.js of the plotly package pinned in requirements.txt
PLOTLY_JS = f"plotly-basic-{PLOTLY_VERSION}.min.js"


@functools.cache
def _component():
    """The stage's component, declared on first use: Streamlit resolves its files from the package's manifest,
    which only a running server (or an AppTest) has read."""
    return st.components.v2.component("gdviz.stage", js="stage.js", css="stage.css", isolate_styles=False)


def show_stage(
    spec: dict,
    *,
    key: str,
    cursor: str,
    open_at: int,
    on_click: Callable[[str, float, float], None] | None = None,
) -> None:
    """Draw a ``gdviz.viz.stage_spec`` opening at step ``open_at`` (new data for a mounted stage keeps its step).

    The step the stage rests on goes to ``st.session_state[cursor]``; a click on a clickable panel calls
    ``on_click(panel, x, y)``. Both rerun the fragment the stage is in (which rewrites the link)."""

    def stepped() -> None:
        step = (st.session_state.get(key) or {}).get("step")
        if isinstance(step, int | float) and 0 <= step <= steps:
            st.session_state[cursor] = int(step)

    def clicked() -> None:
        click = (st.session_state.get(key) or {}).get("click")
        if on_click and isinstance(click, dict):
            x, y = click.get("x"), click.get("y")
            if isinstance(x, int | float) and isinstance(y, int | float):
                on_click(str(click.get("panel", "")), float(x), float(y))

    checkpoint()  # before the stage's data is encoded: lighter visitors' pages first (lane.give_way)
    steps = spec["T"]
    _component()(
        data={"spec": spec | {"plotly": PLOTLY_JS}, "open_at": int(min(max(open_at, 0), steps))},
        key=key,
        on_step_change=stepped,
        on_click_change=clicked,
    )
