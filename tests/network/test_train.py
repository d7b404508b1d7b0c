"""Tests for gdviz/network/train.py: torch's runs to 1e-9, the linear case, records, divergence, refusals.

The reference is tests/fixtures/mlp_refs.npz (tests/fixtures/make_mlp_refs.py): torch autograd and
torch.optim training 12 networks, float64, 100 steps each, on 60 spiral points of 3 classes, from the
initial parameters gdviz documents as its default (drawn there with numpy, independently of gdviz).
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from gdviz import MLPRun, train_linear, train_mlp
from gdviz.linear.data import add_bias, spiral
from gdviz.network import flatten, init_params, loss_and_grads
from gdviz.network.train import NOT_FOR_NETWORKS
from gdviz.optimizers import OPTIMIZERS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
META = json.loads((FIXTURES / "mlp_refs.json").read_text())
REF = np.load(FIXTURES / "mlp_refs.npz")
X, Y = REF["data/X"], REF["data/y"]
CASES = {case["key"]: case for case in META["cases"]}


def _layers(key: str, name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    arrays = [REF[f"{key}/{name}_{j}"] for j in range(2 * (len(CASES[key]["hidden"]) + 1))]
    return list(zip(arrays[::2], arrays[1::2], strict=True))


def _settings(case: dict) -> dict:
    schedule = tuple(case["schedule"]) if case["schedule"] else None
    return {
        "hidden": tuple(case["hidden"]), "activation": case["activation"], "loss": case["loss"],
        "optimizer": case["optimizer"], "steps": META["steps"], "batch_size": case["batch_size"],
        "reg": case["reg"], "seed": case["seed"], "schedule": schedule, **case["hyper"],
    }  # fmt: skip


def _assert_params_close(actual, expected, rtol=1e-9):
    assert len(actual) == len(expected)
    for (W, b), (W_ref, b_ref) in zip(actual, expected, strict=True):
        np.testing.assert_allclose(W, W_ref, rtol=rtol, atol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=rtol, atol=1e-12)


# --- against torch ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(CASES))
def test_a_run_is_torchs(key):
    """Losses before each update and the final parameters, to 1e-9, with the default initialization:
    tanh, relu, sigmoid and linear; softmax and the hinge; nine optimizers; reg; two schedules; mini-batches."""
    run = train_mlp(X, Y, **_settings(CASES[key]))
    assert run.reason == "steps" and run.iterations == META["steps"]
    np.testing.assert_allclose(run.losses, REF[f"{key}/losses"], rtol=1e-9, atol=0)
    _assert_params_close(run.params, _layers(key, "final"))
    np.testing.assert_allclose(run.lrs, REF[f"{key}/lr"], rtol=1e-12, atol=0)


@pytest.mark.parametrize("key", list(CASES))
def test_the_default_initialization_is_the_documented_one(key):
    """torch.nn.Linear's bounds, W then b per layer, from the first of SeedSequence(seed).spawn(2):
    the fixture drew them with numpy itself, so passing them changes nothing, bit for bit."""
    case = CASES[key]
    rng = np.random.default_rng(np.random.SeedSequence(case["seed"]).spawn(2)[0])
    drawn = init_params((2, *case["hidden"], 3), rng)
    for mine, theirs in zip(drawn, _layers(key, "params0"), strict=True):
        np.testing.assert_array_equal(mine[0], theirs[0])
        np.testing.assert_array_equal(mine[1], theirs[1])
    given = train_mlp(X, Y, **{**_settings(case), "steps": 5}, params=_layers(key, "params0"))
    default = train_mlp(X, Y, **{**_settings(case), "steps": 5})
    np.testing.assert_array_equal(given.losses, default.losses)


@pytest.mark.parametrize("key", [key for key, case in CASES.items() if case["batch_size"] is None])
def test_the_gradient_at_the_start_is_autograds(key):
    case = CASES[key]
    loss, grads = loss_and_grads(
        _layers(key, "params0"), X, Y, activation=case["activation"], loss=case["loss"], reg=case["reg"]
    )
    assert loss == pytest.approx(float(REF[f"{key}/losses"][0]), rel=1e-12)
    _assert_params_close(grads, _layers(key, "grad"), rtol=1e-10)


def test_the_callers_params_are_not_changed():
    key = "case00_8_tanh_softmax_sgd"
    params = _layers(key, "params0")
    before = [(W.copy(), b.copy()) for W, b in params]
    train_mlp(X, Y, **{**_settings(CASES[key]), "steps": 10}, params=params)
    for (W, b), (W0, b0) in zip(params, before, strict=True):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


# --- no hidden layer: the linear classifier ------------------------------------------------------------


@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_no_hidden_layer_is_train_linear(loss, batch_size, optimizer):
    """hidden=() with (W, b) is train_linear with W stacked over b and the bias column: the same losses,
    weights and (same seed) mini-batches; the flat parameter vector is W's rows then b, which is the
    row-major order of the stacked W, so even the optimizer's arithmetic is the same. (X @ W + b and the
    bias column round apart by ~1e-16; sgd and momentum keep that small, Adam's g / √v grows it where g ≈ 0.)"""
    rng = np.random.default_rng(3)
    W, b = 0.1 * rng.standard_normal((2, 3)), 0.1 * rng.standard_normal(3)
    settings = {"loss": loss, "optimizer": optimizer, "steps": 80, "batch_size": batch_size, "seed": 5, "lr": 0.05}
    net = train_mlp(X, Y, hidden=(), params=[(W, b)], **settings)
    linear = train_linear(add_bias(X), Y, W0=np.vstack([W, b]), **settings)
    np.testing.assert_allclose(net.losses, linear.losses, rtol=1e-12, atol=0)
    np.testing.assert_allclose(np.vstack(net.params[0]), linear.W, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(net.eval_steps, linear.eval_steps)
    np.testing.assert_allclose(net.train_loss, linear.eval_loss, rtol=1e-12)
    np.testing.assert_array_equal(net.train_acc, linear.eval_acc)
    assert net.epochs == linear.epochs


def test_with_reg_the_linear_case_differs_by_the_bias_penalty_only():
    """train_linear regularizes the bias row (CS231n's bias trick); a network never regularizes b."""
    rng = np.random.default_rng(4)
    W, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    net = train_mlp(X, Y, hidden=(), params=[(W, b)], optimizer="sgd", steps=1, reg=0.3)
    linear = train_linear(add_bias(X), Y, W0=np.vstack([W, b]), loss="softmax", optimizer="sgd", steps=1, reg=0.3)
    assert linear.losses[0] - net.losses[0] == pytest.approx(0.3 * np.sum(b * b), rel=1e-12)


# --- records ------------------------------------------------------------------------------------------


def _spiral_run(**settings) -> MLPRun:
    return train_mlp(X, Y, **{"hidden": (8,), "optimizer": "adam", "steps": 120, "lr": 0.02, **settings})


def test_full_batch_evaluations_are_the_losses_at_the_snapshots():
    run = _spiral_run(snapshots=7)
    np.testing.assert_array_equal(run.snapshot_steps, [0, 20, 40, 60, 80, 100, 120])
    np.testing.assert_array_equal(run.eval_steps, run.snapshot_steps)
    np.testing.assert_array_equal(run.train_loss[:-1], run.losses[run.eval_steps[:-1]])
    assert run.test_loss is None and run.test_acc is None
    for i in range(len(run.snapshot_steps)):
        layers = [(W[i], b[i]) for W, b in run.snapshot_params]
        assert run.snapshot_loss[i] == pytest.approx(loss_and_grads(layers, X, Y, activation="tanh", loss="softmax")[0])
    for (W, b), (W_k, b_k) in zip(run.params, run.snapshot_params, strict=True):
        np.testing.assert_array_equal(W, W_k[-1])
        np.testing.assert_array_equal(b, b_k[-1])
    assert run.snapshot_params[0][0].shape == (7, 2, 8) and run.snapshot_params[1][1].shape == (7, 3)


def test_a_snapshot_is_the_run_stopped_there():
    run = _spiral_run(snapshots=[37, 5])
    np.testing.assert_array_equal(run.snapshot_steps, [0, 5, 37, 120])
    shorter = _spiral_run(steps=37)
    for (W, b), (W_k, b_k) in zip(shorter.params, run.snapshot_params, strict=True):
        np.testing.assert_array_equal(W, W_k[2])
        np.testing.assert_array_equal(b, b_k[2])


def test_every_and_test_data():
    test = spiral(n=90, noise=0.2, seed=1)
    run = _spiral_run(every=25, X_test=test.X, y_test=test.y)
    np.testing.assert_array_equal(run.eval_steps, [0, 25, 50, 75, 100, 120])
    assert run.test_loss.shape == run.test_acc.shape == (6,)
    at_end = loss_and_grads(list(run.params), test.X, test.y, activation="tanh", loss="softmax")[0]
    assert run.test_loss[-1] == pytest.approx(at_end, rel=1e-12)
    assert run.train_acc[-1] > 0.6 and run.test_acc[-1] > 0.5 and run.test_loss[-1] < run.test_loss[0]


def test_mini_batch_scores_the_full_data_once_per_epoch():
    run = _spiral_run(batch_size=16, steps=40)  # 4 batches an epoch, the last of 12 rows
    np.testing.assert_array_equal(run.eval_steps, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40])
    assert run.epochs == 10 and run.epochs_at(5) == pytest.approx(1 + 16 / 60)


def test_determinism_by_seed():
    a, b, c = _spiral_run(batch_size=8), _spiral_run(batch_size=8), _spiral_run(batch_size=8, seed=1)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


# --- divergence ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "cause"),
    [
        ({"optimizer": "sgd", "lr": 1e6, "loss": "svm"}, "over 1e6 × max(1, the starting loss"),
        ({"optimizer": "momentum", "lr": 1e5, "activation": "relu"}, "over 1e6 × max(1, the starting loss"),
        ({"optimizer": "sgd", "lr": 1e307, "activation": "linear", "scale": 1000}, "the weights overflowed"),
        ({"optimizer": "sgd", "lr": 1e6, "batch_size": 16}, "over 1e6 × max(1, the starting loss"),
    ],
)
def test_divergence_is_reported_not_raised(settings, cause):
    settings = dict(settings)
    scale = settings.pop("scale", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = train_mlp(scale * X, Y, **{"hidden": (8, 8), "steps": 50, **settings})
    assert run.reason == "diverged" and run.diverged and cause in run.cause
    k = run.diverged_at
    assert 1 <= k <= 50 and run.iterations == k and run.losses.shape == (k,)
    assert run.cause.startswith(f"update {k}: ")
    assert run.snapshot_steps[-1] == run.eval_steps[-1] == k - 1  # θ kept from just before update k
    for (W, b), (W_k, b_k) in zip(run.params, run.snapshot_params, strict=True):
        np.testing.assert_array_equal(W, W_k[-1])
        np.testing.assert_array_equal(b, b_k[-1])
    for name in ("losses", "train_loss", "train_acc", "snapshot_loss", "snapshot_acc"):
        assert np.isfinite(getattr(run, name)).all(), name
    assert all(np.isfinite(a).all() for layer in run.params for a in layer)


def test_a_run_that_does_not_diverge_says_so():
    run = _spiral_run()
    assert run.diverged_at is None and not run.diverged and run.reason == "steps" and run.cause == ""


# --- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"activation": "gelu"}, "unknown activation 'gelu'; choose one of relu, tanh, sigmoid, linear"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"optimizer": "lamb"}, "unknown optimizer 'lamb'"),
        ({"hidden": 8}, r"hidden is a tuple of layer widths, such as \(8,\)"),
        ({"hidden": (8, 0)}, "every layer needs a whole number ≥ 1 of units"),
        ({"every": 0}, "every must be a whole number ≥ 1"),
        ({"snapshots": 1}, "snapshots must be a whole number from 2 to 1001"),
        ({"snapshots": [3, 500]}, "snapshot steps must be whole numbers from 0 to steps = 120"),
        ({"lr": np.array([[0.1], [0.2]])}, "a network trains with one learning rate"),
        ({"X_test": np.zeros((3, 2))}, "give both X_test and y_test, or neither"),
        ({"X_test": np.zeros((3, 4)), "y_test": np.arange(3)}, "X_test has 4 features but X has 2"),
        ({"params": [(np.zeros((2, 8)), np.zeros(8)), (np.zeros((8, 3)), np.zeros(3))], "hidden": (5,)},
         r"params have hidden layers \(8,\) but hidden is \(5,\)"),
        ({"params": [(np.zeros((2, 8)), np.zeros(8)), (np.zeros((7, 3)), np.zeros(3))]},
         r"layer 2 must have W of shape \(8, fan_out\)"),
        ({"params": [(np.zeros((2, 2)), np.zeros(2))], "hidden": ()}, "label 2 is out of range for params with 2"),
        ({"params": [(np.full((2, 3), np.nan), np.zeros(3))], "hidden": ()}, "layer 1 holds non-finite values"),
        ({"params": [(np.full((2, 3), 1e300), np.zeros(3))], "hidden": (), "reg": 1.0},
         "the loss at the initial params is not finite"),
        ({"batch_size": 61}, "batch size 61 is larger than the 60 examples"),
        ({"schedule": "warmup"}, "unknown schedule 'warmup'"),
    ],
)  # fmt: skip
def test_settings_errors(change, message):
    with pytest.raises(ValueError, match=message):
        _spiral_run(**change)


# --- one flat vector against torch's per-tensor updates ------------------------------------------------

REDUCING = {"adafactor"}  # rules that reduce over their tensor: the module docstring names them


@pytest.mark.parametrize("optimizer", [name for name in OPTIMIZERS if name not in NOT_FOR_NETWORKS])
def test_one_flat_vector_is_torchs_per_tensor_update_for_elementwise_rules(optimizer):
    """torch steps each parameter tensor on its own; train_mlp steps them as one vector. For an elementwise
    rule the two are the same arithmetic, bit for bit, over several steps; for a reducing one they differ
    (so the documentation stays true when a rule is added)."""
    rng = np.random.default_rng(0)
    layers = init_params((2, 8, 3), rng)
    grads = [[(rng.standard_normal(W.shape), rng.standard_normal(b.shape)) for W, b in layers] for _ in range(4)]
    opt = OPTIMIZERS[optimizer](lr=0.01)
    theta = flatten(layers)
    state = opt.init(theta)
    tensors = [a for layer in layers for a in layer]
    states = [opt.init(a) for a in tensors]
    for g in grads:
        step, state = opt.update(flatten(g), state, theta)
        theta = theta + step
        flat_g = [a for layer in g for a in layer]
        steps = [opt.update(ga, s, a) for ga, s, a in zip(flat_g, states, tensors, strict=True)]
        states = [s for _, s in steps]
        tensors = [a + d for a, (d, _) in zip(tensors, steps, strict=True)]
    per_tensor = np.concatenate([a.ravel() for a in tensors])
    if optimizer in REDUCING:
        assert np.abs(theta - per_tensor).max() > 1e-6
    else:
        np.testing.assert_array_equal(theta, per_tensor)


@pytest.mark.parametrize("optimizer", [name for name in NOT_FOR_NETWORKS if name in OPTIMIZERS])
def test_an_optimizer_for_points_only_is_refused_in_a_sentence(optimizer):
    with pytest.raises(ValueError, match=f"{optimizer} cannot train a network: "):
        _spiral_run(optimizer=optimizer)
