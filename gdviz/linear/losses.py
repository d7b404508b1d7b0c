"""Linear classifier losses, CS231n conventions: ``W (D, C)``, ``X (N, D)``, ``y (N,)`` integer labels.

Every loss has one signature, ``(W, X, y, reg) -> (loss, dW)``: the mean data loss over the N
examples plus ``reg * sum(W**2)``, and its gradient ``dW`` of shape ``(D, C)``. The ``_naive`` twins
are the loops a student writes first (the notebook's); the ``_vectorized`` ones are what to run.
They agree to 1e-10. ``LOSS_SPECS`` holds one record per loss (``loss_spec(name)`` refuses an unknown
name); ``LOSSES``, ``NAIVE`` and ``TITLES`` are views of it by name. A record's ``per_example`` and
``dscores`` work on scores alone, so any model that ends in scores (a network, gdviz.network) shares them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

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
    scores = X @ W
    return scores, loss_spec(loss).per_example(scores, y)


def _hinge_per_example(scores, y) -> np.ndarray:
    rows = np.arange(len(y))
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    return margins.sum(axis=1)


def _cross_entropy_per_example(scores, y) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(len(y)), y]


def _hinge_dscores(scores, y) -> np.ndarray:
    """∂L_i/∂s for each example (N, C): 1 for each wrong class whose margin is > 0, minus their count at y_i."""
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1  # note delta = 1
    margins[rows, y] = 0
    mask = (margins > 0).astype(scores.dtype)
    mask[rows, y] = -mask.sum(axis=1)
    return mask


def _cross_entropy_dscores(scores, y) -> np.ndarray:
    """∂L_i/∂s for each example (N, C): the softmax probabilities, minus 1 at y_i."""
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))  # numerical stability: the largest is e⁰ = 1
    probs /= probs.sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1
    return probs


def _hinge_batched(scores, y) -> np.ndarray:
    """Σ over examples of the hinge loss, for scores (N, B, C) of B candidates: (B,). Overwrites ``scores``
    (margins computed in place: no (N, B, C) temporaries)."""
    rows = np.arange(len(y))
    scores -= (scores[rows, :, y] - 1)[:, :, None]  # note delta = 1
    np.maximum(scores, 0, out=scores)
    scores[rows, :, y] = 0
    return scores.sum(axis=2).sum(axis=0, dtype=np.float64)


def _cross_entropy_batched(scores, y) -> np.ndarray:
    """Σ over examples of the softmax loss, for scores (N, B, C): (B,). Overwrites ``scores``."""
    scores -= scores.max(axis=2, keepdims=True)  # numerical stability
    correct = scores[np.arange(len(y)), :, y]
    np.exp(scores, out=scores)
    return np.sum(np.log(scores.sum(axis=2)) - correct, axis=0, dtype=np.float64)


Loss = Callable[[np.ndarray, np.ndarray, np.ndarray, float], tuple[float, np.ndarray]]


class LossSpec(NamedTuple):
    """Everything gdviz knows about one loss: its title, the vectorized loss and its naive twin, each
    example's loss from the scores (the demo's table) and its gradient with respect to them (what
    backpropagation starts from), the summed loss of many candidates' scores at once
    (random search), and the same loss in torch (the snippet's ``loss_fn``, reg included)."""

    name: str
    title: str
    loss: Loss
    naive: Loss
    per_example: Callable[[np.ndarray, np.ndarray], np.ndarray]  # scores (N, C), y -> (N,)
    dscores: Callable[[np.ndarray, np.ndarray], np.ndarray]  # scores (N, C), y -> ∂L_i/∂s_i (N, C), no 1/N
    batched: Callable[[np.ndarray, np.ndarray], np.ndarray]  # scores (N, B, C), y -> Σ_i L_i (B,)
    torch: str


LOSS_SPECS: dict[str, LossSpec] = {
    "svm": LossSpec(
        "svm",
        "Multiclass hinge (SVM)",
        svm_loss_vectorized,
        svm_loss_naive,
        _hinge_per_example,
        _hinge_dscores,
        _hinge_batched,
        '''def loss_fn(W, X, y):
    """Mean multiclass hinge loss of the scores X @ W, plus reg * sum(W**2) (torch's C * F.multi_margin_loss)."""
    scores = X @ W
    correct = scores[torch.arange(len(y)), y]  # each example's score for its own class
    margins = torch.relu(scores - correct[:, None] + 1)  # max(0, s_j - s_y + 1); note delta = 1
    margins = torch.where(F.one_hot(y, C) == 1, 0.0, margins)  # the own class j = y does not count
    return margins.sum() / len(y) + reg * (W * W).sum()
''',
    ),
    "softmax": LossSpec(
        "softmax",
        "Softmax (cross-entropy)",
        softmax_loss_vectorized,
        softmax_loss_naive,
        _cross_entropy_per_example,
        _cross_entropy_dscores,
        _cross_entropy_batched,
        '''def loss_fn(W, X, y):
    """Mean softmax cross-entropy of the scores X @ W, plus reg * sum(W**2)."""
    return F.cross_entropy(X @ W, y) + reg * (W * W).sum()
''',
    ),
}


def loss_spec(name: str) -> LossSpec:
    """The record of a loss by name; an unknown name raises a sentence listing the known ones."""
    if name not in LOSS_SPECS:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSS_SPECS)}")
    return LOSS_SPECS[name]


# views of the records, by name
LOSSES: dict[str, Loss] = {name: spec.loss for name, spec in LOSS_SPECS.items()}
NAIVE: dict[str, Loss] = {name: spec.naive for name, spec in LOSS_SPECS.items()}
TITLES = {name: spec.title for name, spec in LOSS_SPECS.items()}
