"""Tests for gdviz/linear/gradcheck.py: finite differences of the right order, x left alone, bugs caught.

References: functions whose derivatives are known in closed form, the orders of the forward (O(h))
and centered (O(h²)) differences, and the correct losses of gdviz/linear/losses.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.linear.gradcheck import (
    BUGS,
    PASS,
    GradCheck,
    check_loss,
    grad_check_sparse,
    h_sweep,
    h_sweep_linear,
    h_sweeps_linear,
    h_verdict,
    max_rel_error,
    numerical_gradient,
    rel_error,
)
from gdviz.linear.losses import LOSSES, NAIVE

X0 = np.array([[0.3, -1.2, 0.7], [2.0, 0.1, -0.4]])


def exp_sum(x):
    return float(np.sum(np.exp(x)))


def smooth_problem(seed=0, N=30, D=8, C=5):
    """Random data with every hinge margin at least 1e-3 from its kink, so both losses are smooth near W."""
    rng = np.random.default_rng(seed)
    W, X, y = 0.5 * rng.standard_normal((D, C)), rng.standard_normal((N, D)), rng.integers(0, C, size=N)
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1
    margins[np.arange(N), y] = np.inf
    assert np.abs(margins).min() > 1e-3
    return W, X, y


class Counter:
    """f(x) = Σ exp(x) that counts its calls and raises on call number ``fail_at``."""

    def __init__(self, fail_at=None):
        self.calls, self.fail_at = 0, fail_at

    def __call__(self, x):
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("boom")
        return exp_sum(x)


@pytest.mark.parametrize("method", ["forward", "centered"])
def test_gradient_of_a_known_function(method):
    x = X0.copy()
    grad = numerical_gradient(exp_sum, x, h=1e-6 if method == "forward" else 1e-5, method=method)
    assert grad.shape == x.shape and grad.dtype == np.float64
    assert rel_error(grad, np.exp(X0)).max() < (1e-5 if method == "forward" else 1e-9)


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("centered", 2)])
def test_error_shrinks_with_the_method_order(method, order):
    x = X0.copy()
    errors = [np.abs(numerical_gradient(exp_sum, x, h, method) - np.exp(X0)).max() for h in (1e-2, 5e-3, 2.5e-3)]
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(ratios, 2.0**order, rtol=0.05)


def test_centered_is_exact_for_a_quadratic():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    x = np.array([0.25, -0.5])  # exact binary fractions, and h = 2**-10: no rounding anywhere
    grad = numerical_gradient(lambda v: float(v @ A @ v), x, h=2.0**-10)
    np.testing.assert_array_equal(grad, 2 * A @ x)


def test_x_is_restored_bit_for_bit():
    x = np.array([0.1, 1e8, -3.3e-7, 7.0])
    before = x.copy()
    for method in ("forward", "centered"):
        numerical_gradient(lambda v: float(np.sum(np.sin(v))), x, method=method)
        np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("fail_at", [1, 2, 5, 7])  # forward makes 7 calls here, centered 12
@pytest.mark.parametrize("method", ["forward", "centered"])
def test_x_is_restored_when_f_raises_midway(fail_at, method):
    x = X0.copy()
    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(Counter(fail_at), x, method=method)
    np.testing.assert_array_equal(x, X0)


def test_f_sees_one_nudged_entry_at_a_time():
    seen = []
    x = np.zeros(3)
    numerical_gradient(lambda v: seen.append(v.copy()) or 0.0, x, h=0.5, method="centered")
    np.testing.assert_array_equal(
        seen, [[0.5, 0, 0], [-0.5, 0, 0], [0, 0.5, 0], [0, -0.5, 0], [0, 0, 0.5], [0, 0, -0.5]]
    )


def test_float32_x_divides_by_the_step_actually_taken():
    # near 1000 float32 steps by 2**-14, so 1e-3 rounds to 0.000977: dividing by 1e-3 would be 2.3% off
    x = np.array([1000.1, -3.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: float(np.sum(3.0 * v.astype(np.float64))), x, h=1e-3, method="forward")
    np.testing.assert_allclose(grad, [3.0, 3.0], rtol=1e-12)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="method"):
        numerical_gradient(exp_sum, X0.copy(), method="backward")
    with pytest.raises(TypeError, match="floating"):
        numerical_gradient(exp_sum, np.arange(3))
    with pytest.raises(ValueError, match="> 0"):
        numerical_gradient(exp_sum, X0.copy(), h=0.0)
    frozen = X0.copy()
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        numerical_gradient(exp_sum, frozen)


def test_rel_error():
    np.testing.assert_allclose(rel_error([1.0, 0.0, -2.0, 1e-12], [3.0, 0.0, 2.0, 0.0]), [0.5, 0.0, 1.0, 1e-4])
    assert rel_error(2.0, 1.0) == rel_error(1.0, 2.0) == pytest.approx(1 / 3)
    assert max_rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 4.2)
    assert max_rel_error([], []) == 0.0


def test_sparse_check_samples_distinct_entries_deterministically():
    x = np.random.default_rng(0).standard_normal((6, 7))
    check = grad_check_sparse(exp_sum, x, np.exp(x), num_checks=10, seed=3)
    assert isinstance(check, GradCheck) and check.method == "centered" and check.h == 1e-5
    assert len(set(check.indices)) == 10 and all(len(ix) == 2 for ix in check.indices)
    assert check.indices == grad_check_sparse(exp_sum, x, np.exp(x), seed=3).indices
    assert check.indices != grad_check_sparse(exp_sum, x, np.exp(x), seed=4).indices
    full = numerical_gradient(exp_sum, x.copy())
    np.testing.assert_array_equal(check.numerical, [full[ix] for ix in check.indices])
    np.testing.assert_array_equal(check.analytic, [np.exp(x)[ix] for ix in check.indices])
    np.testing.assert_array_equal(check.rel_errors, rel_error(check.numerical, check.analytic))
    assert check.max_error == check.rel_errors.max() < 1e-9


def test_sparse_check_on_a_cifar_sized_W_costs_two_calls_per_entry():
    W = np.zeros((3073, 10))
    f = Counter()
    check = grad_check_sparse(f, W, np.ones_like(W), num_checks=10)
    assert f.calls == 20 and not W.any()
    assert check.max_error < 1e-7  # f ≈ 3e4: round-off ε·f/h ≈ 3e-7 in a gradient of 1


def test_sparse_check_takes_every_entry_when_asked_for_more():
    x = X0.copy()
    check = grad_check_sparse(exp_sum, x, np.exp(x), num_checks=100)
    assert sorted(check.indices) == [(i, j) for i in range(2) for j in range(3)]
    with pytest.raises(ValueError, match="shape"):
        grad_check_sparse(exp_sum, x, np.ones(6))


def test_h_sweep_is_u_shaped_for_centered_differences_on_softmax():
    W, X, y = smooth_problem()
    _, dW = LOSSES["softmax"](W, X, y, 0.1)
    hs = np.logspace(-1, -12, 12)
    sweep = h_sweep(lambda w: LOSSES["softmax"](w, X, y, 0.1)[0], W.copy(), dW, hs)
    for errors in (sweep.max_error, sweep.median_error):
        best = int(np.argmin(errors))
        assert 0 < best < len(hs) - 1
        assert errors[0] > 100 * errors[best] and errors[-1] > 100 * errors[best]
    assert 1e-6 <= sweep.best_h <= 1e-3 and sweep.max_error.min() < 1e-7


def test_h_sweep_bottoms_out_at_smaller_h_for_forward_differences():
    W, X, y = smooth_problem(N=10, D=3, C=3)
    f, (_, dW) = (lambda w: LOSSES["softmax"](w, X, y, 0.1)[0]), LOSSES["softmax"](W, X, y, 0.1)
    hs = np.logspace(-1, -12, 12)
    forward, centered = h_sweep(f, W.copy(), dW, hs, "forward"), h_sweep(f, W.copy(), dW, hs, "centered")
    assert hs[np.argmin(forward.median_error)] < hs[np.argmin(centered.median_error)]
    assert forward.median_error.min() > centered.median_error.min()


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("reg", [0.0, 0.5])
def test_correct_losses_pass(loss, reg):
    W, X, y = smooth_problem()
    for fn in (LOSSES[loss], NAIVE[loss]):
        assert check_loss(fn, W, X, y, reg, num_checks=20).max_error < 1e-7


@pytest.mark.parametrize(("loss", "bug"), [(loss, bug) for bug in BUGS for loss in BUGS[bug].losses])
def test_every_planted_bug_is_caught(loss, bug):
    W, X, y = smooth_problem()
    buggy = BUGS[bug].apply(LOSSES[loss])
    assert check_loss(buggy, W, X, y, 0.5, num_checks=10).max_error > 1e-3
    # the loss itself is still the correct one (up to the constant a counted margin adds)
    extra = 1.0 if bug == "correct_class_margin" else 0.0
    assert buggy(W, X, y, 0.5)[0] == pytest.approx(LOSSES[loss](W, X, y, 0.5)[0] + extra, rel=1e-12)


def test_planted_bugs_are_the_mistakes_they_name():
    W, X, y = smooth_problem()
    N, reg = len(y), 0.5
    loss, dW = LOSSES["softmax"](W, X, y, reg)
    np.testing.assert_allclose(BUGS["reg_factor"].apply(LOSSES["softmax"])(W, X, y, reg)[1], dW - reg * W)
    np.testing.assert_allclose(
        BUGS["no_average"].apply(LOSSES["softmax"])(W, X, y, reg)[1], (dW - 2 * reg * W) * N + 2 * reg * W
    )
    # the vectorized hinge with margins[rows, y] left at 1
    scores = X @ W
    margins = scores - scores[np.arange(N), y][:, None] + 1
    mask = (margins > 0).astype(float)
    mask[np.arange(N), y] = -mask.sum(axis=1)
    expected = (np.sum(np.maximum(margins, 0)) / N + reg * np.sum(W * W), X.T @ mask / N + 2 * reg * W)
    got = BUGS["correct_class_margin"].apply(LOSSES["svm"])(W, X, y, reg)
    assert got[0] == pytest.approx(expected[0], rel=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12, atol=1e-14)


def test_the_loop_form_of_the_correct_class_margin_is_invisible_to_the_check():
    # why BUGS plants the vectorized form: in the loop, j == y_i adds a constant 1 and its dW terms cancel
    def svm_without_the_skip(W, X, y, reg):
        dW, loss = np.zeros_like(W), 0.0
        for i in range(X.shape[0]):
            scores = X[i] @ W
            for j in range(W.shape[1]):
                margin = scores[j] - scores[y[i]] + 1
                if margin > 0:
                    loss += margin
                    dW[:, j] += X[i]
                    dW[:, y[i]] -= X[i]
        return loss / X.shape[0] + reg * np.sum(W * W), dW / X.shape[0] + 2 * reg * W

    W, X, y = smooth_problem()
    assert check_loss(svm_without_the_skip, W, X, y, 0.5, num_checks=20).max_error < 1e-7
    assert svm_without_the_skip(W, X, y, 0.5)[0] == pytest.approx(LOSSES["svm"](W, X, y, 0.5)[0] + 1)


def test_check_loss_leaves_W_alone_and_checks_float32_weights_in_float64():
    W, X, y = smooth_problem()
    W32 = W.astype(np.float32)
    before = W32.copy()
    check = check_loss(LOSSES["softmax"], W32, X, y, 0.1)
    np.testing.assert_array_equal(W32, before)
    assert check.max_error < 1e-7


def test_bug_registry_is_complete():
    assert {"reg_factor", "no_average", "correct_class_margin"} <= set(BUGS)
    for bug in BUGS.values():
        assert bug.title and bug.description and set(bug.losses) <= set(LOSSES)
    assert all(any(loss in bug.losses for bug in BUGS.values()) for loss in LOSSES)


# ---------------------------------------------------------------- the h sweep in words

HS = np.array([1e-1, 1e-3, 1e-5, 1e-7, 1e-9])


def test_a_right_gradient_names_each_methods_best_h():
    errors = {"forward": 10.0 ** -np.array([2, 4, 6, 8, 6]), "centered": 10.0 ** -np.array([3, 7, 10, 8, 6])}
    assert h_verdict(HS, errors, planted=False) == "Best here: h = 1e-07 forward, h = 1e-05 centered."


def test_a_planted_bug_has_no_best_h():
    """With a bug no h is good: the sentence says how low the error gets and that it stays above PASS."""
    errors = {"forward": np.array([0.5, 0.3, 0.3, 0.31, 0.4]), "centered": np.array([0.4, 0.2, 0.21, 0.3, 0.5])}
    told = h_verdict(HS, errors, planted=True)
    assert "best" not in told.lower()
    assert told == (
        "With the bug planted no h makes the error small: its lowest, 2.0e-01 (centered, h = 1e-03), stays above "
        f"{PASS:.0e}. The fault is in the code, not in the step."
    )


def test_a_planted_bug_the_settings_hide_is_said_to_be_hidden():
    """reg_factor at reg = 0 changes nothing: the error falls as for a right gradient, and the sentence says why."""
    errors = {"forward": 10.0 ** -np.array([2, 4, 6, 8, 6]), "centered": 10.0 ** -np.array([3, 7, 10, 8, 6])}
    told = h_verdict(HS, errors, planted=True)
    assert "best" not in told.lower() and told.endswith("below 1e-07: these settings hide the bug.")
    assert "1.0e-10 (centered, h = 1e-05)" in told


@pytest.mark.parametrize("reg, hidden", [(0.1, False), (0.0, True)])
def test_the_verdict_on_a_real_sweep_with_the_reg_factor_bug(reg, hidden):
    W, X, y = smooth_problem()
    fn = BUGS["reg_factor"].apply(LOSSES["softmax"])
    _, dW = fn(W, X, y, reg)
    f = lambda w: fn(w, X, y, reg)[0]  # noqa: E731
    errors = {m: h_sweep(f, W.copy(), dW, HS, m).median_error for m in ("forward", "centered")}
    told = h_verdict(HS, errors, planted=True)
    assert ("hide the bug" in told) == hidden and ("no h makes the error small" in told) == (not hidden)


def test_every_bug_has_a_short_name_a_projected_menu_shows_whole():
    """The menu of bugs is an input that cannot wrap: a projected sidebar showed "Forgot the −1 for the…"."""
    for bug in BUGS.values():
        assert bug.short and len(bug.short) <= 18 and len(bug.short) < len(bug.title), bug.title


def _gradcheck_problem(seed=0, n=60, d=13, c=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, c, n), 0.01 * rng.standard_normal((d, c))


@pytest.mark.parametrize("method", ["forward", "centered"])
@pytest.mark.parametrize(
    ("loss", "bug", "reg"),
    [
        ("softmax", None, 0.0),
        ("svm", None, 1e-3),
        ("softmax", "reg_factor", 0.1),
        ("svm", "correct_class_margin", 1e-2),
        ("softmax", "forgot_minus_one", 0.0),
    ],
)
def test_the_linear_sweep_nudges_every_entry_at_once_and_agrees_with_the_general_one(loss, bug, reg, method):
    X, y, W = _gradcheck_problem()
    fn = BUGS[bug].apply(LOSSES[loss]) if bug else LOSSES[loss]
    _, dW = fn(W, X, y, reg)
    hs = np.array([1e-1, 1e-2, 1e-3, 1e-4])  # truncation rules here: both must find the same errors
    general = h_sweep(lambda w: fn(w, X, y, reg)[0], W.copy(), dW, hs, method)
    fast = h_sweep_linear(loss, W, X, y, reg, dW, hs, method, bug)
    np.testing.assert_allclose(
        fast.max_error, general.max_error, rtol=1e-3, atol=1e-8
    )  # below 1e-8: round-off, which differs
    np.testing.assert_allclose(
        fast.median_error, general.median_error, rtol=1e-3, atol=1e-8
    )  # below 1e-8: round-off, which differs
    assert fast.method == method and np.array_equal(fast.hs, hs)


def test_the_linear_sweep_is_u_shaped_and_refuses_what_h_sweep_refuses():
    X, y, W = _gradcheck_problem(1)
    _, dW = LOSSES["softmax"](W, X, y, 0.0)
    hs = 10.0 ** -np.arange(1, 13)
    err = h_sweep_linear("softmax", W, X, y, 0.0, dW, hs, "centered").max_error
    bottom = int(np.argmin(err))
    assert 2 <= bottom <= 8 and err[bottom] < 1e-6 < err[0] and err[-1] > 1e-3
    with pytest.raises(ValueError, match="h must be > 0"):
        h_sweep_linear("softmax", W, X, y, 0.0, dW, [1e-3, 0.0])
    with pytest.raises(ValueError, match="method"):
        h_sweep_linear("softmax", W, X, y, 0.0, dW, [1e-3], "backward")
    with pytest.raises(ValueError, match="shape"):
        h_sweep_linear("softmax", W, X, y, 0.0, dW[:-1], [1e-3])


@pytest.mark.parametrize("loss, bug", [("softmax", None), ("svm", "reg_factor"), ("softmax", "forgot_minus_one")])
def test_both_sweeps_at_once_share_their_losses_and_equal_each_sweep_alone_bit_for_bit(loss, bug):
    X, y, W = _gradcheck_problem(3)
    fn = BUGS[bug].apply(LOSSES[loss]) if bug else LOSSES[loss]
    _, dW = fn(W, X, y, 0.1)
    hs = 10.0 ** -np.arange(1, 13)
    both = h_sweeps_linear(loss, W, X, y, 0.1, dW, hs, ("forward", "centered"), bug)
    for method in ("forward", "centered"):
        alone = h_sweep_linear(loss, W, X, y, 0.1, dW, hs, method, bug)
        assert both[method].method == method
        assert np.array_equal(both[method].max_error, alone.max_error)
        assert np.array_equal(both[method].median_error, alone.median_error)
    with pytest.raises(ValueError, match="backward"):
        h_sweeps_linear(loss, W, X, y, 0.1, dW, hs, ("forward", "backward"), bug)


def test_a_bug_that_shifts_the_loss_says_by_how_much():
    X, y, W = _gradcheck_problem(2)
    for name, bug in BUGS.items():
        for loss in bug.losses:
            shifted = bug.apply(LOSSES[loss])(W, X, y, 0.1)[0] - LOSSES[loss](W, X, y, 0.1)[0]
            assert shifted == pytest.approx(bug.loss_shift, abs=1e-12), name


@pytest.mark.parametrize("reg", [0.0, 0.1])
def test_the_linear_sweeps_round_off_is_the_general_ones_so_its_best_h_is_too(reg):
    # the gradient check's problem: 100 digits with the bias column, a small W of 65 × 10
    from gdviz.linear.data import add_bias, load_digits

    d = load_digits()
    X, y = add_bias(d.X[:100]), d.y[:100]
    W = 0.01 * np.random.default_rng(0).standard_normal((X.shape[1], 10))
    _, dW = LOSSES["softmax"](W, X, y, reg)
    hs = 10.0 ** -np.arange(1, 13)
    general = h_sweep(lambda w: LOSSES["softmax"](w, X, y, reg)[0], W.copy(), dW, hs, "centered")
    fast = h_sweep_linear("softmax", W, X, y, reg, dW, hs, "centered")
    np.testing.assert_allclose(fast.median_error[4:], general.median_error[4:], rtol=0.3)  # h ≤ 1e-5: round-off
    assert fast.hs[np.argmin(fast.median_error)] == general.hs[np.argmin(general.median_error)]
