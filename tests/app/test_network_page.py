"""The network page driven as a visitor drives it: it opens with its run on the stage, the step the stage rests
on moves the cards, settings retrain, each lesson sets its settings and says what to watch (its numbers on the
cards at the last step), a link reproduces every setting, bad link values get a note and the rest is kept,
settings that cannot train are explained, and projection mode reaches the stage."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from gdviz.network.presets import LESSONS

from .conftest import decode, no_exceptions, stages
from .test_links import open_link

PAGE = "pages/network.py"


def _send(at: AppTest, step: int) -> AppTest:
    """What the stage sends when it rests on ``step``, then one run."""
    sid = next(c for c in at.get("bidi_component") if c.proto.id.endswith("-nn_stage")).proto.id
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=sid, json_value=json.dumps({"step": step})))
    return at._run(states)


def _spec(at: AppTest) -> dict:
    (given,) = stages(at)
    return given["spec"]


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _pct(card: str) -> float:
    return float(card.rstrip("%")) / 100


def _param(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _notes(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning if "could not be used" in w.value)


def _errors(at: AppTest) -> str:
    return " | ".join(e.value for e in at.error)


@pytest.fixture
def page(open_page) -> AppTest:
    return open_page(PAGE)


def test_the_page_opens_with_its_run_on_the_stage_and_the_cards_follow_the_step(page):
    no_exceptions(page)
    spec = _spec(page)
    network, regions, loss = spec["panels"]
    assert [p["testid"] for p in spec["panels"]] == ["gdviz-network", "gdviz-map", ""] and spec["T"] == 1000
    assert [m["kind"] for m in network["moving"]] == ["links"] + ["raster"] * (2 + 8 + 8 + 3)
    assert regions["moving"][0]["shape"] == [101, 64, 64] and loss["legendRow"]
    assert len(json.dumps(spec)) < 1_000_000
    before = _cards(page)
    _send(page, 1000)
    no_exceptions(page)
    cards = _cards(page)
    now = decode(next(m for m in loss["moving"] if m["kind"] == "now")["y"]).reshape(-1, 2)
    assert float(cards["Training loss"]) == pytest.approx(now[1000, 0], rel=1e-3)  # the marker on the curve
    assert float(cards["Training loss"]) < 0.05 < float(before["Training loss"])
    assert _pct(cards["Training accuracy"]) > 0.95 and _pct(cards["Test accuracy"]) > 0.95
    assert _param(page, "at") == "1000" and page.session_state["nn_cursor"] == 1000
    assert any(md.value.startswith("**At step 1,000** of 1,000") for md in page.markdown)
    assert page.get("download_button"), "the downloads row"
    assert "Backpropagation through this network" in [h.value for h in page.subheader]


def test_a_setting_retrains_and_the_network_picture_follows(page):
    page.number_input(key="nn.layers").set_value(0).run()
    no_exceptions(page)
    rasters = [m for m in _spec(page)["panels"][0]["moving"] if m["kind"] == "raster"]
    assert len(rasters) == 2 + 3 and _param(page, "hidden") == "none"  # inputs and outputs only
    _send(page, 1000)
    assert _pct(_cards(page)["Training accuracy"]) < 0.6  # a linear model on the spiral
    page.number_input(key="nn.layers").set_value(1).run()
    page.number_input(key="nn.width.0").set_value(5).run()
    page.selectbox(key="nn.activation").set_value("relu").run()
    no_exceptions(page)
    assert _param(page, "hidden") == "5" and _param(page, "act") == "relu"
    assert len([m for m in _spec(page)["panels"][0]["moving"] if m["kind"] == "raster"]) == 2 + 5 + 3
    assert "Dead ReLU neurons" in _cards(page)


@pytest.mark.parametrize("name", ["xor_hidden", "dead_relu"])
def test_a_lesson_sets_its_settings_and_says_what_to_watch(page, name):
    lesson = LESSONS[name]
    page.button(key=f"nn.lesson.{name}").click().run()
    no_exceptions(page)
    watch = " ".join(i.value for i in page.info)
    assert "What to watch" in watch and lesson.watch in watch
    s = lesson.settings
    assert page.session_state["nn.dataset"] == s["dataset"] and page.session_state["nn.layers"] == len(s["hidden"])
    assert page.session_state["nn.optimizer"] == s["optimizer"]
    assert page.session_state[f"nn.{s['optimizer']}.lr"] == s["hyper"]["lr"]
    _send(page, s["steps"])
    cards = _cards(page)
    quoted = [int(v) for v in re.findall(r"(\d+) %", lesson.watch)]  # the accuracies the sentence quotes
    assert round(100 * _pct(cards["Training accuracy"])) in quoted
    page.number_input(key="nn.seed").set_value(1).run()  # the run is no longer the lesson's
    assert "What to watch" not in " ".join(i.value for i in page.info)


LINK = {
    "data": "circles",
    "noise": "0.15",
    "split": "0.3",
    "feat": "x,y,xy",
    "hidden": "6,3",
    "act": "relu",
    "opt": "momentum",
    "momentum.lr": "0.05",
    "momentum.momentum": "0.8",
    "loss": "svm",
    "batch": "32",
    "reg": "0.001",
    "steps": "300",
    "seed": "4",
    "at": "120",
}


def test_a_link_reproduces_every_setting_and_the_address_bar_holds_them():
    at = open_link(PAGE, LINK)
    no_exceptions(at)
    assert not _notes(at), _notes(at)
    state = at.session_state
    assert state["nn.dataset"] == "circles" and state["nn.noise"] == 0.15 and state["nn.split"] == 0.3
    assert state["nn.features"] == ["x", "y", "xy"] and state["nn.activation"] == "relu"
    assert (state["nn.layers"], state["nn.width.0"], state["nn.width.1"]) == (2, 6, 3)
    assert state["nn.momentum.lr"] == 0.05 and state["nn.momentum.momentum"] == 0.8 and state["nn.loss"] == "svm"
    assert (state["nn.batch"], state["nn.reg"], state["nn.steps"], state["nn.seed"]) == (32, 0.001, 300, 4)
    assert state["nn_cursor"] == 120 and stages(at)[0]["open_at"] == 120
    for name, value in LINK.items():
        assert _param(at, name) == value, (name, _param(at, name))
    network = _spec(at)["panels"][0]
    assert [m["kind"] for m in network["moving"]].count("raster") == 3 + 6 + 3 + 2


def test_bad_link_values_get_a_note_each_and_the_rest_is_kept():
    bad = {"data": "rings", "hidden": "8,99", "feat": "x,z", "act": "gelu", "split": "0.95", "opt": "lbfgs"}
    at = open_link(PAGE, bad | {"steps": "200", "seed": "3"})
    no_exceptions(at)
    notes = _notes(at)
    for name in bad:
        assert f"`{name}=" in notes, (name, notes)
    assert at.session_state["nn.steps"] == 200 and at.session_state["nn.seed"] == 3  # the good ones
    assert at.session_state["nn.dataset"] == "spiral" and at.session_state["nn.layers"] == 2  # the defaults
    assert _spec(at)["T"] == 200


def test_settings_that_cannot_train_are_explained_and_kept(page):
    page.session_state["nn.features"] = []
    page.run()
    assert "choose at least one input feature" in _errors(page) and "Your other settings are kept" in _errors(page)
    assert not stages(page) and _param(page, "feat") == ""
    page.session_state["nn.features"] = ["x", "y"]
    page.number_input(key="nn.split").set_value(0.95).run()
    assert "test share must be from 0 to 0.9" in _errors(page)
    page.number_input(key="nn.split").set_value(0.0).run()
    no_exceptions(page)
    assert _cards(page)["Test loss"] == "no test set"
    page.selectbox(key="nn.optimizer").set_value("sgd").run()
    page.number_input(key="nn.sgd.lr").set_value(1e6).run()
    assert "diverged" in _errors(page)


@pytest.mark.parametrize("projection", [False, True], ids=["normal", "projection"])
def test_projection_mode_reaches_the_stage(projection):
    at = open_link(PAGE, {"projection": "1"} if projection else {})
    no_exceptions(at)
    spec = _spec(at)
    assert spec["projection"] is projection
    for panel in spec["panels"]:
        layout = panel["figure"]["layout"]
        sizes = [float(v) for v in re.findall(r'"size":\s*([0-9.]+)', json.dumps(layout))]
        assert layout["title"]["text"] and min(sizes) >= (20 if projection else 12), sizes
    headings = [a for a in spec["panels"][0]["figure"]["layout"]["annotations"] if "layer" in a["text"]]
    assert bool(headings) is not projection  # a projector's type leaves no room for the layers' headings
    widths = [p["width"] for p in spec["panels"]]
    assert np.isclose(sum(widths), 1.0) and (widths[2] > 0.3) is projection


def test_a_schedule_steps_the_learning_rate_and_travels_in_the_link(page):
    _send(page, 1000)
    before = _cards(page)["Training loss"]
    page.selectbox(key="nn.adam.sched").set_value("step").run()
    page.number_input(key="nn.adam.sched.step.step_size").set_value(200).run()
    page.number_input(key="nn.adam.sched.step.gamma").set_value(0.5).run()
    no_exceptions(page)
    (chart,) = [json.loads(c.proto.spec) for c in page.get("plotly_chart")]
    (curve,) = chart["data"]
    lrs = decode(curve["y"])
    assert (
        lrs[0] == pytest.approx(0.03) and lrs[200] == pytest.approx(0.015) and lrs[999] == pytest.approx(0.03 / 16)
    )  # step 1000: 4 halvings
    assert _param(page, "adam.sched") == "step" and "step_size:200" in _param(page, "adam.sched.args")
    assert _cards(page)["Training loss"] != before  # a schedule trains another network
