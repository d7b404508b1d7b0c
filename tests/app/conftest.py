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


def stages(at: AppTest) -> list[dict]:
    """What every stage on the page was given: ``{"spec": ..., "open_at": ...}`` (gdviz.ui.stage)."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component")]


def race_map(at: AppTest) -> dict:
    """The race's map figure: the first panel of the page's stage."""
    given = stages(at)
    assert given, "no stage on the race page"
    return given[0]["spec"]["panels"][0]["figure"]


def race_paths(at: AppTest) -> dict[str, np.ndarray]:
    """Optimizer -> the whole path the stage plays on the map, (T+1, 2), as sent (float32)."""
    panel = stages(at)[0]["spec"]["panels"][0]
    group = lambda m: panel["figure"]["data"][m["trace"]]["legendgroup"]  # noqa: E731
    return {
        group(m): np.stack([decode(m["x"]), decode(m["y"])], axis=-1) for m in panel["moving"] if m["kind"] == "path"
    }


def drive_stage(at: AppTest, *, step: int | None = None, click: dict | None = None) -> AppTest:
    """Run again as the browser does when the stage (the page's first) reports a resting ``step`` or a
    ``click`` ({"panel", "x", "y"}): its state and trigger values go in with the other widgets'."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id
    from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

    element_id = at.get("bidi_component")[0].proto.id
    trigger_id = _make_trigger_id(element_id, "events")
    states = WidgetStates()
    states.widgets.extend(w for w in at._tree.get_widget_states().widgets if w.id not in (element_id, trigger_id))
    if step is not None:
        states.widgets.append(WidgetState(id=element_id, json_value=json.dumps({"step": step})))
    if click is not None:
        event = [{"event": "click", "value": click}]
        states.widgets.append(WidgetState(id=trigger_id, json_trigger_value=json.dumps(event)))
    return at._run(states, timeout=60)


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
