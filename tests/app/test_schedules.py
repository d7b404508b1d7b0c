"""Learning-rate schedules on the race page: a schedule chosen in an optimizer's settings changes its path and
draws the learning rate against step; the step inspector writes η_t; links carry schedules (a bad value gets a
note, the rest is kept); the warm-up preset sets the schedule's widgets; a schedule the core refuses says why."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import gdviz
from gdviz.surface.inspector import tex_number

from .conftest import ROOT, decode, figures, no_exceptions, race_paths

PAGE = "pages/race.py"
S = gdviz.SURFACES["himmelblau"]


def lr_chart(at: AppTest) -> dict | None:
    return next((f for f in figures(at) if f["layout"]["title"]["text"].startswith("Learning rate at each")), None)


def open_link(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def test_a_schedule_changes_the_path_and_draws_the_learning_rate(open_page):
    at = open_page(PAGE)
    assert lr_chart(at) is None  # no schedule, no chart
    before = race_paths(at)["sgd"]
    at.selectbox(key="hyper.sgd.sched").set_value("step").run()
    at.number_input(key="hyper.sgd.sched.step.step_size").set_value(5).run()
    at.number_input(key="hyper.sgd.sched.step.gamma").set_value(0.5).run()
    no_exceptions(at)
    after = race_paths(at)
    want = gdviz.run(S, "sgd", S.start, 300, lr=0.01, schedule=("step", {"step_size": 5, "gamma": 0.5}))
    np.testing.assert_allclose(after["sgd"], want.points, rtol=1e-6, atol=1e-6)  # float32 on the stage
    assert np.abs(after["sgd"] - before).max() > 1e-3
    np.testing.assert_array_equal(after["adam"], race_paths(open_page(PAGE))["adam"])  # the others as they were
    chart = lr_chart(at)
    (curve,) = chart["data"]
    assert curve["name"] == "SGD: step decay"
    np.testing.assert_array_equal(decode(curve["y"]), want.lrs)
    assert decode(curve["y"])[[0, 4, 5, 9, 10]].tolist() == [0.01, 0.01, 0.005, 0.005, 0.0025]


def test_the_step_inspector_writes_the_steps_learning_rate(open_page):
    at = open_page(PAGE)
    at.selectbox(key="hyper.adam.sched").set_value("cosine").run()
    at.segmented_control(key="view").set_value("Step inspector").run()
    at.selectbox(key="inspect_opt").set_value("adam").run()
    at.slider(key="inspect_step").set_value(150).run()
    no_exceptions(at)
    want = gdviz.run(S, "adam", S.start, 300, lr=0.1, schedule="cosine")
    rate = [m.value.strip("$\n") for m in at.latex if m.value.strip("$\n").startswith(r"\eta_{150}")]
    assert rate and rate[0].startswith(rf"\eta_{{150}} = {tex_number(want.lrs[149])} ")
    assert tex_number(want.lrs[149]) == "0.05052"  # half way down the cosine: about half of 0.1


def test_a_schedule_the_core_refuses_is_explained_and_the_others_race(open_page):
    at = open_page(PAGE)
    at.selectbox(key="hyper.sgd.sched").set_value("onecycle").run()  # plain SGD has no momentum to cycle
    no_exceptions(at)
    assert any("SGD" in e.value and "cycle_momentum" in e.value for e in at.error)
    assert set(race_paths(at)) == {"momentum", "adam"}
    at.toggle(key="hyper.sgd.sched.onecycle.cycle_momentum").set_value(False).run()
    assert not at.error and set(race_paths(at)) == {"sgd", "momentum", "adam"}


LINK = {
    "opt": "sgd,adam",
    "sgd.sched": "sequential",
    "sgd.sched.args": "milestones:30",
    "sgd.sched.0": "linear",
    "sgd.sched.0.args": "start_factor:0.1;total_iters:30",
    "sgd.sched.1": "exponential",
    "sgd.sched.1.args": "gamma:0.99",
    "adam.sched": "multistep",
    "adam.sched.args": "milestones:100,200;gamma:0.3",
}


def test_a_link_with_schedules_reproduces_them_and_the_address_bar_keeps_them():
    at = open_link(LINK)
    no_exceptions(at)
    assert not [w.value for w in at.warning if "could not be used" in w.value]
    assert at.selectbox(key="hyper.sgd.sched.sequential.1").value == "exponential"
    assert at.text_input(key="hyper.adam.sched.multistep.milestones").value == "100, 200"
    written = {k: v for k, v in at.query_params.items() if "sched" in k or k == "opt"}
    assert {k: v[0] if isinstance(v, list) else v for k, v in written.items()} == LINK | {
        "sgd.sched.0.args": "start_factor:0.1;end_factor:1;total_iters:30",  # with torch's default written out
    }
    warm = ("sequential", {"schedulers": (("linear", {"start_factor": 0.1, "total_iters": 30}),
                                          ("exponential", {"gamma": 0.99})), "milestones": (30,)})  # fmt: skip
    paths = race_paths(at)
    np.testing.assert_allclose(
        paths["sgd"], gdviz.run(S, "sgd", S.start, 300, lr=0.01, schedule=warm).points, atol=1e-5
    )
    adam = gdviz.run(S, "adam", S.start, 300, lr=0.1, schedule=("multistep", {"milestones": (100, 200), "gamma": 0.3}))
    np.testing.assert_array_equal(decode(lr_chart(at)["data"][1]["y"]), adam.lrs)


@pytest.mark.parametrize(
    "param, raw",
    [
        ("sgd.sched", "warmup"),
        ("sgd.sched.args", "T_max:soon"),
        ("sgd.sched.args", "milestones:3,x"),
        ("adam.sched.0", "onecycle"),
    ],
)
def test_a_bad_schedule_value_in_a_link_gets_a_note_and_the_rest_is_kept(param, raw):
    at = open_link({"opt": "sgd,adam", "sgd.sched": "cosine", "adam.lr": "0.05", param: raw})
    no_exceptions(at)
    notes = " ".join(w.value for w in at.warning if "could not be used" in w.value)
    assert f"`{param}={raw}`" in notes
    assert at.number_input(key="hyper.adam.lr").value == 0.05
    expected = "" if param == "sgd.sched" else "cosine"
    assert at.selectbox(key="hyper.sgd.sched").value == expected


def test_the_warmup_preset_sets_the_schedule_and_its_race_is_as_its_sentence_says(open_page):
    at = open_page(PAGE)
    at.selectbox(key="hyper.sgd.sched").set_value("step").run()  # a schedule the preset must clear away
    at.button(key="preset.warmup").click().run()
    no_exceptions(at)
    assert at.selectbox(key="hyper.sgd.sched").value == "sequential"
    assert at.selectbox(key="hyper.sgd.sched.sequential.0").value == "linear"
    assert at.number_input(key="hyper.sgd.sched.sequential.0.linear.start_factor").value == 0.01
    assert at.number_input(key="hyper.sgd.sched.sequential.0.linear.total_iters").value == 40
    assert at.text_input(key="hyper.sgd.sched.sequential.milestones").value == "40"
    assert at.selectbox(key="hyper.momentum.sched").value == ""
    table = at.table[0].value.set_index("optimizer")
    assert table.loc["Momentum", "stopped because"] == "diverged" and table.loc["Momentum", "diverged at"] == "3"
    assert table.loc["SGD", "stopped because"] == "max steps"
    curve = decode(lr_chart(at)["data"][0]["y"])
    assert curve[0] == pytest.approx(0.0005) and curve[40] == 0.05 and curve[-1] < 1e-5


# --- the classifier pages ---------------------------------------------------------------------


def _blobs_run(**settings):
    from gdviz.linear.data import DATASETS_2D, add_bias

    d = DATASETS_2D["blobs"].build(n=300, noise=0.25, seed=0)
    return gdviz.train_linear(add_bias(d.X), d.y, loss="softmax", steps=300, reg=1e-3, seed=0, **settings)


def test_the_linear_page_trains_with_the_schedule_chosen_and_draws_it(open_page):
    at = open_page("pages/linear.py")
    assert lr_chart(at) is None
    at.selectbox(key="lc.sgd.sched").set_value("exponential").run()
    at.number_input(key="lc.sgd.sched.exponential.gamma").set_value(0.98).run()
    no_exceptions(at)
    lr = gdviz.OPTIMIZERS["sgd"].linear_start["lr"]
    want = _blobs_run(optimizer="sgd", lr=lr, schedule=("exponential", {"gamma": 0.98}))
    chart = lr_chart(at)
    assert chart["layout"]["xaxis"]["title"]["text"] == "iteration"
    np.testing.assert_array_equal(decode(chart["data"][0]["y"]), want.lrs)  # the lr the page's own run used
    assert want.lrs[-1] == pytest.approx(lr * 0.98**299)
    assert at.query_params["sgd.sched"] in ("exponential", ["exponential"])


def test_a_linear_link_with_a_schedule_is_applied_and_a_bad_one_noted():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    link = {"opt": "adam", "adam.sched": "linear", "adam.sched.args": "total_iters:50", "adam.sched.0.args": "power:x"}
    at.query_params.update(link)
    at.switch_page("pages/linear.py").run()
    no_exceptions(at)
    assert at.selectbox(key="lc.adam.sched").value == "linear"
    assert at.number_input(key="lc.adam.sched.linear.total_iters").value == 50
    notes = " ".join(w.value for w in at.warning if "could not be used" in w.value)
    assert "`adam.sched.0.args=power:x` cannot be used (power: it is not a number)" in notes
    lr = gdviz.OPTIMIZERS["adam"].linear_start["lr"]
    want = _blobs_run(optimizer="adam", lr=lr, schedule=("linear", {"total_iters": 50}))
    np.testing.assert_array_equal(decode(lr_chart(at)["data"][0]["y"]), want.lrs)


def test_the_digits_page_takes_a_schedule_too(open_page):
    at = open_page("pages/digits.py")
    at.selectbox(key="digits.sgd.sched").set_value("cosine").run()
    no_exceptions(at)
    (curve,) = lr_chart(at)["data"]
    y = decode(curve["y"])
    assert curve["name"] == "SGD: cosine annealing" and len(y) == 300
    assert y[0] == gdviz.OPTIMIZERS["sgd"].linear_start["lr"] and y[-1] < 1e-4 * y[0]
