"""AppTest helpers: run the app from app.py, open a page, read what its Plotly charts contain."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_page():
    """``open_page("pages/race.py")`` -> an AppTest that has run app.py and switched to that page."""

    def _open(path: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        if path != "pages/home.py":
            at.switch_page(path).run()
        return at

    return _open


def switch(at: AppTest, path: str) -> AppTest:
    """Go to another page as the sidebar does: the browser drops the old page's query (AppTest keeps it)."""
    at.query_params.clear()
    return at.switch_page(path).run()


def decode(value):
    """Plotly 7 sends numpy arrays as ``{"dtype", "bdata", "shape"}``; turn them back into arrays."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            arr = arr.reshape([int(s) for s in str(shape).split(",")])
        return arr
    if isinstance(value, list):
        return np.asarray(value)
    return value


def figures(at: AppTest) -> list[dict]:
    """The figure JSON of every Plotly chart on the page."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
