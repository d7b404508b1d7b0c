"""The stage on a page: ``show_stage`` draws a run's panels (gdviz.viz.stage) in the browser-side player.

The player is a Streamlit custom component (v2) whose files live in ``assets/`` and which gdviz's own
package declares (pyproject.toml): Streamlit serves them, and plotly.js beside them, from this server,
with no CDN. plotly.js is copied once from the installed plotly package (git-ignored; the Docker image
copies it while it is built, ``python -m gdviz.ui.stage``).

Time lives in the browser. The server hears of two things only: the step the stage rests on after
a pause or a step (debounced; it goes into the link) and a click on a clickable panel. Both rerun the
fragment the stage is drawn in, not the page.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import plotly
import streamlit as st
from plotly.offline import get_plotlyjs_version


ASSETS = Path(__file__).with_name("assets")


def plotly_file() -> str:
    """The name of plotly.js beside the stage's files, copied there from the plotly package if missing."""
    name = f"plotly-{get_plotlyjs_version()}.min.js"
    target = ASSETS / name
    if not target.exists():
        partial = target.with_suffix(".partial")
        shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", partial)
        partial.replace(target)  # atomic: two processes starting at once never serve half a file
    return name


PLOTLY_JS = plotly_file()


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

    steps = spec["T"]
    _component()(
        data={"spec": spec | {"plotly": PLOTLY_JS}, "open_at": int(min(max(open_at, 0), steps))},
        key=key,
        on_step_change=stepped,
        on_click_change=clicked,
    )


if __name__ == "__main__":  # the Docker build: put plotly.js in place while the files are still writable
    print(PLOTLY_JS)
