"""Tests for gdviz/linear/losses.py: the naive and vectorized twins agree, the gradients are right.

References: PyTorch's losses and autograd gradients (recorded by tests/fixtures/make_linear_refs.py),
the numerical gradient, and each loop twin against its vectorized form.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdviz.linear.gradcheck import numerical_gradient, rel_error
from gdviz.linear.losses import LOSS_SPECS, LOSSES, NAIVE, TITLES, loss_parts, penalty, per_example
from gdviz.linear.search import batch_loss

REFS = np.load(Path(__file__).parents[1] / "fixtures" / "linear_refs.npz")
CASES = sorted({int(key.split("/")[0]) for key in REFS.files})
SHAPES = [(1, 1, 2), (3, 2, 2), (10, 5, 3), (40, 17, 10), (7, 50, 4)]  # (N, D, C)


def problem(N, D, C, seed=0, scale=0.1):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((D, C)), rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def kinked_problem(seed):
    """Small integers make ties among scores and margins of exactly 0, where the hinge has its kink."""
    rng = np.random.default_rng(seed)
    W = rng.integers(-1, 2, size=(4, 5)).astype(np.float64)
    W[:, 3] = W[:, 1]  # two classes always tie
    return W, rng.integers(-2, 3, size=(30, 4)).astype(np.float64), rng.integers(0, 5, size=30)


def margins_of(W, X, y):
    scores = X @ W
    margins = scores - scores[np.arange(len(y)), y][:, None] + 1
    margins[np.arange(len(y)), y] = np.inf
    return margins


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("reg", [0.0, 0.1, 3.0])
def test_naive_equals_vectorized(loss, shape, reg):
    W, X, y = problem(*shape, seed=sum(shape), scale=1.0)
    naive, fast = NAIVE[loss](W, X, y, reg), LOSSES[loss](W, X, y, reg)
    assert naive[0] == pytest.approx(fast[0], rel=1e-10, abs=1e-12)
    np.testing.assert_allclose(naive[1], fast[1], rtol=1e-10, atol=1e-12)
    assert fast[1].shape == W.shape and isinstance(fast[0], float)


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("seed", range(4))
def test_naive_equals_vectorized_with_ties_and_zero_margins(loss, seed):
    W, X, y = kinked_problem(seed)
    if loss == "svm":
        assert np.any(margins_of(W, X, y) == 0), "the problem should sit on a kink"
    naive, fast = NAIVE[loss](W, X, y, 0.5), LOSSES[loss](W, X, y, 0.5)
    assert naive[0] == pytest.approx(fast[0], rel=1e-10)
    np.testing.assert_allclose(naive[1], fast[1], rtol=1e-10, atol=1e-12)


def test_hinge_counts_a_zero_margin_as_no_loss_and_no_gradient():
    # s = (1, 0): the wrong class's margin is 0 - 1 + 1 = 0 exactly
    W, X, y = np.array([[1.0, 0.0]]), np.array([[1.0]]), np.array([0])
    for fn in (NAIVE["svm"], LOSSES["svm"]):
        loss, dW = fn(W, X, y, 0.0)
        assert loss == 0.0 and not dW.any()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("twin", ["vectorized", "naive"])
def test_against_pytorch(case, loss, twin):
    fn = (LOSSES if twin == "vectorized" else NAIVE)[loss]
    W, X, y, reg = (REFS[f"{case}/{k}"] for k in ("W", "X", "y", "reg"))
    value, dW = fn(W, X, y, float(reg))
    assert value == pytest.approx(float(REFS[f"{case}/{loss}_loss"]), rel=1e-10)
    np.testing.assert_allclose(dW, REFS[f"{case}/{loss}_dW"], rtol=1e-10, atol=1e-13)


def test_softmax_passes_the_numerical_check_everywhere():
    W, X, y = problem(25, 6, 4, seed=1, scale=0.5)
    for reg in (0.0, 0.3):
        _, dW = LOSSES["softmax"](W, X, y, reg)
        numerical = numerical_gradient(lambda w, reg=reg: LOSSES["softmax"](w, X, y, reg)[0], W.copy())
        assert rel_error(numerical, dW).max() < 1e-7


def test_hinge_passes_the_numerical_check_away_from_kinks():
    W, X, y = problem(25, 6, 4, seed=3, scale=0.5)
    assert np.abs(margins_of(W, X, y)).min() > 1e-3  # a 1e-5 nudge of W crosses no kink
    for reg in (0.0, 0.3):
        _, dW = LOSSES["svm"](W, X, y, reg)
        numerical = numerical_gradient(lambda w, reg=reg: LOSSES["svm"](w, X, y, reg)[0], W.copy())
        assert rel_error(numerical, dW).max() < 1e-7


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("naive", [False, True])
def test_float32_in_float32_out(loss, naive):
    W, X, y = problem(30, 8, 5, seed=2, scale=0.5)
    fn = (NAIVE if naive else LOSSES)[loss]
    value32, dW32 = fn(W.astype(np.float32), X.astype(np.float32), y, 0.1)
    value64, dW64 = fn(W, X, y, 0.1)
    assert dW32.dtype == np.float32 and isinstance(value32, float)
    assert value32 == pytest.approx(value64, rel=1e-5)
    np.testing.assert_allclose(dW32, dW64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fn", [NAIVE["softmax"], LOSSES["softmax"]])
def test_softmax_is_stable_for_huge_scores(fn):
    W, X, y = problem(20, 5, 3, seed=4, scale=1.0)
    W *= 1e4 / np.abs(X @ W).max()  # scores up to 1e4: exp would overflow at ~710
    loss, dW = fn(W, X, y, 0.0)
    scores = X @ W
    expected = np.mean(np.logaddexp.reduce(scores, axis=1) - scores[np.arange(20), y])
    assert np.isfinite(loss) and np.all(np.isfinite(dW))
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_per_example_losses_average_to_the_data_loss(loss):
    W, X, y = problem(12, 4, 3, seed=5, scale=1.0)
    scores, losses = per_example(W, X, y, loss)
    np.testing.assert_allclose(scores, X @ W)
    assert losses.shape == (12,) and np.all(losses >= 0)
    assert losses.mean() + 0.2 * np.sum(W * W) == pytest.approx(LOSSES[loss](W, X, y, 0.2)[0], rel=1e-12)


def test_known_values_at_zero_weights():
    # W = 0: every score ties, so the hinge pays the margin 1 for each of the C - 1 wrong classes; softmax pays ln C
    W, X, y = np.zeros((3, 10)), np.ones((4, 3)), np.arange(4)
    assert LOSSES["svm"](W, X, y, 1.0)[0] == pytest.approx(9.0)
    assert LOSSES["softmax"](W, X, y, 1.0)[0] == pytest.approx(np.log(10))


def test_registries_share_names():
    assert list(LOSSES) == list(NAIVE) == list(TITLES) == list(LOSS_SPECS) == ["svm", "softmax"]


@pytest.mark.parametrize(
    "call",
    [
        lambda W, X, y: per_example(W, X, y, "hinge"),
        lambda W, X, y: batch_loss(W[None], X, y, "hinge"),
        lambda W, X, y: loss_parts(W, X, y, "hinge", 0.0),
    ],
)
def test_an_unknown_loss_is_refused_not_taken_for_softmax(call):
    """Every function that takes a loss by name refuses one it does not know (they used to send any name
    that was not "svm" to softmax)."""
    W, X, y = problem(6, 3, 3, seed=1, scale=1.0)
    with pytest.raises(ValueError, match="unknown loss 'hinge'; choose one of svm, softmax"):
        call(W, X, y)


@pytest.mark.parametrize("loss", list(LOSS_SPECS))
def test_batched_loss_of_candidates_equals_each_ones_loss(loss):
    W, X, y = problem(30, 5, 4, seed=3, scale=1.0)
    Ws = np.stack([W, 2 * W, -W])
    expected = [LOSSES[loss](w, X, y, 0.1)[0] for w in Ws]
    np.testing.assert_allclose(batch_loss(Ws, X, y, loss, 0.1), expected, rtol=1e-12)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_loss_parts_are_the_data_loss_and_the_penalty_and_add_up_to_the_loss(loss):
    W, X, y = problem(40, 17, 10, seed=2, scale=0.5)
    data, reg_term = loss_parts(W, X, y, loss, 0.3)
    assert reg_term == pytest.approx(0.3 * np.sum(W**2)) == penalty(W, 0.3)
    assert data == pytest.approx(LOSSES[loss](W, X, y, 0.0)[0], rel=1e-12)
    assert data + reg_term == pytest.approx(LOSSES[loss](W, X, y, 0.3)[0], rel=1e-12)
    assert loss_parts(W, X, y, loss, 0.0)[1] == 0.0


# --- dscores: the gradient with respect to the scores, what a network backpropagates from -------------


@pytest.mark.parametrize("loss", list(LOSS_SPECS))
@pytest.mark.parametrize("case", ["random", "kinked"])
def test_dscores_chained_through_X_is_the_vectorized_dW(loss, case):
    """X.T @ dscores / N + 2·reg·W is the loss's own dW: against torch through test_against_pytorch, ties and
    zero margins included (the hinge's kink counts a zero margin as no gradient, as the loss does)."""
    W, X, y = problem(40, 17, 10, seed=6, scale=1.0) if case == "random" else kinked_problem(1)
    dscores = LOSS_SPECS[loss].dscores(X @ W, y)
    assert dscores.shape == (len(y), W.shape[1])
    chained = X.T @ dscores / len(y) + 2 * 0.3 * W
    np.testing.assert_allclose(chained, LOSSES[loss](W, X, y, 0.3)[1], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("loss", list(LOSS_SPECS))
def test_dscores_is_the_numerical_gradient_of_each_examples_loss(loss):
    W, X, y = problem(25, 6, 4, seed=3, scale=0.5)
    assert np.abs(margins_of(W, X, y)).min() > 1e-3  # a 1e-5 nudge of a score crosses no kink
    scores = X @ W
    numerical = numerical_gradient(lambda s: LOSS_SPECS[loss].per_example(s, y).sum(), scores.copy())
    # 1e-6: the sum of 25 losses (≈ 30) rounds to ~1e-14, ~1e-9 after dividing by 2h, against entries ≈ 1e-3
    assert rel_error(numerical, LOSS_SPECS[loss].dscores(scores, y)).max() < 1e-6


def test_dscores_of_huge_scores_are_finite_and_rows_sum_to_zero():
    W, X, y = problem(20, 5, 3, seed=4, scale=1.0)
    scores = X @ W * (1e4 / np.abs(X @ W).max())  # exp would overflow at ~710
    for spec in LOSS_SPECS.values():
        d = spec.dscores(scores, y)
        assert np.isfinite(d).all()
        np.testing.assert_allclose(d.sum(axis=1), 0.0, atol=1e-12)  # a shift of all scores changes no loss
