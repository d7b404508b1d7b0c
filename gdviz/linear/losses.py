"""Linear classifier losses, CS231n conventions: ``W (D, C)``, ``X (N, D)``, ``y (N,)`` integer labels.

Every loss has one signature, ``(W, X, y, reg) -> (loss, dW)``: the mean data loss over the N
examples plus ``reg * sum(W**2)``, and its gradient ``dW`` of shape ``(D, C)``. The ``_naive`` twins
are the loops a student writes first (the notebook's); the ``_vectorized`` ones are what to run.
They agree to 1e-10. ``LOSSES`` maps a name to the vectorized loss.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """Weston–Watkins multiclass hinge loss, margin 1, with loops over examples and classes.

    L_i = Σ_{j ≠ y_i} max(0, s_j − s_{y_i} + 1), where s = x_i W.
    """
    N, C = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(N):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # note delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return float(loss), dW


def svm_loss_vectorized(W, X, y, reg):
    """The same hinge loss with no Python loop: one ``X @ W``, one mask, one ``X.T @ mask``."""
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 0
    positive = margins > 0
    loss = np.sum(margins, where=positive, dtype=np.float64) / N + reg * np.sum(W * W, dtype=np.float64)
    mask = positive.astype(W.dtype)
    mask[rows, y] = -mask.sum(axis=1)
    dW = X.T @ mask / N + 2 * reg * W
    return float(loss), dW


def softmax_loss_naive(W, X, y, reg):
    """Cross-entropy of the softmax, L_i = −log(e^{s_{y_i}} / Σ_j e^{s_j}), with loops.

    Scores are shifted by their maximum before exponentiating: same probabilities, no overflow.
    """
    N, C = X.shape[0], W.shape[1]
    dW = np.zeros_like(W)
    loss = 0.0
    for i in range(N):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)  # numerical stability
        log_sum = np.log(np.sum(np.exp(scores)))
        loss += log_sum - scores[y[i]]
        for j in range(C):
            p = np.exp(scores[j] - log_sum)
            dW[:, j] += (p - (j == y[i])) * X[i]
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W
    return float(loss), dW


def softmax_loss_vectorized(W, X, y, reg):
    """The softmax loss with no Python loop; log-sum-exp of max-shifted scores keeps it stable."""
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(scores).sum(axis=1))
    loss = np.sum(log_sum - scores[rows, y], dtype=np.float64) / N + reg * np.sum(W * W, dtype=np.float64)
    probs = np.exp(scores - log_sum[:, None])
    probs[rows, y] -= 1
    dW = X.T @ probs / N + 2 * reg * W
    return float(loss), dW


def penalty(W, reg) -> float:
    """The regularization term every loss here adds to its mean data loss: ``reg · ΣW²``."""
    return float(reg * np.sum(W * W, dtype=np.float64))


def loss_parts(W, X, y, loss: str, reg) -> tuple[float, float]:
    """The two terms of the loss of W on (X, y): the mean data loss and the penalty ``reg · ΣW²``."""
    return float(np.mean(per_example(W, X, y, loss)[1], dtype=np.float64)), penalty(W, reg)


def per_example(W, X, y, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """Scores ``(N, C)`` and each example's data loss ``(N,)`` (no regularization): the demo's table."""
    rows = np.arange(X.shape[0])
    scores = X @ W
    if loss == "svm":
        margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
        margins[rows, y] = 0
        return scores, margins.sum(axis=1)
    shifted = scores - scores.max(axis=1, keepdims=True)
    return scores, np.log(np.exp(shifted).sum(axis=1)) - shifted[rows, y]


Loss = Callable[[np.ndarray, np.ndarray, np.ndarray, float], tuple[float, np.ndarray]]
LOSSES: dict[str, Loss] = {"svm": svm_loss_vectorized, "softmax": softmax_loss_vectorized}
NAIVE: dict[str, Loss] = {"svm": svm_loss_naive, "softmax": softmax_loss_naive}
TITLES = {"svm": "Multiclass hinge (SVM)", "softmax": "Softmax (cross-entropy)"}
