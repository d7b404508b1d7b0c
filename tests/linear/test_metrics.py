"""gdviz.linear.metrics: the confusion matrix, and the examples a page shows (samples per class, mistakes)."""

import numpy as np
import pytest

from gdviz.linear.metrics import confusion_matrix, first_of_each, mistakes, per_class_accuracy


def test_confusion_matrix_counts_true_against_predicted():
    M = confusion_matrix(np.array([0, 0, 1, 2, 2]), np.array([0, 1, 1, 2, 0]), 3)
    np.testing.assert_array_equal(M, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    np.testing.assert_allclose(per_class_accuracy(M), [0.5, 1.0, 0.5])


def test_first_of_each_takes_a_row_of_examples_per_class_in_order():
    y = np.array([2, 0, 1, 0, 2, 1, 0, 2])
    rows = first_of_each(y, 2, 3)
    np.testing.assert_array_equal(rows, [[1, 3], [2, 5], [0, 4]])
    assert (y[rows] == np.arange(3)[:, None]).all()
    assert first_of_each(y, 10, 3).shape == (3, 2)  # cut to the smallest class (two 1s)


def test_mistakes_are_the_wrong_examples_in_order():
    np.testing.assert_array_equal(mistakes(np.array([0, 1, 2, 3]), np.array([0, 2, 2, 1])), [1, 3])
    assert mistakes(np.array([1, 1]), np.array([1, 1])).size == 0


def test_confusion_matrix_of_the_mistakes_is_its_off_diagonal():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    M = confusion_matrix(y, p, 4)
    wrong = mistakes(y, p)
    assert len(wrong) == M.sum() - np.trace(M)
    np.testing.assert_array_equal(confusion_matrix(y[wrong], p[wrong], 4), M - np.diag(np.diag(M)))
    assert pytest.approx(1 - len(wrong) / 50) == np.trace(M) / 50
