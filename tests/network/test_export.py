"""gdviz.export's network tables: the history and the parameters read back bit for bit from CSV, the JSON is
strict, and its settings reproduce the training they came with."""

import numpy as np
import pytest

from gdviz import train_mlp
from gdviz.export import network_param_rows, network_rows, network_run, network_settings, to_csv, to_json
from gdviz.linear.data import spiral, train_test_split

from ..test_export import read_back, strict_loads

DATA = spiral(n=60, noise=0.2, seed=0)
TRAIN, TEST = train_test_split(DATA, test_fraction=0.25, seed=0)
PAGE_DATA = {"dataset": "spiral", "noise": 0.2, "split": 0.25, "features": ["x", "y"], "seed": 0}


def train(batch_size=None, **more):
    settings = dict(hidden=(6, 4), activation="tanh", loss="svm", optimizer="adam", steps=30, reg=1e-3, seed=3)
    settings |= dict(batch_size=batch_size, schedule=("step", {"step_size": 10}), lr=0.05) | more
    return train_mlp(TRAIN.X, TRAIN.y, X_test=TEST.X, y_test=TEST.y, **settings)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_network_rows_hold_the_runs_numbers(batch_size):
    run = train(batch_size)
    rows = network_rows(run)
    assert [r["iteration"] for r in rows] == list(range(31))
    assert [r["batch_loss"] for r in rows[:-1]] == run.losses.tolist() and rows[-1]["batch_loss"] is None
    assert [r["lr"] for r in rows[:-1]] == run.lrs.tolist() and rows[10]["lr"] == pytest.approx(0.005)
    scored = [r["iteration"] for r in rows if r["train_loss"] is not None]
    assert scored == run.eval_steps.tolist() and (batch_size is None) == (len(scored) == 31)  # or once per epoch
    for key, values in (("train_loss", run.train_loss), ("train_acc", run.train_acc), ("test_loss", run.test_loss),
                        ("test_acc", run.test_acc)):  # fmt: skip
        assert [rows[t][key] for t in scored] == values.tolist()
    assert all(r["test_acc"] is None for r in rows if r["iteration"] not in scored)
    assert rows[-1]["epoch"] == run.epochs and rows[1]["epoch"] == (1 if batch_size is None else 16 / len(TRAIN.y))
    read_back(to_csv(rows), rows)


def test_without_a_test_set_its_columns_are_empty():
    run = train_mlp(TRAIN.X, TRAIN.y, hidden=(4,), steps=5, lr=0.1)
    rows = network_rows(run)
    assert all(r["test_loss"] is None and r["test_acc"] is None for r in rows)
    assert rows[0]["train_loss"] == run.train_loss[0]


def test_the_parameters_read_back_exactly():
    run = train()
    rows = network_param_rows(run.params)
    assert len(rows) == sum(a.size for layer in run.params for a in layer) == 2 * 6 + 6 + 6 * 4 + 4 + 4 * 3 + 3
    assert rows[0] == {"layer": 1, "name": "W", "i": 0, "j": 0, "value": run.params[0][0][0, 0]}
    assert rows[-1] == {"layer": 3, "name": "b", "i": 2, "j": None, "value": run.params[2][1][2]}
    read_back(to_csv(rows), rows)
    for k, (W, b) in enumerate(run.params, start=1):
        got = np.zeros_like(W)
        for r in rows:
            if r["layer"] == k and r["name"] == "W":
                got[r["i"], r["j"]] = r["value"]
        np.testing.assert_array_equal(got, W)
        np.testing.assert_array_equal([r["value"] for r in rows if r["layer"] == k and r["name"] == "b"], b)


def test_the_json_is_strict_and_its_settings_reproduce_the_training():
    run = train(16)
    doc = strict_loads(to_json(network_settings(run, PAGE_DATA), network_run(run), page="network"))
    s, saved = doc["settings"], doc["run"]
    assert doc["page"] == "network" and s["data"] == PAGE_DATA
    assert s["hidden"] == [6, 4] and s["batch_size"] == 16 and s["schedule"][0] == "step"
    assert s["hyper"]["betas"] == [0.9, 0.999]  # every hyperparameter, torch's defaults filled in
    again = train_mlp(
        TRAIN.X, TRAIN.y, hidden=tuple(s["hidden"]), activation=s["activation"], loss=s["loss"],
        optimizer=s["optimizer"], steps=s["steps"], batch_size=s["batch_size"], reg=s["reg"], seed=s["seed"],
        schedule=tuple(s["schedule"]), **{k: tuple(v) if isinstance(v, list) else v for k, v in s["hyper"].items()},
    )  # fmt: skip
    np.testing.assert_array_equal(again.losses, run.losses)
    for layer, (W, b) in zip(saved["params"], run.params, strict=True):
        np.testing.assert_array_equal(layer["W"], W)  # JSON floats are repr: exact
        np.testing.assert_array_equal(layer["b"], b)
    assert saved["snapshots"]["steps"] == run.snapshot_steps.tolist()
    assert saved["reason"] == "steps" and saved["diverged_at"] is None and len(saved["history"]) == 31


def test_a_diverged_training_exports_up_to_where_it_stopped():
    run = train_mlp(TRAIN.X, TRAIN.y, hidden=(6,), activation="relu", steps=40, lr=1e6)
    assert run.diverged
    rows = network_rows(run)
    assert len(rows) == run.diverged_at + 1 and [r["batch_loss"] for r in rows[:-1]] == run.losses.tolist()
    doc = strict_loads(to_json({}, network_run(run), page="network"))
    assert doc["run"]["reason"] == "diverged" and doc["run"]["cause"] == run.cause
