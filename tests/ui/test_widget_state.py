"""gdviz.ui.widget_state is in place for the Streamlit it was checked against, and only for that one.
(That every widget reads what filtered_state holds: tests/app/test_race_widget_state.py.)"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit

import gdviz.ui.widgets  # noqa: F401  installs it, as every page does
from gdviz.ui import widget_state


def test_the_widget_modules_read_their_own_key_on_the_pinned_streamlit():
    assert streamlit.__version__ == widget_state.STREAMLIT, (
        "a new Streamlit: compare SessionState.filtered_state with OwnKeyView._walk (run "
        "tests/app/test_race_widget_state.py), check which widget modules read it, then set STREAMLIT"
    )
    assert widget_state.installed()
    elements = Path(streamlit.__file__).parent / "elements"
    readers = {
        "streamlit." + ".".join(p.relative_to(elements.parent).with_suffix("").parts)
        for p in elements.rglob("*.py")
        if "filtered_state" in p.read_text(encoding="utf-8")
    }
    assert readers == set(widget_state.WIDGET_MODULES)
    for name in widget_state.WIDGET_MODULES:
        assert importlib.import_module(name).get_session_state.gdviz_own_key


def test_another_streamlit_keeps_its_own(monkeypatch):
    monkeypatch.setattr(streamlit, "__version__", "9.9.9")
    assert widget_state.install() is False
