"""Tests for gdviz/export.py: rows hold the runs' own numbers, CSV reads back bit for bit, JSON is strict,
and the exported settings reproduce the run they came with.
"""

import csv
import io
import json
import math

import numpy as np
import pytest

from gdviz import SURFACES, custom_surface, parse_expression, run
from gdviz.autodiff.circuits import CIRCUITS
from gdviz.export import (
    FORMAT,
    backprop_rows,
    batch_rows,
    fan_rows,
    gradcheck_rows,
    hsweep_rows,
    linear_rows,
    linear_settings,
    plain,
    race_arrays,
    race_rows,
    race_settings,
    search_rows,
    to_csv,
    to_json,
)
from gdviz.linear.data import DATASETS_2D, add_bias
from gdviz.linear.gradcheck import check_loss, h_sweep
from gdviz.linear.losses import LOSSES
from gdviz.linear.search import compare_search
from gdviz.linear.train import train_linear
from gdviz.ui.race.controls import RaceSettings

RACE_HYPER = {"sgd": {"lr": 0.01}, "momentum": {"lr": 0.01, "momentum": 0.9}, "adam": {"lr": 0.1}}
RACE_COLUMNS = ["optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "step_x", "step_y", "lr"]


def strict_loads(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity (Python's json accepts them by default)."""

    def refuse(token):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def same(a, b) -> bool:
    """Equal to the last bit, NaN equal to NaN."""
    return (math.isnan(a) and math.isnan(b)) if isinstance(a, float) and math.isnan(a) else a == b


def read_back(text: str, rows: list[dict]) -> None:
    """Every cell of the CSV parses back to the row's value exactly (floats by float(), ints by int())."""
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(rows) and list(parsed[0]) == list(rows[0])
    for got, want in zip(parsed, rows, strict=True):
        for k, v in want.items():
            if v is None:
                assert got[k] == ""
            elif isinstance(v, float):
                assert same(float(got[k]), v), (k, got[k], v)
            elif isinstance(v, int):
                assert int(got[k]) == v
            else:
                assert got[k] == v


@pytest.fixture(scope="module")
def race():
    s = SURFACES["himmelblau"]
    return s, {name: run(s, name, s.start, 120, **h) for name, h in RACE_HYPER.items()}


def test_race_rows_are_the_trajectories_numbers(race):
    _, runs = race
    rows = race_rows(runs)
    assert len(rows) == 3 * 121 and list(rows[0]) == RACE_COLUMNS
    assert [r["optimizer"] for r in rows[::121]] == ["sgd", "momentum", "adam"]
    adam = [r for r in rows if r["optimizer"] == "adam"]
    t = runs["adam"]
    assert [r["step"] for r in adam] == list(range(121))
    assert np.array_equal([[r["x"], r["y"]] for r in adam], t.points)
    assert np.array_equal([r["loss"] for r in adam], t.losses)
    assert np.array_equal([[r["grad_x"], r["grad_y"]] for r in adam[:-1]], t.grads)
    assert np.array_equal([[r["step_x"], r["step_y"]] for r in adam[:-1]], t.steps)
    assert [r["lr"] for r in adam[:-1]] == [0.1] * 120  # no schedule: the optimizer's own, step after step
    assert all(math.isnan(adam[-1][k]) for k in ("grad_x", "grad_y", "step_x", "step_y", "lr"))  # no step from the end
    assert all(type(v) in (str, int, float) for r in rows for v in r.values())  # plain Python, no numpy


def test_a_batched_run_contributes_its_first_start_and_fans_every_start():
    s = SURFACES["rosenbrock"]
    starts = np.array([[-1.0, 1.0], [1.5, -0.5], [0.0, 2.0]])
    batch = run(s, "momentum", starts, 30, noise=1.0, seed=3)
    rows = race_rows({"momentum": batch})
    assert len(rows) == 31 and np.array_equal([[r["x"], r["y"]] for r in rows], batch.points[:, 0])
    fans = fan_rows({"momentum": batch})
    assert len(fans) == 3 * 31 and [r["member"] for r in fans[::31]] == [0, 1, 2]
    assert np.array_equal([[r["x"], r["y"]] for r in fans if r["member"] == 2], batch.points[:, 2])


def test_csv_reads_back_bit_for_bit(race):
    _, runs = race
    rows = race_rows(runs)
    text = to_csv(rows)
    assert text.splitlines()[0] == ",".join(RACE_COLUMNS)
    read_back(text, rows)


def test_csv_writes_nan_inf_none_and_arrays_plainly():
    rows = [{"a": float("nan"), "b": float("inf"), "c": -np.inf, "d": None, "e": np.float32(0.1), "f": np.arange(2)}]
    text = to_csv(rows + [{"a": 1.0, "g": "late key"}])
    header, first, second = text.splitlines()
    assert header == "a,b,c,d,e,f,g" and first == 'nan,inf,-inf,,0.10000000149011612,"[0, 1]",'
    assert second == "1.0,,,,,,late key"
    assert float("0.10000000149011612") == np.float32(0.1)  # float32 widened exactly
    assert to_csv([]) == ""


def test_race_json_is_strict_and_its_settings_reproduce_the_race(race):
    s, runs = race
    fields = dict(surface="himmelblau", condition=10.0, formula="", extent=0.0, optimizers=tuple(RACE_HYPER))
    more = dict(start=tuple(s.start), steps=120, log_loss=True, noise=0.0, seeds=8, seed=0, view="Race")
    settings = RaceSettings(**fields, hyper=RACE_HYPER, **more)
    text = to_json(race_settings(settings, runs), {"paths": race_rows(runs), "arrays": race_arrays(runs)}, page="race")
    doc = strict_loads(text)
    assert doc["gdviz"] == FORMAT and doc["page"] == "race"
    got = doc["settings"]
    assert got["hyper"]["adam"]["betas"] == [0.9, 0.999]  # resolved: torch's defaults filled in
    assert doc["run"]["paths"][120]["grad_x"] is None  # NaN (no step from the end) became null
    assert doc["run"]["arrays"]["sgd"]["reason"] == "max steps"
    for name in got["optimizers"]:
        hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in got["hyper"][name].items()}
        surface, start = SURFACES[got["surface"]], got["start"]
        again = run(surface, name, start, got["steps"], noise=got["noise"], seed=got["seed"], **hyper)
        assert np.array_equal(doc["run"]["arrays"][name]["points"], again.points)


def test_a_run_that_leaves_its_formula_encodes_cleanly():
    s = custom_surface("log(x) + y**2", ((-3, 3), (-3, 3)))
    t = run(s, "sgd", (-1.0, 1.0), 10, lr=5.0)  # a start where log has no value: it diverges at step 0
    assert not np.isfinite(t.losses).any()
    rows = race_rows({"sgd": t})
    read_back(to_csv(rows), rows)
    doc = strict_loads(to_json({"formula": "log(x) + y**2"}, race_arrays({"sgd": t}), page="race"))
    losses = doc["run"]["sgd"]["losses"]
    assert None in losses and all(v is None or math.isfinite(v) for v in losses)


def test_plain_unwraps_numpy_and_refuses_what_json_cannot_say():
    value = {"i": np.int64(3), "b": np.bool_(True), "x": np.float32(0.5), "t": (1, np.array([np.inf, 2.0])), 1: "k"}
    assert plain(value) == {"i": 3, "b": True, "x": 0.5, "t": [1, [None, 2.0]], "1": "k"}
    assert type(plain(value)["i"]) is int
    with pytest.raises(TypeError):
        plain({"z": 1j})
    with pytest.raises(TypeError):
        plain(object())


@pytest.fixture(scope="module")
def blobs():
    d = DATASETS_2D["blobs"].build(n=120, noise=0.25, seed=0)
    return add_bias(d.X), d.y


@pytest.mark.parametrize("batch_size", [None, 16])
def test_linear_rows_and_settings_reproduce_the_training(blobs, batch_size):
    X, y = blobs
    r = train_linear(X, y, loss="svm", optimizer="momentum", steps=40, batch_size=batch_size, reg=1e-3, seed=2, lr=0.1)
    rows = linear_rows(r)
    assert [row["iteration"] for row in rows] == list(range(41))
    assert [row["batch_loss"] for row in rows[:-1]] == r.losses.tolist() and rows[-1]["batch_loss"] is None
    scored = [row["iteration"] for row in rows if row["full_loss"] is not None]
    assert scored == r.eval_steps.tolist()
    assert [rows[t]["accuracy"] for t in scored] == r.eval_acc.tolist()
    assert (batch_size is None) == (len(scored) == 41)  # mini-batch scores the full data once per epoch
    read_back(to_csv(rows), rows)
    s = strict_loads(to_json(linear_settings(r, {"name": "blobs", "n": 120}), rows, page="linear"))["settings"]
    training = {k: s[k] for k in ("loss", "optimizer", "steps", "batch_size", "reg", "seed")}
    again = train_linear(X, y, **training, **s["hyper"])
    assert np.array_equal(again.losses, r.losses)


def test_a_diverged_training_exports_up_to_where_it_stopped(blobs):
    X, y = blobs
    r = train_linear(X, y, loss="softmax", optimizer="sgd", steps=60, reg=1.0, lr=1.5)  # W grows ×2 per step
    assert r.diverged
    rows = linear_rows(r)
    assert len(rows) == r.diverged_at + 1 and [row["batch_loss"] for row in rows[:-1]] == r.losses.tolist()
    assert rows[-1]["full_loss"] is None and rows[-2]["full_loss"] == r.final_loss  # W kept from before the blow-up
    strict_loads(to_json({}, rows, page="linear"))


def test_batch_rows_put_each_batch_size_on_its_epochs(blobs):
    X, y = blobs
    runs = {b: train_linear(X, y, loss="softmax", optimizer="sgd", steps=30, batch_size=b, lr=0.5) for b in (120, 30)}
    rows = batch_rows({"full": runs[120], "30": runs[30]})
    assert len(rows) == 60 and [r["batch"] for r in rows[::30]] == ["full", "30"]
    assert rows[29]["epoch"] == 29.0 and rows[59]["epoch"] == 29 / 4  # 4 batches of 30 make an epoch
    assert [r["batch_loss"] for r in rows[30:]] == runs[30].losses.tolist()


def test_search_rows_are_each_strategys_curve():
    rng = np.random.default_rng(0)
    X, y = np.hstack([rng.standard_normal((80, 6)), np.ones((80, 1))]), rng.integers(0, 4, 80)
    runs = compare_search(X, y, 60, seed=1)
    rows = search_rows(runs)
    assert len(rows) == sum(len(r.evaluations) for r in runs.values())
    grad = [r for r in rows if r["strategy"] == "gradient"]
    assert [r["evaluations"] for r in grad] == runs["gradient"].evaluations.tolist()
    assert [r["best_loss"] for r in grad] == runs["gradient"].best_loss.tolist()
    read_back(to_csv(rows), rows)


def test_gradcheck_and_h_sweep_rows(blobs):
    X, y = blobs
    W = 0.01 * np.random.default_rng(0).standard_normal((3, 3))
    check = check_loss(LOSSES["softmax"], W, X, y, 0.1, num_checks=5, seed=4)
    rows = gradcheck_rows(check)
    assert [(r["i"], r["j"]) for r in rows] == list(check.indices)
    assert [r["rel_error"] for r in rows] == check.rel_errors.tolist()
    _, dW = LOSSES["softmax"](W, X, y, 0.1)
    hs = np.array([1e-2, 1e-5, 1e-9])
    sweeps = {m: h_sweep(lambda w: LOSSES["softmax"](w, X, y, 0.1)[0], W, dW, hs, m) for m in ("forward", "centered")}
    sweep = hsweep_rows(sweeps)
    assert [(r["method"], r["h"]) for r in sweep] == [(m, h) for m in ("forward", "centered") for h in hs.tolist()]
    assert [r["median_error"] for r in sweep[3:]] == sweeps["centered"].median_error.tolist()


def test_backprop_rows_tell_the_lectures_circuit():
    c = CIRCUITS["add_multiply"]  # (x + y) * z at x = -2, y = 5, z = -4
    e = parse_expression(c.text)
    steps = e.steps(c.values)
    rows = backprop_rows(e.graph(c.values), steps)
    assert [r["step"] for r in rows] == list(range(1, len(steps) + 1))
    forward = [r for r in rows if r["phase"] == "forward"]
    assert [(r["node"], r["value"]) for r in forward][-1] == ("f", -12.0)
    edges = {r["edge"]: r for r in rows if r["edge"]}
    assert set(edges) == {"a -> f", "z -> f", "x -> a", "y -> a"}
    assert (edges["z -> f"]["local"], edges["z -> f"]["upstream"], edges["z -> f"]["grad"]) == (3.0, 1.0, 3.0)
    assert edges["x -> a"]["grad"] == -4.0 and edges["x -> a"]["gate"].startswith("add distributes")
    assert all(r["local"] is None for r in forward)
    doc = strict_loads(to_json({"formula": c.text, "values": c.values}, rows, page="backprop"))
    assert doc["run"][-1]["text"] == rows[-1]["text"] and "∂" in doc["run"][-1]["text"]
    read_back(to_csv(rows), rows)


WARMUP = ("sequential", {"schedulers": (("linear", {"total_iters": 10}), ("cosine", {})), "milestones": (10,)})


def test_a_scheduled_race_exports_each_steps_lr_and_its_schedule_reproduces_it():
    s = SURFACES["himmelblau"]
    runs = {"sgd": run(s, "sgd", s.start, 40, lr=0.01, schedule=WARMUP), "adam": run(s, "adam", s.start, 40, lr=0.1)}
    rows = race_rows(runs)
    sgd = [r for r in rows if r["optimizer"] == "sgd"]
    assert np.array_equal([r["lr"] for r in sgd[:-1]], runs["sgd"].lrs)
    assert sgd[0]["lr"] == pytest.approx(0.01 / 3) and sgd[10]["lr"] == 0.01  # warming up, then the full lr
    read_back(to_csv(rows), rows)
    fields = dict(surface="himmelblau", condition=10.0, formula="", extent=0.0, optimizers=("sgd", "adam"))
    more = dict(start=tuple(s.start), steps=40, log_loss=True, noise=0.0, seeds=8, seed=0, view="Race")
    settings = RaceSettings(
        **fields, hyper={"sgd": {"lr": 0.01}, "adam": {"lr": 0.1}}, **more, schedules={"sgd": WARMUP}
    )
    doc = strict_loads(to_json(race_settings(settings, runs), {"arrays": race_arrays(runs)}, page="race"))
    got = doc["settings"]["schedules"]
    assert got["adam"] is None and got["sgd"][0] == "sequential"
    name, kwargs = got["sgd"]
    parts = tuple((n, a) for n, a in kwargs["schedulers"])
    again = run(s, "sgd", s.start, 40, lr=0.01, schedule=(name, {**kwargs, "schedulers": parts}))
    assert np.array_equal(again.points, runs["sgd"].points)  # the resolved schedule, read back, is the same run
    assert doc["run"]["arrays"]["sgd"]["lrs"] == runs["sgd"].lrs.tolist()
    assert doc["run"]["arrays"]["sgd"]["schedule"] == got["sgd"]


def test_a_scheduled_training_exports_each_updates_lr_and_its_schedule(blobs):
    X, y = blobs
    r = train_linear(X, y, loss="softmax", optimizer="sgd", steps=30, lr=0.5, schedule=("step", {"step_size": 10}))
    rows = linear_rows(r)
    assert [row["lr"] for row in rows[:-1]] == r.lrs.tolist() and rows[-1]["lr"] is None
    assert rows[9]["lr"] == 0.5 and rows[10]["lr"] == pytest.approx(0.05)
    read_back(to_csv(rows), rows)
    s = strict_loads(to_json(linear_settings(r, {"name": "blobs"}), rows, page="linear"))["settings"]
    assert s["schedule"] == ["step", {"step_size": 10, "gamma": 0.1}]
    training = {k: s[k] for k in ("loss", "optimizer", "steps", "batch_size", "reg", "seed")}
    again = train_linear(X, y, **training, **s["hyper"], schedule=tuple(s["schedule"]))
    assert np.array_equal(again.losses, r.losses)
