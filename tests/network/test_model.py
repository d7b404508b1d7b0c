"""Tests for gdviz/network/model.py and activations.py: the numerical gradient, the linear case, the
forward pass of many snapshots at once and their decision regions. (Against torch: test_train.py.)"""

import warnings

import numpy as np
import pytest

from gdviz import numerical_gradient
from gdviz.linear.data import add_bias
from gdviz.linear.gradcheck import rel_error
from gdviz.linear.losses import LOSSES
from gdviz.network import (
    ACTIVATIONS,
    activation,
    decision_regions,
    flatten,
    forward,
    init_params,
    loss_and_grads,
    model,
    unflatten,
)


def _problem(hidden, seed=0, N=30, D=3, C=4):
    rng = np.random.default_rng(seed)
    params = init_params((D, *hidden, C), rng)
    return params, rng.standard_normal((N, D)), rng.integers(0, C, N)


def _margins(scores, y):
    m = scores - scores[np.arange(len(y)), y][:, None] + 1
    m[np.arange(len(y)), y] = np.inf
    return m


@pytest.mark.parametrize("act", list(ACTIVATIONS))
@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("hidden", [(5,), (4, 3)])
@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_gradients_pass_the_centered_numerical_check(act, loss, hidden, reg):
    """Every parameter's analytic gradient against gdviz.numerical_gradient (centered, h = 1e-5), away from
    the kinks of relu and the hinge (no pre-activation or margin within 1e-3 of 0: a nudge crosses none)."""
    params, X, y = _problem(hidden, seed=len(hidden) + 7 * (act == "relu"))
    sizes = (3, *hidden, 4)
    values = forward(params, X, act)
    if act == "relu":
        assert min(np.abs(z).min() for z in values.pre[:-1]) > 1e-3
    if loss == "svm":
        assert np.abs(_margins(values.scores, y)).min() > 1e-3
    _, grads = loss_and_grads(params, X, y, activation=act, loss=loss, reg=reg)
    theta = flatten(params)
    numerical = numerical_gradient(
        lambda t: loss_and_grads(unflatten(t, sizes), X, y, activation=act, loss=loss, reg=reg)[0], theta
    )
    # CS231n's 1e-7 relative error, above a floor of 1e-9: a loss ≈ 1 rounds to ~1e-16, ~1e-11 over 2h
    np.testing.assert_allclose(numerical, flatten(grads), rtol=1e-7, atol=1e-9)
    assert np.median(rel_error(numerical, flatten(grads))) < 1e-8


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_no_hidden_layer_is_the_linear_loss_with_the_bias_row(loss):
    (W, b), X, y = _problem((), seed=2)[0][0], *_problem((), seed=2)[1:]
    value, [(dW, db)] = loss_and_grads([(W, b)], X, y, activation="tanh", loss=loss)
    expected, dW_ref = LOSSES[loss](np.vstack([W, b]), add_bias(X), y, 0.0)
    assert value == pytest.approx(expected, rel=1e-13)
    np.testing.assert_allclose(np.vstack([dW, db]), dW_ref, rtol=1e-12, atol=1e-15)


def test_forward_records_every_layer():
    params, X, _ = _problem((5, 4))
    values = forward(params, X, "tanh")
    assert [z.shape for z in values.pre] == [a.shape for a in values.post] == [(30, 5), (30, 4), (30, 4)]
    np.testing.assert_array_equal(values.post[0], np.tanh(values.pre[0]))
    np.testing.assert_array_equal(values.pre[1], values.post[0] @ params[1][0] + params[1][1])
    np.testing.assert_array_equal(values.scores, values.post[-1])  # no activation after the last layer


def test_forward_of_many_snapshots_is_each_ones():
    rng = np.random.default_rng(1)
    snapshots = [init_params((3, 6, 4), rng) for _ in range(5)]
    stacked = [tuple(np.stack([s[i][j] for s in snapshots]) for j in range(2)) for i in range(2)]
    X = rng.standard_normal((11, 3))
    together = forward(stacked, X, "relu")
    for k, params in enumerate(snapshots):
        alone = forward(params, X, "relu")
        for a, b in zip(together.pre + together.post, alone.pre + alone.post, strict=True):
            np.testing.assert_allclose(a[k], b, rtol=1e-14, atol=1e-15)


def test_flatten_orders_W_then_b_row_major_and_unflatten_views_it():
    params, _, _ = _problem((2,), D=2, C=3)
    theta = flatten(params)
    np.testing.assert_array_equal(theta[:4], params[0][0].ravel())
    np.testing.assert_array_equal(theta[4:6], params[0][1])
    assert theta.shape == (2 * 2 + 2 + 2 * 3 + 3,)
    back = unflatten(theta, (2, 2, 3))
    assert np.shares_memory(back[1][0], theta)
    for (W, b), (W2, b2) in zip(params, back, strict=True):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


# --- decision regions ---------------------------------------------------------------------------------


def _snapshots(k=4, hidden=(8, 8)):
    rng = np.random.default_rng(5)
    snaps = [init_params((2, *hidden, 3), rng) for _ in range(k)]
    return [tuple(np.stack([s[i][j] for s in snaps]) for j in range(2)) for i in range(len(hidden) + 1)], snaps


def test_decision_regions_are_the_argmax_of_the_scores_at_each_grid_point():
    stacked, snaps = _snapshots()
    box = ((-1.5, 1.0), (-0.5, 2.0))
    grid = decision_regions(stacked, "tanh", box, resolution=9)
    assert grid.classes.shape == (4, 9, 9) and grid.xs[0] == -1.5 and grid.ys[-1] == 2.0
    for k, params in enumerate(snaps):
        for i, y in enumerate(grid.ys):
            point = np.array([[grid.xs[4], y]])
            assert grid.classes[k, i, 4] == np.argmax(forward(params, point, "tanh").scores)
    one = decision_regions(snaps[2], "tanh", box, resolution=9)
    np.testing.assert_array_equal(one.classes, grid.classes[2])


def test_decision_regions_in_chunks_are_the_same(monkeypatch):
    stacked, _ = _snapshots(k=7)
    whole = decision_regions(stacked, "relu", ((-1, 1), (-1, 1)), resolution=20)
    monkeypatch.setattr(model, "CHUNK", 20 * 20 * 8 * 2)  # two snapshots a pass: 4 passes
    np.testing.assert_array_equal(decision_regions(stacked, "relu", ((-1, 1), (-1, 1)), resolution=20).classes,
                                  whole.classes)  # fmt: skip


def test_decision_regions_need_two_features():
    params, _, _ = _problem((4,), D=3)
    with pytest.raises(ValueError, match="decision regions need a network on 2 features, this one takes 3"):
        decision_regions(params, "tanh", ((0, 1), (0, 1)))


# --- activations --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_each_derivative_is_the_numerical_one(name):
    spec = activation(name)
    z = np.linspace(-3, 3, 61) + 0.01  # no point at relu's kink
    numerical = (spec.forward(z + 1e-6) - spec.forward(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(spec.derivative(z, spec.forward(z)), numerical, rtol=1e-7, atol=1e-9)


def test_relu_has_no_gradient_at_zero_as_torch():
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(activation("relu").derivative(z, activation("relu").forward(z)), [0, 0, 1])


def test_sigmoid_saturates_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = activation("sigmoid").forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(a, [0.0, 0.5, 1.0])


def test_the_registry():
    assert list(ACTIVATIONS) == ["relu", "tanh", "sigmoid", "linear"]
    assert {spec.torch for spec in ACTIVATIONS.values()} == {"ReLU", "Tanh", "Sigmoid", "Identity"}
    with pytest.raises(ValueError, match="unknown activation 'elu'; choose one of relu, tanh, sigmoid, linear"):
        activation("elu")
