"""How well a classifier does, as numbers a page shows: the confusion matrix, per-class accuracy, examples to see."""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: int) -> np.ndarray:
    """``M[i, j]`` counts examples of true class i predicted as j; shape ``(classes, classes)``, int."""
    y_true, y_pred = np.asarray(y_true, dtype=np.intp), np.asarray(y_pred, dtype=np.intp)
    return np.bincount(y_true * classes + y_pred, minlength=classes * classes).reshape(classes, classes)


def per_class_accuracy(M: np.ndarray) -> np.ndarray:
    """Diagonal over row sums (NaN for a class with no examples)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(M) / M.sum(axis=1)


def first_of_each(y: np.ndarray, k: int, classes: int) -> np.ndarray:
    """Indices of the first ``k`` examples of each class, shape ``(classes, k)``: a row of samples per class
    (k is cut to the smallest class's count)."""
    members = [np.flatnonzero(np.asarray(y) == c) for c in range(classes)]
    k = min(k, *(len(m) for m in members))
    return np.stack([m[:k] for m in members])


def mistakes(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Indices of the examples predicted wrong, in order; shape ``(n_wrong,)``."""
    return np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
