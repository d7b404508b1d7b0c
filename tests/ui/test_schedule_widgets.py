"""Schedules in widgets and links, without running a page: the cache key form and back, the milestones text,
the widget values a preset sets, and every schedule argument's round trip through a link."""

from __future__ import annotations

import pytest

import gdviz
from gdviz.schedules import SCHEDULES
from gdviz.ui.links import fields_of
from gdviz.ui.url_state import read_params, url_params
from gdviz.ui.widgets import frozen_schedule, ints_value, schedule_key, schedule_state, schedule_value

WARMUP = ("sequential", {"schedulers": (("linear", {"start_factor": 0.1}), ("cosine", {"eta_min": 0.001})),
                         "milestones": (20,)})  # fmt: skip


def test_a_schedule_freezes_into_a_hashable_key_and_back():
    for schedule in (WARMUP, ("multistep", {"milestones": (3, 9), "gamma": 0.5}), ("cosine", {}), None):
        key = frozen_schedule(schedule)
        hash(key)  # a cache key of plain values
        assert schedule_value(key) == schedule
    s = gdviz.SURFACES["himmelblau"]
    a = gdviz.run(s, "sgd", s.start, 30, lr=0.01, schedule=WARMUP)
    b = gdviz.run(s, "sgd", s.start, 30, lr=0.01, schedule=schedule_value(frozen_schedule(WARMUP)))
    assert (a.lrs == b.lrs).all() and a.schedule == b.schedule


@pytest.mark.parametrize(
    "text, value",
    [("30, 80", (30, 80)), ("5", (5,)), (" 4 ,, 9,", (4, 9)), ("", ()), ("2.5, x", (2.5, "x")), ("1e2", (100,))],
)
def test_milestones_text_becomes_numbers_and_keeps_what_it_cannot_read(text, value):
    assert ints_value(text) == value


def test_a_part_that_is_not_a_whole_number_is_named_by_the_core():
    with pytest.raises(ValueError, match=r"milestones must be a finite number, got 'x'"):
        gdviz.run(
            gdviz.SURFACES["himmelblau"], "sgd", (0, 0), 5, schedule=("multistep", {"milestones": ints_value("3, x")})
        )


def test_a_preset_sets_the_select_and_every_argument_defaults_included():
    state = schedule_state("sgd", WARMUP)
    assert state[schedule_key("sgd")] == "sequential"
    assert state[schedule_key("sgd", "sequential", "milestones")] == "20"
    assert state[schedule_key("sgd", "sequential", "0")] == "linear"
    assert state[schedule_key("sgd", "sequential", "0", "linear", "start_factor")] == 0.1
    assert state[schedule_key("sgd", "sequential", "0", "linear", "total_iters")] == 5  # torch's default, reset
    assert state[schedule_key("sgd", "sequential", "1", "cosine", "T_max")] is None  # empty: its span
    assert schedule_state("adam", None) == {"hyper.adam.sched": ""}
    assert schedule_state("adam", "onecycle", prefix="lc")["lc.adam.sched.onecycle.cycle_momentum"] is True


LINK = {
    "opt": "sgd,adam",
    "sgd.sched": "sequential",
    "sgd.sched.args": "milestones:20",
    "sgd.sched.0": "linear",
    "sgd.sched.0.args": "start_factor:0.1;end_factor:1;total_iters:20",
    "sgd.sched.1": "polynomial",
    "sgd.sched.1.args": "total_iters:50;power:2",
    "adam.sched": "onecycle",
    "adam.sched.args": "max_lr:0.3;total_steps:400;pct_start:0.25;anneal_strategy:linear;cycle_momentum:0;"
    "base_momentum:0.85;max_momentum:0.95;div_factor:25;final_div_factor:10000;three_phase:1",
}


def test_every_kind_of_schedule_argument_round_trips_through_a_link():
    fields = fields_of("race")
    values, notes = read_params(fields, LINK)
    assert not notes, notes
    assert values["optimizers"] == ["sgd", "adam"]
    assert values["hyper.adam.sched.onecycle.three_phase"] is True
    assert values["hyper.adam.sched.onecycle.total_steps"] == 400
    assert values["hyper.sgd.sched.sequential.milestones"] == "20"
    assert values["hyper.sgd.sched.sequential.1.polynomial.power"] == 2.0
    written = url_params(fields, values)
    assert {k: v for k, v in written.items() if "sched" in k or k == "opt"} == LINK


def test_an_argument_is_written_only_for_the_schedule_chosen_and_only_when_set():
    fields = fields_of("race")
    state = {"optimizers": ["adam"], "hyper.adam.sched": "cosine", "hyper.adam.sched.cosine.T_max": None}
    state |= {"hyper.adam.sched.cosine.eta_min": 0.0, "hyper.adam.sched.step.gamma": 0.5}  # step: not chosen
    assert {k: v for k, v in url_params(fields, state).items() if "sched" in k} == {
        "adam.sched": "cosine",
        "adam.sched.args": "eta_min:0",
    }
    state["optimizers"] = ["sgd"]  # adam left the race: its schedule leaves the link
    assert not [k for k in url_params(fields, state) if "sched" in k]


def test_a_link_sets_an_argument_for_every_schedule_that_has_it():
    values, _ = read_params(fields_of("race"), {"adam.sched.args": "gamma:0.5"})
    assert {k for k, v in values.items() if v == 0.5} == {
        f"hyper.adam.sched.{name}.gamma" for name in ("step", "multistep", "exponential")
    }


@pytest.mark.parametrize(
    "param, raw, why",
    [
        ("sgd.sched", "warmup", "it must be one of none, step"),
        ("sgd.sched.args", "T_max:abc", "T_max: it is not a number"),
        ("sgd.sched.args", "T_max:2.5", "T_max: it must be a whole number"),
        ("sgd.sched.args", "eta_min:0;T_max:0", "T_max: it must be from 1"),
        ("sgd.sched.args", "milestones:3,x", "milestones: it must be whole numbers from 0"),
        ("sgd.sched.args", "cycle_momentum:yes", "cycle_momentum: it must be 0 or 1"),
        ("sgd.sched.args", "anneal_strategy:sine", "anneal_strategy: it must be one of cos, linear"),
        ("sgd.sched.args", "T_max=5", "`T_max=5` is not an argument of a schedule here"),
        ("sgd.sched.0", "onecycle", "it must be one of step, multistep"),  # not one torch can chain
        ("sgd.sched.0.args", "max_lr:0.1", "`max_lr` is not an argument"),  # onecycle's: no part has it
    ],
)
def test_a_bad_schedule_value_in_a_link_is_named_and_the_rest_is_kept(param, raw, why):
    values, notes = read_params(fields_of("race"), {"opt": "sgd", "sgd.sched": "cosine", param: raw})
    assert len(notes) == 1 and f"`{param}={raw}`" in notes[0] and why in notes[0], notes
    assert values["optimizers"] == ["sgd"]
    assert param == "sgd.sched" or values["hyper.sgd.sched"] == "cosine"


def test_every_schedule_argument_reads_from_a_link():
    fields = {f.param: f for f in fields_of("race")}
    for name, spec in SCHEDULES.items():
        for a in spec.args:
            if a.kind != "schedulers":
                number = "3" if a.bound().holds(3) else f"{a.high:g}"  # a value the argument's bounds hold
                text = {"ints": "1,2", "bool": "1", "choice": str(a.default)}.get(a.kind, number)
                assert f"hyper.adam.sched.{name}.{a.name}" in fields["adam.sched.args"].read(f"{a.name}:{text}")
    assert {"adam.sched.0", "adam.sched.1", "adam.sched.0.args", "adam.sched.1.args"} <= set(fields)
    per_optimizer = [p for p in fields if p.startswith("adam.sched")]
    assert len(per_optimizer) == 6  # a select and an arguments field per slot: cheap to write on every rerun
