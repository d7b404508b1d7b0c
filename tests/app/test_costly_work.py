"""Work a shared server must not take on: a crafted link or a dear formula gets a sentence, not minutes of CPU."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from gdviz import OPTIMIZERS
from gdviz.surface import cost

from .conftest import ROOT, no_exceptions, stages
from .test_links import open_link

ALL = ",".join(OPTIMIZERS)
TOWER = "x**y**" * 24 + "x"  # a 49-power tower: legal, and dear at every evaluation


@pytest.fixture
def known_speed(monkeypatch):
    """A machine of known speed, so the verdicts do not depend on how busy this one is."""
    monkeypatch.setattr(cost, "loop_seconds", lambda: 1e-4)
    monkeypatch.setattr(cost, "eval_seconds", lambda surface, batch: 1e-6 * batch)


def test_the_heaviest_link_is_refused_in_a_sentence_and_keeps_the_settings(known_speed):
    at = open_link("pages/race.py", {"opt": ALL, "steps": "5000", "noise": "1", "seeds": "20"})
    no_exceptions(at)
    (error,) = [e.value for e in at.error]
    assert (
        re.search(r"would keep the shared server busy for about \d+ s", error)
        and "Your other settings are kept" in error
    )
    assert not stages(at)
    assert at.number_input(key="steps").value == 5000 and len(at.multiselect(key="optimizers").value) == len(OPTIMIZERS)
    at.number_input(key="steps").set_value(300).run()  # what the sentence says to change
    no_exceptions(at)
    assert not at.error and stages(at)


def test_a_dear_formula_is_refused_before_it_runs():
    at = open_link("pages/race.py", {"surface": "custom", "f": TOWER, "opt": ALL, "steps": "5000"})
    no_exceptions(at)
    assert any("would keep the shared server busy" in e.value for e in at.error)
    assert not stages(at)


@pytest.mark.parametrize(
    ("view", "params", "what"),
    [
        ("Basin map", {"basin.n": "150", "steps": "5000"}, "A basin map of 22,500 starts × 5,000 steps"),
        ("Learning-rate sweep", {"sweep.n": "200", "steps": "5000", "opt": ALL}, "A sweep of 200 learning rates"),
    ],
)
def test_heavy_views_are_refused_in_a_sentence(known_speed, view, params, what):
    at = open_link("pages/race.py", {"view": view.lower().replace(" ", "-"), **params})
    no_exceptions(at)
    assert any(what in e.value and "would keep the shared server busy" in e.value for e in at.error), [
        e.value for e in at.error
    ]


def test_heavy_work_refused_by_a_full_lane_gets_a_sentence_and_keeps_the_settings(monkeypatch):
    from gdviz.ui import lane

    monkeypatch.setattr(lane, "HEAVY_SECONDS", 0.0)  # every run is heavy here …
    monkeypatch.setattr(lane, "MAX_WAITING", 0)  # … and the lane's queue is full
    at = open_link("pages/race.py", {"opt": "sgd,adam", "steps": "317"})  # settings no other test has cached
    no_exceptions(at)
    (warning,) = [w.value for w in at.warning if "busy" in w.value]
    assert "This race did not start" in warning and "Your settings are kept" in warning
    assert not stages(at)
    assert at.number_input(key="steps").value == 317 and at.multiselect(key="optimizers").value == ["sgd", "adam"]
    monkeypatch.setattr(lane, "MAX_WAITING", 4)  # the lane has room again: the same settings race
    at.run()
    no_exceptions(at)
    assert stages(at) and not [w for w in at.warning if "busy" in w.value]


def _search(budget: int, seed: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/random_search.py").run()
    at.select_slider(key="rs.budget").set_value(budget).run()
    at.number_input(key="rs.seed").set_value(seed).run()
    return at.button(key="rs.run").click().run()


def test_a_class_with_the_teachers_settings_shares_one_search():
    first = _search(50, 4242)
    no_exceptions(first)
    assert not [c for c in first.caption if "Searched on this server already" in c.value]  # searched
    second = _search(50, 4242)  # another visitor, the same link
    no_exceptions(second)
    assert [c for c in second.caption if "Searched on this server already" in c.value]
    assert second.dataframe[0].value.equals(first.dataframe[0].value)
    other = _search(50, 4243)  # another seed is another search
    assert not [c for c in other.caption if "Searched on this server already" in c.value]


def test_a_search_refused_by_a_full_lane_says_so_and_keeps_the_settings(monkeypatch):
    from gdviz.ui import lane

    monkeypatch.setattr(lane, "MAX_WAITING", 0)  # the lane's queue is full
    at = _search(50, 777)
    no_exceptions(at)
    (warning,) = [w.value for w in at.warning if "busy" in w.value]
    assert "Your search did not start" in warning and "Your settings are kept" in warning
    assert at.number_input(key="rs.seed").value == 777 and not at.dataframe


def test_the_h_sweep_refused_by_a_full_lane_keeps_the_check(monkeypatch):
    from gdviz.ui import lane

    monkeypatch.setattr(lane, "HEAVY_SECONDS", 0.0)  # every sweep is heavy here …
    monkeypatch.setattr(lane, "MAX_WAITING", 0)  # … and the lane's queue is full
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/gradient_check.py").run()
    at.number_input(key="gc.seed").set_value(9173).run()
    no_exceptions(at)
    assert [w for w in at.warning if "The sweep over h did not start" in w.value]
    assert at.dataframe and not at.get("plotly_chart")  # the check's table stands; the curve waits


@pytest.fixture
def training_costs(monkeypatch):
    """Trainings of a known cost, ``per_step`` seconds an iteration, whatever this machine's speed."""
    from gdviz.ui.linear import runs

    def cost_of(per_step: float) -> None:
        monkeypatch.setattr(runs, "training_seconds", lambda X, y, *, steps, **settings: steps * per_step)

    return cost_of


@pytest.mark.parametrize(("page", "steps_key"), [("pages/digits.py", "digits.steps"), ("pages/linear.py", "lc.steps")])
def test_a_training_that_would_cost_too_much_is_refused_in_a_sentence(training_costs, page, steps_key):
    training_costs(2 * cost.BUDGET / 5000)  # 5,000 iterations: twice the budget (L-BFGS on the digits: 15 s here)
    at = open_link(page, {"opt": "lbfgs", "steps": "4999"})
    no_exceptions(at)
    (error,) = [e.value for e in at.error]
    assert error.startswith("This cannot train: Training L-BFGS for 4,999 iterations would keep the shared server busy")
    assert error.endswith("lower the iterations. Your other settings are kept.")
    assert at.number_input(key=steps_key).value == 4999 and not at.get("plotly_chart") and not stages(at)
    assert at.sidebar.get("popover") and at.query_params["steps"] == "4999"  # the page ended; the frame did not
    at.number_input(key=steps_key).set_value(311).run()  # what the sentence says to change
    no_exceptions(at)
    assert not at.error and (at.get("plotly_chart") or stages(at))


def test_the_batch_size_chart_is_refused_when_its_six_trainings_together_cost_too_much(training_costs, open_page):
    from gdviz.ui.linear import views

    training_costs(1.5e-3)  # one run of 1,000 iterations fits the 4 s budget, six do not; six of 300 do
    views.show_batches.clear()
    at = open_page("pages/linear.py")
    at.number_input(key="lc.steps").set_value(1000).run()
    no_exceptions(at)
    (note,) = [i.value for i in at.info if "batch sizes" in i.value]
    assert note.startswith("Training once with each of the 6 batch sizes would keep the shared server busy for about")
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-batch_chart")] and stages(at)
    at.number_input(key="lc.steps").set_value(300).run()
    no_exceptions(at)
    assert [c for c in at.get("plotly_chart") if c.proto.id.endswith("-batch_chart")]
    views.show_batches.clear()  # what it drew at these costs is not what other tests' pages would draw
