"""gdviz.schedules against PyTorch's recorded schedules and scheduled paths, plus the refusals.

The references were recorded from torch.optim.lr_scheduler by tests/fixtures/make_schedule_refs.py:
the learning rate (and OneCycleLR's momentum or β1) the optimizer group held at each step, and the
path of a torch optimizer stepped by the scheduler. torch itself is not needed here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import gdviz
from gdviz import OPTIMIZERS, SCHEDULES, SURFACES, HyperParam, endpoints, run
from gdviz.schedules import ScheduleArg, hyper_at, resolve_schedule, schedule_table

FIXTURES = Path(__file__).parent / "fixtures"
META = json.loads((FIXTURES / "schedule_refs.json").read_text())
REFS = np.load(FIXTURES / "schedule_refs.npz")
CASES = {case["key"]: case for case in META["cases"]}
HIMMELBLAU = SURFACES["himmelblau"]
STARTS = np.array([[-0.3, -0.9], [0.0, 0.0], [1.0, -3.0], [2.5, 1.5]])
WARMUP_COSINE = (
    "sequential",
    {"schedulers": [("linear", {"start_factor": 0.1, "total_iters": 10}), ("cosine", {})], "milestones": [10]},
)


def _hyper(case) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyper"].items()}


def _table(case) -> dict:
    hyper = OPTIMIZERS[case["optimizer"]].resolve(_hyper(case))
    return schedule_table((case["schedule"], case["kwargs"]), hyper, case["steps"])


# --- against torch --------------------------------------------------------------------------------


def test_the_fixture_covers_every_schedule_and_cycles_both_momentum_and_betas():
    assert {c["schedule"] for c in CASES.values()} == set(SCHEDULES)
    cycled = {k.split("/")[1] for k in REFS.files if k.endswith(("/momentum", "/beta1"))}
    assert cycled == {"momentum", "beta1"}
    assert META["torch"].startswith("2.")


@pytest.mark.parametrize("key", list(CASES))
def test_learning_rates_are_torchs(key):
    case, table = CASES[key], _table(CASES[key])
    ref = REFS[f"{key}/lr"]
    assert table["lr"].shape == ref.shape == (case["steps"],)
    np.testing.assert_allclose(table["lr"], ref, rtol=1e-12, atol=0)
    assert np.ptp(ref) > 0  # the schedule moves, so a constant lr could not pass


@pytest.mark.parametrize("key", [k for k in CASES if CASES[k]["schedule"] == "onecycle"])
def test_onecycle_cycles_momentum_or_beta1_as_torch_does(key):
    case, table = CASES[key], _table(CASES[key])
    if f"{key}/momentum" in REFS.files:
        assert set(table) == {"lr", "momentum"}
        np.testing.assert_allclose(table["momentum"], REFS[f"{key}/momentum"], rtol=1e-12, atol=0)
    elif f"{key}/beta1" in REFS.files:
        assert set(table) == {"lr", "betas"} and table["betas"].shape == (case["steps"], 2)
        np.testing.assert_allclose(table["betas"][:, 0], REFS[f"{key}/beta1"], rtol=1e-12, atol=0)
        beta2 = OPTIMIZERS[case["optimizer"]].resolve(_hyper(case))["betas"][1]
        assert (table["betas"][:, 1] == beta2).all()
    else:
        assert case["kwargs"]["cycle_momentum"] is False and set(table) == {"lr"}


@pytest.mark.parametrize("key", list(CASES))
def test_scheduled_paths_are_torchs(key):
    case = CASES[key]
    surface, starts = SURFACES[case["surface"]], np.array(case["starts"])
    np.testing.assert_allclose(surface.grad(starts), case["grad_at_starts"], rtol=1e-15)  # the surface is the same
    schedule = (case["schedule"], case["kwargs"])
    traj = run(surface, case["optimizer"], starts, case["steps"], schedule=schedule, **_hyper(case))
    ref = REFS[f"{key}/path"]
    np.testing.assert_allclose(traj.points, ref, rtol=1e-9, atol=1e-9 * np.abs(ref).max())
    np.testing.assert_allclose(traj.lrs, REFS[f"{key}/lr"], rtol=1e-12, atol=0)
    end = endpoints(surface, case["optimizer"], starts, case["steps"], schedule=schedule, **_hyper(case))
    np.testing.assert_array_equal(end.final, traj.final)
    assert end.schedule == traj.schedule


def test_a_schedule_changes_the_path():
    """Sanity for the test above: the same case without its schedule is far from torch's scheduled path."""
    case = CASES["case25_sequential_momentum"]
    plain = run(SURFACES[case["surface"]], case["optimizer"], np.array(case["starts"]), case["steps"], **_hyper(case))
    assert np.abs(plain.points - REFS[f"{case['key']}/path"]).max() > 1e-3


# --- the registry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_arguments_and_defaults_are_torchs(name):
    spec, torch_args = SCHEDULES[name], META["defaults"][name]
    assert spec.name == name and spec.title and spec.torch and spec.latex
    assert spec.note.endswith(".") and spec.note.count(". ") == 0  # one sentence
    assert [a.name for a in spec.args] == list(torch_args)
    for a in spec.args:
        assert isinstance(a, ScheduleArg) and isinstance(a, HyperParam)  # widgets build as for optimizers
        if torch_args[a.name] == "required":
            continue  # torch has no default; gdviz's is a sensible start
        default = list(a.default) if isinstance(a.default, tuple) else a.default
        assert default == torch_args[a.name], a.name
        assert not a.default_from or a.default is None


def test_required_arguments_default_to_the_run_where_that_is_natural():
    hyper = OPTIMIZERS["adam"].resolve({"lr": 0.02})
    assert resolve_schedule("cosine", hyper, 70) == ("cosine", {"T_max": 70, "eta_min": 0.0})
    name, args = resolve_schedule("onecycle", hyper, 70)
    assert args["max_lr"] == 0.02 and args["total_steps"] == 70
    for steps in (1, 50):
        for named in ("cosine", "onecycle"):
            explicit = {"T_max": steps} if named == "cosine" else {"max_lr": 0.02, "total_steps": steps}
            a, b = schedule_table(named, hyper, steps), schedule_table((named, explicit), hyper, steps)
            assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_a_sequential_childs_run_length_is_its_share_of_the_steps():
    hyper = OPTIMIZERS["momentum"].resolve({"lr": 0.1})
    _, args = resolve_schedule(WARMUP_COSINE, hyper, 100)
    assert args["milestones"] == (10,)
    assert args["schedulers"] == (
        ("linear", {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10}),
        ("cosine", {"T_max": 90, "eta_min": 0.0}),
    )
    lrs = schedule_table(WARMUP_COSINE, hyper, 100)["lr"]
    np.testing.assert_allclose(lrs[:11], 0.1 * np.r_[np.linspace(0.1, 1.0, 11)[:10], 1.0], rtol=1e-14)
    np.testing.assert_allclose(lrs[10:], 0.05 * (1 + np.cos(np.pi * np.arange(90) / 90)), rtol=1e-12)


def test_tables_are_read_only_and_hyper_at_gives_python_floats():
    hyper = OPTIMIZERS["adam"].resolve({"lr": 0.01})
    table = schedule_table(("onecycle", {}), hyper, 30)
    for values in table.values():
        with pytest.raises(ValueError):
            values[0] = 1.0
    now = hyper_at(table, hyper, 5)
    assert type(now["lr"]) is float and type(now["betas"][0]) is float and now["betas"][1] == 0.999
    assert now["eps"] == hyper["eps"] and now["lr"] == table["lr"][5]


def test_no_schedule_is_a_constant_lr_and_zero_steps_an_empty_table():
    hyper = OPTIMIZERS["sgd"].resolve({"lr": 0.3})
    np.testing.assert_array_equal(schedule_table(None, hyper, 4)["lr"], [0.3] * 4)
    for name in SCHEDULES:
        assert schedule_table(name, hyper | {"momentum": 0.9}, 0)["lr"].shape == (0,)


# --- running with a schedule ----------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_scheduled_batch_equals_its_starts_run_alone(optimizer):
    cycles = bool({"momentum", "betas"} & set(OPTIMIZERS[optimizer].defaults()))
    for schedule in (("onecycle", {"cycle_momentum": cycles}), ("cosine_restarts", {"T_0": 7, "T_mult": 2})):
        batch = run(HIMMELBLAU, optimizer, STARTS, 40, lr=0.02, schedule=schedule)
        for i, start in enumerate(STARTS):
            alone = run(HIMMELBLAU, optimizer, start, 40, lr=0.02, schedule=schedule)
            np.testing.assert_array_equal(batch.points[:, i], alone.points)
            np.testing.assert_array_equal(batch.lrs, alone.lrs)


def test_a_learning_rate_per_start_is_scheduled_per_start():
    lrs = np.array([[0.002], [0.01], [0.05], [0.02]])
    for schedule in (WARMUP_COSINE, ("onecycle", {}), ("step", {"step_size": 5, "gamma": 0.5})):
        batch = run(HIMMELBLAU, "momentum", STARTS, 30, lr=lrs, schedule=schedule)
        assert batch.lrs.shape == (30, 4, 1)
        for i, start in enumerate(STARTS):
            alone = run(HIMMELBLAU, "momentum", start, 30, lr=float(lrs[i, 0]), schedule=schedule)
            np.testing.assert_array_equal(batch.points[:, i], alone.points)
            np.testing.assert_array_equal(batch.lrs[:, i, 0], alone.lrs)


def test_a_factor_of_one_changes_nothing_bit_for_bit():
    """Rebuilding the optimizer every step with the same numbers is the unscheduled run exactly."""
    for optimizer in OPTIMIZERS:
        plain = run(HIMMELBLAU, optimizer, STARTS, 25, lr=0.01)
        same = run(HIMMELBLAU, optimizer, STARTS, 25, lr=0.01, schedule=("constant", {"factor": 1.0}))
        for field in ("points", "grads", "steps", "losses"):
            np.testing.assert_array_equal(getattr(plain, field), getattr(same, field))
        assert plain.schedule is None and same.schedule == ("constant", {"factor": 1.0, "total_iters": 5})


def test_the_trajectory_keeps_its_schedule_resolved_and_repeatable():
    traj = run(HIMMELBLAU, "adam", STARTS, 50, lr=0.05, schedule="onecycle")
    name, args = traj.schedule
    assert name == "onecycle" and args["total_steps"] == 50 and args["max_lr"] == 0.05
    again = schedule_table(traj.schedule, traj.hyper, 50)
    np.testing.assert_array_equal(again["lr"], traj.lrs)
    assert again["lr"].argmax() == 14  # the top at pct_start · total_steps − 1
    assert traj.hyper["lr"] == 0.05  # the optimizer's own settings, as given


def test_a_start_diverging_under_a_schedule_is_frozen_quietly():
    traj = run(HIMMELBLAU, "sgd", STARTS, 200, lr=0.001, schedule=("exponential", {"gamma": 1.2}))
    assert traj.diverged.all() and np.isfinite(traj.points).all()
    assert (traj.lrs[1:] > traj.lrs[:-1]).all()


# --- refusals, each a sentence --------------------------------------------------------------------

BAD = [
    ("cosin", "unknown schedule 'cosin'; choose one of step, multistep, exponential, cosine"),
    (("cosine", {"T_0": 3}), r"cosine has no argument T_0 \(it has T_max, eta_min\)"),
    (("step", {"gamma": -0.1}), "step's gamma must be ≥ 0"),
    (("exponential", {"gamma": -2}), "exponential's gamma must be ≥ 0"),
    (("step", {"step_size": 2.5}), "step's step_size must be a whole number, got 2.5"),
    (("step", {"step_size": 0}), "step's step_size must be a whole number ≥ 1, got 0"),
    (("cosine", {"T_max": 0}), "cosine's T_max must be a whole number ≥ 1, got 0"),
    (("cosine", {"eta_min": -1e-3}), "cosine's eta_min must be ≥ 0, got -0.001"),
    (("cosine", {"T_max": float("nan")}), "cosine's T_max must be a finite number"),
    (("cosine_restarts", {"T_0": 10, "T_mult": 0}), "T_mult must be a whole number ≥ 1"),
    (("linear", {"start_factor": 0.0}), r"linear's start_factor must be in \(0, 1\]"),
    (("linear", {"end_factor": 1.5}), r"linear's end_factor must be in \[0, 1\]"),
    (("constant", {"factor": 0.0}), r"constant's factor must be in \(0, 1\]"),
    (("polynomial", {"power": -1.0}), "polynomial's power must be ≥ 0"),
    (("multistep", {"milestones": [10, -5]}), "multistep's milestones must be ≥ 0"),
    (("onecycle", {"total_steps": 30}), r"total_steps \(30\) is fewer than the run's 40 steps: torch raises"),
    (("onecycle", {"pct_start": 1 / 64, "total_steps": 64, "cycle_momentum": False}), "first phase is empty"),
    (("onecycle", {"anneal_strategy": "cosine"}), "anneal_strategy must be one of 'cos', 'linear'"),
    (("onecycle", {"three_phase": "yes"}), "three_phase must be True or False"),
    (("onecycle", {"max_lr": -1.0}), r"onecycle's max_lr must be ≥ 0, got -1.0"),
    (("sequential", {"milestones": []}), "one milestone fewer than schedulers: 2 schedulers, 0 milestones"),
    (("sequential", {"schedulers": [("linear", {}), ("cosine", {})], "milestones": [5, 3]}), "one milestone fewer"),
    (
        ("sequential", {"schedulers": [("linear", {}), ("cosine", {}), ("step", {})], "milestones": [9, 3]}),
        r"milestones must be increasing steps ≥ 0, got \[9, 3\]",
    ),
    (("sequential", {"schedulers": [("linear", {}), ("onecycle", {})]}), "onecycle cannot be one of its schedulers"),
    (("sequential", {"schedulers": [("linear", {}), ("cosine", {"T_max": -4})]}), "cosine's T_max"),
    (("cosine", 5), r"a schedule is a name or a \(name, kwargs\) pair, got \('cosine', 5\)"),
]


@pytest.mark.parametrize(("schedule", "message"), BAD)
def test_bad_schedules_are_refused_with_a_sentence(schedule, message):
    with pytest.raises(ValueError, match=message) as caught:
        run(HIMMELBLAU, "momentum", STARTS, 40, lr=0.01, schedule=schedule)
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError, match=message):
        schedule_table(schedule, OPTIMIZERS["momentum"].resolve({"lr": 0.01}), 40)


def test_onecycle_refuses_to_cycle_momentum_an_optimizer_without_it():
    for optimizer in ("sgd", "adagrad", "adadelta"):
        with pytest.raises(ValueError, match="turn cycle_momentum off, or choose one that has .*Momentum"):
            run(HIMMELBLAU, optimizer, STARTS, 40, schedule="onecycle")
        run(HIMMELBLAU, optimizer, STARTS, 40, schedule=("onecycle", {"cycle_momentum": False}))


def test_onecycle_keeps_beta1_below_one():
    with pytest.raises(ValueError, match=r"max_momentum must be in \[0, 1\) \(it becomes β1\), got 1.0"):
        run(HIMMELBLAU, "adam", STARTS, 40, schedule=("onecycle", {"max_momentum": 1.0}))
    run(HIMMELBLAU, "momentum", STARTS, 40, schedule=("onecycle", {"max_momentum": 1.0}))  # SGD takes μ = 1


def test_a_max_lr_per_start_must_fit_the_starts():
    with pytest.raises(ValueError, match=r"the scheduled lr of shape \(3, 1\) does not broadcast"):
        run(HIMMELBLAU, "momentum", STARTS, 40, schedule=("onecycle", {"max_lr": np.ones((3, 1))}))


def test_schedules_are_exported():
    assert gdviz.SCHEDULES is SCHEDULES and "SCHEDULES" in gdviz.__all__
