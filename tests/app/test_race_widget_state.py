"""gdviz.ui.widget_state: every widget the race page draws reads of its own key what Streamlit's own
``filtered_state`` holds at that moment (present or not, None or a value), checked at each widget as it is drawn,
through schedules (a None argument, text, a sequential schedule's parts), the views and a link."""

from __future__ import annotations

import pytest

from gdviz.ui import widget_state
from gdviz.ui.widget_state import OwnKeyView

from .conftest import no_exceptions

PAGE = "pages/race.py"
SIX = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam"]


@pytest.fixture
def checked(monkeypatch):
    """Each widget's answer beside filtered_state's, as the widget asks: (key, ours, Streamlit's)."""
    asked = []
    walk = OwnKeyView._walk

    def both(self, key):
        ours = walk(self, key)
        full = self._safe.filtered_state
        asked.append((key, ours, (key in full, full.get(key))))
        return ours

    monkeypatch.setattr(OwnKeyView, "_walk", both)
    return asked


def _same(asked):
    wrong = [(key, ours, theirs) for key, ours, theirs in asked if ours != theirs]
    assert not wrong, wrong[:5]


def test_every_widget_reads_what_filtered_state_holds(open_page, checked):
    assert widget_state.installed()
    at = open_page(PAGE)
    at.multiselect(key="optimizers").set_value(SIX).run()
    schedules = {"sgd": "sequential", "momentum": "cosine", "rmsprop": "multistep", "adam": "onecycle"}
    for name, schedule in schedules.items():
        at.selectbox(key=f"hyper.{name}.sched").set_value(schedule).run()
    assert at.number_input(key="hyper.momentum.sched.cosine.T_max").value is None  # empty: the run's steps
    at.number_input(key="hyper.momentum.sched.cosine.eta_min").set_value(0.001).run()
    at.text_input(key="hyper.rmsprop.sched.multistep.milestones").set_value("20, 60").run()
    at.selectbox(key="hyper.sgd.sched.sequential.1").set_value("exponential").run()
    at.number_input(key="hyper.adam.lr").set_value(0.05).run()
    for view in ("Basin map", "Learning-rate sweep", "Step inspector", "Race"):
        at.segmented_control(key="view").set_value(view).run()
    no_exceptions(at)
    _same(checked)
    keys = {key for key, *_ in checked}
    assert {"steps", "surface", "seeds", "hyper.adam.lr", "hyper.rmsprop.sched.multistep.milestones"} <= keys
    assert {"basin_opt", "basin_by", "sweep_n", "inspect_step"} <= keys  # select, radio, slider
    nones = {key for key, ours, _ in checked if ours == (True, None)}
    assert "hyper.momentum.sched.cosine.T_max" in nones  # the case filtered_state is read for
    assert at.number_input(key="hyper.momentum.sched.cosine.T_max").value is None  # still empty


def test_a_link_with_schedules_reads_the_same(checked):
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(
        {"opt": "sgd,adam", "sgd.sched": "cosine", "sgd.sched.args": "T_max:80", "adam.sched": "onecycle"}
    )
    at.switch_page(PAGE).run()
    no_exceptions(at)
    assert at.number_input(key="hyper.sgd.sched.cosine.T_max").value == 80
    _same(checked)
    assert len(checked) > 20
