"""Input features: each record's column, its torch expression (evaluated with numpy standing in for torch),
the order of the columns, and the refusals in words."""

import numpy as np
import pytest

from gdviz.network.features import DEFAULT_FEATURES, FEATURES, check_features, feature_matrix

POINTS = np.array([[0.5, -2.0], [1.5, 0.25], [-1.0, 3.0]])


def test_every_feature_is_its_formula_and_its_torch_expression():
    x, y = POINTS[:, 0], POINTS[:, 1]
    expected = {"x": x, "y": y, "x2": x**2, "y2": y**2, "xy": x * y, "sinx": np.sin(x), "siny": np.sin(y)}
    assert list(FEATURES) == list(expected)
    for name, column in expected.items():
        f = FEATURES[name]
        np.testing.assert_array_equal(f.fn(x, y), column)
        np.testing.assert_array_equal(eval(f.torch, {"torch": np, "x": x, "y": y}), column)  # noqa: S307
        assert f.name == name and f.title and f.latex


def test_feature_matrix_stacks_the_chosen_columns_in_the_order_given():
    X = feature_matrix(POINTS, ("siny", "x", "xy"))
    assert X.shape == (3, 3) and X.dtype == np.float64
    np.testing.assert_array_equal(X, np.stack([np.sin(POINTS[:, 1]), POINTS[:, 0], POINTS.prod(axis=1)], axis=1))
    grid = feature_matrix(POINTS.reshape(3, 1, 2), DEFAULT_FEATURES)  # any leading shape
    assert grid.shape == (3, 1, 2)
    np.testing.assert_array_equal(grid[:, 0], POINTS)


@pytest.mark.parametrize(
    ("names", "words"),
    [((), "at least one"), (("x", "z"), "unknown feature 'z'"), (("x", "x"), "chosen once")],
)
def test_a_bad_choice_is_refused_in_words(names, words):
    with pytest.raises(ValueError, match=words):
        check_features(names)


def test_points_must_be_pairs():
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        feature_matrix(np.zeros((4, 3)), ("x",))
