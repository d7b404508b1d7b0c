"""Gradient checks: the numerical gradient of finite differences against an analytic ``dW``.

Every check takes ``f``, a function mapping the array ``x`` to a float, the point ``x`` and the
``analytic`` gradient there (an array shaped like ``x``). ``x`` is nudged one entry at a time in
place, as in the notebook, and always restored, even when ``f`` raises. Checks return numbers
(relative errors), never print. ``BUGS`` holds mistakes to plant in a correct loss, each one the
check catches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

METHODS = ("forward", "centered")
FLOOR = 1e-8  # CS231n's floor under |a| + |b|: two exact zeros agree
PASS = 1e-7  # CS231n's rule of thumb: a relative error below this, the gradient is right


def _differences(f, x, hs, method, indices=None):
    """Finite differences of ``f`` at ``x`` for every step in ``hs``: shape ``(len(hs), k)``.

    k is ``len(indices)`` (index tuples into x), or x.size in ``np.nditer`` order when None.
    forward: (f(x + h e_i) − f(x)) / h, error O(h). centered: (f(x + h e_i) − f(x − h e_i)) / 2h, O(h²).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError("x must be a floating-point numpy array: it is nudged by h in place")
    if not x.flags.writeable:
        raise ValueError("x must be writable: it is nudged in place (and restored)")
    hs = np.asarray(hs, dtype=np.float64).ravel()
    if hs.size == 0 or not np.all(hs > 0):
        raise ValueError("every step h must be > 0")
    if indices is None:
        it = np.nditer(x, flags=["multi_index"])
        indices = [it.multi_index for _ in it]
    out = np.empty((hs.size, len(indices)), dtype=np.float64)
    fx = float(f(x)) if method == "forward" else 0.0
    for k, ix in enumerate(indices):
        old = x[ix]
        try:
            for m, h in enumerate(hs):
                x[ix] = old + h
                plus, up = float(f(x)), x[ix]
                if method == "forward":
                    minus, down = fx, old
                else:
                    x[ix] = old - h
                    minus, down = float(f(x)), x[ix]
                x[ix] = old
                step = float(up) - float(down)  # the step actually taken: x ± h rounds in x's dtype
                out[m, k] = (plus - minus) / step if step else 0.0
        finally:
            x[ix] = old
    return out


def numerical_gradient(f, x, h=1e-5, method="centered"):
    """The gradient of ``f`` at ``x`` by finite differences, one entry at a time: float64, shaped like x.

    method "forward" is the notebook's (f(x + h) − f(x)) / h; "centered" is (f(x + h) − f(x − h)) / 2h.
    Costs x.size (forward, plus one) or 2·x.size (centered) calls of f; x is left exactly as it was.
    """
    return _differences(f, x, [h], method)[0].reshape(x.shape)


def rel_error(a, b, floor=FLOOR):
    """Elementwise |a − b| / max(|a| + |b|, floor), CS231n's relative error, as a float64 array."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)


def max_rel_error(a, b, floor=FLOOR):
    """The scalar summary: the largest elementwise relative error (0.0 for empty arrays)."""
    err = rel_error(a, b, floor)
    return float(err.max()) if err.size else 0.0


class GradCheck(NamedTuple):
    """A sparse check: the sampled entries of x, both gradients there and their relative errors, each (k,)."""

    indices: tuple[tuple[int, ...], ...]
    numerical: np.ndarray
    analytic: np.ndarray
    rel_errors: np.ndarray
    h: float
    method: str

    @property
    def max_error(self) -> float:
        return float(self.rel_errors.max()) if self.rel_errors.size else 0.0


def grad_check_sparse(f, x, analytic, num_checks=10, h=1e-5, method="centered", seed=0) -> GradCheck:
    """Compare ``analytic`` with the numerical gradient at ``num_checks`` distinct entries sampled with ``seed``.

    Only those entries are nudged (2 calls of f each, centered), so a (3073, 10) W checks in milliseconds.
    """
    analytic = np.asarray(analytic)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic has shape {analytic.shape} but x has shape {x.shape}")
    if num_checks < 1:
        raise ValueError(f"num_checks must be ≥ 1, got {num_checks}")
    flat = np.sort(np.random.default_rng(seed).choice(x.size, size=min(num_checks, x.size), replace=False))
    indices = tuple(tuple(int(i) for i in ix) for ix in zip(*np.unravel_index(flat, x.shape), strict=True))
    numerical = _differences(f, x, [h], method, indices)[0]
    exact = np.array([analytic[ix] for ix in indices], dtype=np.float64)
    return GradCheck(indices, numerical, exact, rel_error(numerical, exact), float(h), method)


def check_loss(loss_fn, W, X, y, reg, num_checks=10, h=1e-5, method="centered", seed=0) -> GradCheck:
    """``grad_check_sparse`` for a loss ``(W, X, y, reg) -> (loss, dW)``, on a float64 copy of W (W is untouched)."""
    W = np.array(W, dtype=np.float64)
    _, dW = loss_fn(W, X, y, reg)
    return grad_check_sparse(lambda w: loss_fn(w, X, y, reg)[0], W, dW, num_checks, h, method, seed)


class HSweep(NamedTuple):
    """Relative error of the full numerical gradient for each step h: ``max_error`` and ``median_error``, (H,)."""

    hs: np.ndarray
    max_error: np.ndarray
    median_error: np.ndarray
    method: str

    @property
    def best_h(self) -> float:
        return float(self.hs[np.argmin(self.max_error)])


def h_sweep(f, x, analytic, hs, method="centered") -> HSweep:
    """The U-shaped curve of error against h, for small problems (every entry of x, every h).

    Truncation error falls as h shrinks (∝ h forward, ∝ h² centered); round-off in f, ∝ ε·|f| / h,
    rises. In float64 the bottom sits near h ≈ 1e-8 forward (ε^½) and h ≈ 1e-5 centered (ε^⅓).
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(f"analytic has shape {analytic.shape} but x has shape {x.shape}")
    hs = np.asarray(hs, dtype=np.float64).ravel()
    return _sweep(hs, _differences(f, x, hs, method), analytic, method)


def _sweep(hs: np.ndarray, numerical: np.ndarray, analytic: np.ndarray, method: str) -> HSweep:
    err = rel_error(numerical, analytic.ravel()[None, :])
    return HSweep(hs, err.max(axis=1), np.median(err, axis=1), method)


def h_sweep_linear(loss: str, W, X, y, reg, analytic, hs, method="centered", bug: str | None = None) -> HSweep:
    """``h_sweep`` of a linear classifier's loss (with ``bug`` planted), every entry of W nudged at once: one
    ``method`` of ``h_sweeps_linear``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return h_sweeps_linear(loss, W, X, y, reg, analytic, hs, (method,), bug)[method]


def h_sweeps_linear(
    loss: str, W, X, y, reg, analytic, hs, methods=METHODS, bug: str | None = None
) -> dict[str, HSweep]:
    """``h_sweep`` of a linear classifier's loss (with ``bug`` planted) by each of ``methods``, every entry of W
    nudged at once.

    Nudging W[d, c] by h moves class c's scores only, by h · X[:, d], so the loss at all D·C nudged W's is the
    loss spec's ``per_example`` over candidates' scores (D·C, N, C), one array per h, not D·C calls of the loss:
    2.5–3 times faster than ``h_sweep`` on the gradient check's (65, 10) W. The differences agree with
    ``h_sweep``'s to round-off, and the round-off is as large as its own (the same best h); the step taken is
    h exactly (the scores move, W is never rounded to W + h). The methods share the losses they both need (the
    forward and the centered difference both take the loss at W + h): the page's two sweeps make 25 batched
    losses, not 37.
    """
    from .losses import loss_spec

    spec, W = loss_spec(loss), np.asarray(W, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != W.shape:
        raise ValueError(f"analytic has shape {analytic.shape} but W has shape {W.shape}")
    if unknown := [m for m in methods if m not in METHODS]:
        raise ValueError(f"method must be one of {METHODS}, got {unknown[0]!r}")
    hs = np.asarray(hs, dtype=np.float64).ravel()
    if hs.size == 0 or not np.all(hs > 0):
        raise ValueError("every step h must be > 0")
    shift = BUGS[bug].loss_shift if bug else 0.0
    N = X.shape[0]
    d, c = np.unravel_index(np.arange(W.size), W.shape)  # candidate k nudges W[d[k], c[k]]: C order, as nditer
    scores, squares = X @ W, float(np.sum(W * W, dtype=np.float64))

    B, every = W.size, np.tile(y, W.size)

    def losses(h: float) -> np.ndarray:
        nudged = np.repeat(scores[None], B, axis=0)  # (B, N, C): candidate k's scores
        nudged[np.arange(B)[:, None], np.arange(N), c[:, None]] += h * X[:, d].T
        # each example's loss as the loss itself computes it, summed over N along a contiguous axis (numpy's
        # pairwise sum, as the loss's own np.sum): a sum across candidates would add N terms one by one and
        # double the round-off, moving the bottom of the curve
        data = spec.per_example(nudged.reshape(B * N, -1), every).reshape(B, N).sum(axis=1) / N
        return data + reg * (squares + 2 * h * W[d, c] + h * h) + shift

    base = losses(0.0) if "forward" in methods else None  # the same sums in the same order as at each h
    out = {method: np.empty((hs.size, W.size)) for method in methods}
    for m, h in enumerate(hs):
        plus = losses(h)
        for method in methods:
            minus = losses(-h) if method == "centered" else base
            out[method][m] = (plus - minus) / (2 * h if method == "centered" else h)
    return {method: _sweep(hs, out[method], analytic, method) for method in methods}


class Bug(NamedTuple):
    """A mistake to plant: ``apply(loss_fn)`` returns a loss of the same signature that has it."""

    title: str
    description: str
    grad: Callable  # (dW, W, X, y, reg) -> the dW the mistaken code returns
    losses: tuple[str, ...]  # the losses whose code can contain this mistake
    short: str = ""  # the title in a few words, for a narrow menu (a projected sidebar shows about 17 characters)
    loss_shift: float = 0.0  # what the mistake adds to the loss (a constant: its numerical gradient is still right)

    def apply(self, loss_fn: Callable) -> Callable:
        """A loss of ``loss_fn``'s signature with this mistake in it."""

        def buggy(W, X, y, reg):
            loss, dW = loss_fn(W, X, y, reg)
            return loss + self.loss_shift, self.grad(dW, W, X, y, reg)

        return buggy


def _onehot_sum(W, X, y):
    """X.T @ onehot(y) / N, shape (D, C): each class's examples summed over N (the correct-class terms)."""
    onehot = np.zeros((X.shape[0], W.shape[1]), dtype=np.result_type(W, X))
    onehot[np.arange(X.shape[0]), y] = 1
    return X.T @ onehot / X.shape[0]


BUGS: dict[str, Bug] = {
    "reg_factor": Bug(
        "Regularization gradient off by a factor",
        "dW adds reg * W instead of 2 * reg * W, the derivative of reg * sum(W**2); invisible at reg = 0.",
        lambda dW, W, X, y, reg: dW - reg * W,
        ("svm", "softmax"),
        "Half the reg term",
    ),
    "no_average": Bug(
        "Forgot to average the gradient over N",
        "The loss is divided by N but the data part of dW is not: the gradient is N times too long.",
        lambda dW, W, X, y, reg: (dW - 2 * reg * W) * X.shape[0] + 2 * reg * W,
        ("svm", "softmax"),
        "No average over N",
    ),
    "correct_class_margin": Bug(
        "Margin counted for the correct class",
        "margins[rows, y] is not zeroed: every example adds 1 to the loss, and the mask then gives the"
        " correct class one X[i] too many.",
        # the naive loop's version of this mistake is invisible: a constant +1 whose dW terms cancel
        lambda dW, W, X, y, reg: dW - _onehot_sum(W, X, y),
        ("svm",),
        "Own class's margin",
        loss_shift=1.0,
    ),
    "forgot_minus_one": Bug(
        "Forgot the −1 for the correct class",
        "dW uses the probabilities p where it needs p − 1 at each example's correct class.",
        lambda dW, W, X, y, reg: dW + _onehot_sum(W, X, y),
        ("softmax",),
        "p, not p − 1",
    ),
}


def h_verdict(hs, errors: dict[str, np.ndarray], planted: bool) -> str:
    """What the bottom of each error-against-h curve says, in a sentence. ``errors[method]`` is shaped like
    ``hs``. A right gradient: the best h of each method. A planted bug: no h is "best"; either the lowest
    error stays above ``PASS`` (the fault is the code's, not the step's) or these settings hide the bug."""
    hs = np.asarray(hs, dtype=np.float64)
    low = {m: (float(hs[int(np.nanargmin(e))]), float(np.nanmin(e))) for m, e in errors.items()}
    if not planted:
        return "Best here: " + ", ".join(f"h = {h:.0e} {m}" for m, (h, _) in low.items()) + "."
    method, (h, lowest) = min(low.items(), key=lambda item: item[1][1])
    where = f"{lowest:.1e} ({method}, h = {h:.0e})"
    if lowest >= PASS:
        return (
            f"With the bug planted no h makes the error small: its lowest, {where}, stays above {PASS:.0e}. "
            "The fault is in the code, not in the step."
        )
    return f"With the bug planted the error still falls to {where}, below {PASS:.0e}: these settings hide the bug."
