"""Tests for gdviz/linear/search.py: the batched loss, exact budgets, determinism, and what each strategy finds.

References: the vectorized losses of gdviz/linear/losses.py one candidate at a time, and the
strategies of CS231n's "Optimization 1" notes written out here as plain loops.
"""

import math
import warnings

import numpy as np
import pytest

from gdviz.linear.losses import LOSSES
from gdviz.linear.search import (
    GRADIENT_COST,
    STRATEGIES,
    batch_loss,
    compare_search,
    follow_gradient,
    iter_random_search,
    random_local_search,
    random_search,
)


def _learnable(n=200, d=5, classes=3, seed=0, dtype=np.float64):
    """Labels from a hidden linear rule: a W that fits them exists."""
    rng = np.random.default_rng(seed)
    X = np.hstack([rng.standard_normal((n, d)), np.ones((n, 1))]).astype(dtype)
    return X, np.argmax(X @ rng.standard_normal((d + 1, classes)), axis=1)


def _notebook(n=300, d=64, classes=10, seed=0):
    """The notebook's problem, small: standard normal features plus the bias, random labels."""
    rng = np.random.default_rng(seed)
    return np.hstack([rng.standard_normal((n, d)), np.ones((n, 1))]), rng.integers(0, classes, n)


# --- the batched loss ----------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["svm", "softmax"])
@pytest.mark.parametrize(("dtype", "rtol"), [(np.float32, 1e-6), (np.float64, 1e-12)])
@pytest.mark.parametrize("scale", [1e-4, 0.3, 30.0])
def test_batch_loss_equals_the_vectorized_loss_per_candidate(loss, dtype, rtol, scale):
    X, y = _learnable(n=257, d=40, classes=7, dtype=dtype)
    Ws = (scale * np.random.default_rng(1).standard_normal((9, 41, 7))).astype(dtype)
    got = batch_loss(Ws, X, y, loss, reg=0.05)
    expected = [LOSSES[loss](W, X, y, 0.05)[0] for W in Ws]
    assert got.shape == (9,) and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=rtol)


def test_batch_loss_of_one_candidate_and_of_zero_weights():
    X, y = _notebook(classes=10)
    Ws = np.zeros((1, X.shape[1], 10))
    assert batch_loss(Ws, X, y, "svm")[0] == pytest.approx(9.0)  # every margin is exactly 1
    assert batch_loss(Ws, X, y, "softmax")[0] == pytest.approx(np.log(10))


# --- budgets, progress, determinism ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.parametrize("budget", [1, 2, 3, 10, 64, 101])
@pytest.mark.parametrize("chunk", [1, 7, 32])
def test_every_strategy_spends_exactly_its_budget(name, budget, chunk):
    X, y = _learnable()
    records = list(STRATEGIES[name](X, y, budget=budget, chunk=chunk, seed=1))
    run = records[-1]
    assert run.done and run.fraction == 1.0 and run.name == name and run.budget == budget
    assert run.evaluations[-1] == budget
    assert np.all(np.diff(run.evaluations) > 0) and np.all(np.diff(run.best_loss) <= 0)
    assert run.best_loss.dtype == np.float64 and run.W.shape == (6, 3)
    assert [r.done for r in records] == [False] * (len(records) - 1) + [True]
    step = GRADIENT_COST if name == "gradient" else 1
    assert np.all(np.diff(run.evaluations) <= step)
    if name == "random":  # a record per chunk
        assert len(records) == math.ceil(budget / chunk)
    if name == "local":  # the start, then a record per chunk of perturbations
        assert len(records) == 1 + math.ceil((budget - 1) / chunk)


def test_progress_records_are_frozen_prefixes_and_a_stop_is_a_break():
    X, y = _learnable()
    records = []
    for record in iter_random_search(X, y, budget=100, chunk=10):
        records.append(record)
        if record.fraction >= 0.5:
            break  # the page's stop button
    assert [r.evaluations[-1] for r in records] == [10, 20, 30, 40, 50]
    final = random_search(X, y, budget=100, chunk=10)
    for r in records:
        np.testing.assert_array_equal(r.best_loss, final.best_loss[: len(r.best_loss)])
        assert not r.best_loss.flags.writeable
    assert records[-1].seconds >= 0 and final.seconds > 0


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_determinism_by_seed(name):
    X, y = _learnable()
    a, b = (list(STRATEGIES[name](X, y, budget=50, seed=4))[-1] for _ in range(2))
    np.testing.assert_array_equal(a.best_loss, b.best_loss)
    np.testing.assert_array_equal(a.W, b.W)
    c = list(STRATEGIES[name](X, y, budget=50, seed=5))[-1]
    assert not np.array_equal(a.best_loss, c.best_loss)


def test_random_search_does_not_depend_on_the_chunk_size():
    X, y = _learnable()
    runs = [random_search(X, y, budget=90, chunk=chunk, seed=2) for chunk in (1, 8, 90)]
    for run in runs[1:]:
        np.testing.assert_allclose(run.best_loss, runs[0].best_loss, rtol=1e-12)
        np.testing.assert_array_equal(run.W, runs[0].W)


# --- each strategy against the notes' loop ------------------------------------------------------------------


def test_random_search_is_the_notebooks_loop():
    X, y = _learnable()
    rng = np.random.default_rng(3)
    best, best_W = np.inf, None
    for _ in range(40):
        W = 1e-4 * rng.standard_normal((6, 3))
        loss = LOSSES["svm"](W, X, y, 0.0)[0]
        if loss < best:
            best, best_W = loss, W
    run = random_search(X, y, budget=40, chunk=16, seed=3)
    assert run.final_loss == pytest.approx(best, rel=1e-12)
    np.testing.assert_array_equal(run.W, best_W)


def test_random_local_search_with_chunk_1_is_the_notes_loop():
    X, y = _learnable()
    rng = np.random.default_rng(6)
    W = 1e-3 * rng.standard_normal((6, 3))
    best = LOSSES["svm"](W, X, y, 0.0)[0]
    curve = [best]
    for _ in range(59):
        W_try = W + 0.05 * rng.standard_normal((6, 3))
        loss = LOSSES["svm"](W_try, X, y, 0.0)[0]
        if loss < best:
            W, best = W_try, loss
        curve.append(best)
    run = random_local_search(X, y, budget=60, scale=1e-3, step_size=0.05, chunk=1, seed=6)
    np.testing.assert_allclose(run.best_loss, curve, rtol=1e-12)
    np.testing.assert_array_equal(run.evaluations, np.arange(1, 61))
    np.testing.assert_array_equal(run.W, W)


@pytest.mark.parametrize("budget", [20, 21])
def test_follow_gradient_is_the_plain_loop_and_counts_two_per_gradient(budget):
    X, y = _learnable()
    W = 1e-4 * np.random.default_rng(0).standard_normal((6, 3))
    losses = []
    for _ in range(10):
        loss, dW = LOSSES["softmax"](W, X, y, 0.0)
        losses.append(loss)
        W = W - 0.5 * dW
    run = follow_gradient(X, y, budget=budget, loss="softmax", lr=0.5)
    np.testing.assert_array_equal(run.evaluations[:10], np.arange(2, 21, 2))
    np.testing.assert_allclose(run.best_loss[:10], np.minimum.accumulate(losses), rtol=1e-12)
    if budget == 21:  # the evaluation left over scores the last W reached, with the loss alone
        assert run.evaluations[-1] == 21
        assert run.final_loss == pytest.approx(min(losses[-1], LOSSES["softmax"](W, X, y, 0.0)[0]), rel=1e-12)
        np.testing.assert_allclose(run.W, W, rtol=1e-12)


# --- what the strategies find --------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["svm", "softmax"])
def test_following_the_gradient_beats_random_search_on_a_learnable_problem(loss):
    X, y = _learnable()
    runs = compare_search(X, y, 200, loss=loss, lr=0.5, step_size=0.05)
    assert set(runs) == {"random", "local", "gradient"}
    assert all(run.evaluations[-1] == 200 for run in runs.values())
    chance = 2.0 if loss == "svm" else np.log(3)
    assert runs["random"].final_loss > 0.99 * chance  # tiny random weights score about chance
    assert runs["gradient"].final_loss < 0.5 * runs["random"].final_loss
    assert runs["local"].final_loss < runs["random"].final_loss
    assert runs["gradient"].final_loss < runs["local"].final_loss


def test_random_search_on_the_notebook_problem_stays_at_chance():
    X, y = _notebook()
    run = random_search(X, y, budget=500, chunk=64)
    assert run.final_loss == pytest.approx(9.0, abs=0.01)  # C − 1: every margin ≈ 1 for W ≈ 1e-4
    assert run.best_loss[0] - run.final_loss < 0.01


def test_a_learning_rate_too_large_keeps_the_best_and_warns_nothing():
    X, y = _learnable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = follow_gradient(1e150 * X, y, budget=40, loss="softmax", lr=1e300)
    assert np.isfinite(run.best_loss).all() and np.isfinite(run.W).all()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"budget": 0}, "budget must be a whole number"),
        ({"budget": 10, "chunk": 0}, "chunk must be a whole number"),
        ({"budget": 10, "loss": "hinge"}, "unknown loss 'hinge'"),
        ({"budget": 10, "scale": -1.0}, "scale must be a finite number > 0"),
        ({"budget": 10, "reg": -1.0}, "reg must be a finite number ≥ 0"),
    ],
)
def test_errors(settings, message):
    X, y = _learnable()
    with pytest.raises(ValueError, match=message):
        random_search(X, y, **settings)
    with pytest.raises(ValueError, match="batch size|only one class"):
        random_search(X, np.zeros(len(y), dtype=int), budget=5)
