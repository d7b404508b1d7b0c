"""Tests for gdviz/linear/data.py: shapes, seeds, read-only arrays, the digits file, clear refusals.

References: scikit-learn's digits (1797 images, its known class counts), the notebook's CIFAR shape
(10,000 × 3,073 with the bias column last), and the messages check_data promises.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdviz.linear.data import (
    DATASETS_2D,
    Dataset,
    add_bias,
    check_data,
    cifar_like,
    load_digits,
    standardize,
    train_test_split,
)

DIGIT_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # sklearn.datasets.load_digits


@pytest.mark.parametrize("name", list(DATASETS_2D))
def test_2d_sets_have_their_shapes_and_classes(name):
    spec = DATASETS_2D[name]
    data = spec.build()
    assert isinstance(data, Dataset) and data.name == name and data.title == spec.title
    N = data.X.shape[0]
    assert data.X.shape == (N, 2) and data.X.dtype == np.float64 and data.y.shape == (N,)
    assert data.y.dtype.kind == "i" and data.classes == spec.classes == len(data.class_names)
    counts = np.bincount(data.y, minlength=data.classes)
    assert counts.max() - counts.min() <= 1  # balanced
    assert np.abs(data.X).max() < 2.0 and not data.bias
    assert check_data(data.X, data.y) == data.classes


@pytest.mark.parametrize("name", list(DATASETS_2D))
def test_2d_sets_follow_their_arguments(name):
    build = DATASETS_2D[name].build
    a, b, c = build(n=101, noise=0.05, seed=7), build(n=101, noise=0.05, seed=7), build(n=101, noise=0.05, seed=8)
    assert a.X.shape == (101, 2)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert build(n=1).X.shape == (1, 2)


@pytest.mark.parametrize("name", list(DATASETS_2D))
def test_2d_sets_are_read_only(name):
    data = DATASETS_2D[name].build()
    with pytest.raises(ValueError, match="read-only"):
        data.X[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        data.y[0] = 1


@pytest.mark.parametrize("name", list(DATASETS_2D))
@pytest.mark.parametrize(
    ("kwargs", "message"), [({"n": 0}, "n must"), ({"n": 2.5}, "n must"), ({"noise": -0.1}, "noise")]
)
def test_2d_sets_refuse_bad_arguments(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        DATASETS_2D[name].build(**kwargs)


def test_noise_free_sets_sit_where_they_are_drawn():
    circles = DATASETS_2D["circles"].build(noise=0.0)
    radii = np.hypot(*circles.X.T)
    np.testing.assert_allclose(radii, np.where(circles.y == 0, 1.0, 0.5))
    xor = DATASETS_2D["xor"].build(noise=0.0)
    np.testing.assert_array_equal(xor.X[:, 0] * xor.X[:, 1] < 0, xor.y == 1)


def test_blobs_take_a_class_count():
    data = DATASETS_2D["blobs"].build(k=5)
    assert data.classes == 5 and set(data.y) == set(range(5))
    with pytest.raises(ValueError, match="k must"):
        DATASETS_2D["blobs"].build(k=1)


def test_the_dataset_does_not_freeze_the_callers_arrays():
    X, y = np.zeros((3, 2)), np.array([0, 1, 0])
    data = Dataset("d", "D", X, y, 2, ("a", "b"), "")
    X[0, 0] = 5.0  # still the caller's to change
    assert not data.X.flags.writeable and data.X[0, 0] == 5.0


def test_add_bias():
    X = np.arange(6, dtype=np.float32).reshape(3, 2)
    Xb = add_bias(X)
    assert Xb.shape == (3, 3) and Xb.dtype == np.float32
    np.testing.assert_array_equal(Xb, [[0, 1, 1], [2, 3, 1], [4, 5, 1]])
    assert add_bias(np.zeros((0, 4))).shape == (0, 5)
    with pytest.raises(ValueError, match="2-D"):
        add_bias(np.ones(3))


def test_standardize_uses_the_training_statistics():
    train = np.array([[1.0, 5.0], [3.0, 5.0]])  # the second feature is constant
    np.testing.assert_allclose(standardize(train), [[-1.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(standardize(np.array([[5.0, 6.0]]), like=train), [[3.0, 1.0]])


def test_digits_load_from_the_committed_file():
    digits = load_digits()
    assert digits.X.shape == (1797, 64) and digits.X.dtype == np.float64
    assert digits.X.min() == 0.0 and digits.X.max() == 1.0
    np.testing.assert_array_equal(digits.X * 16, np.round(digits.X * 16))  # pixels were 0..16
    assert digits.classes == 10 and digits.class_names == tuple("0123456789")
    assert np.bincount(digits.y).tolist() == DIGIT_COUNTS
    assert not digits.X.flags.writeable and load_digits() is digits


def test_train_test_split_is_stratified_and_seeded():
    digits = load_digits()
    train, test = train_test_split(digits, test_fraction=0.2, seed=0)
    assert train.X.shape[0] + test.X.shape[0] == 1797 and train.classes == test.classes == 10
    np.testing.assert_array_equal(np.bincount(test.y), [round(0.2 * c) for c in DIGIT_COUNTS])
    rows = {r.tobytes() for r in digits.X}
    assert {r.tobytes() for r in train.X} | {r.tobytes() for r in test.X} <= rows
    np.testing.assert_array_equal(test.X, train_test_split(digits, seed=0)[1].X)
    assert not np.array_equal(test.X, train_test_split(digits, seed=1)[1].X)
    assert test.name == "digits/test" and not test.X.flags.writeable
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(digits, test_fraction=1.0)


def test_cifar_like_small():
    data = cifar_like(n=50, d=13, classes=4, seed=1)
    assert data.X.shape == (50, 13) and data.X.dtype == np.float32 and data.bias
    np.testing.assert_array_equal(data.X[:, -1], 1.0)
    assert np.abs(data.X[:, :-1].mean()) < 0.2 and 0.8 < data.X[:, :-1].std() < 1.2
    assert data.y.shape == (50,) and set(data.y) <= set(range(4)) and data.classes == 4
    np.testing.assert_array_equal(data.X, cifar_like(n=50, d=13, classes=4, seed=1).X)
    assert cifar_like(n=5, d=3, dtype=np.float64).X.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        data.X[0, 0] = 0.0
    with pytest.raises(ValueError, match="dtype"):
        cifar_like(n=5, d=3, dtype=np.int32)


def test_cifar_like_full_size_is_float32():
    data = cifar_like()
    assert data.X.shape == (10_000, 3_073) and data.X.dtype == np.float32
    assert data.X.nbytes == 10_000 * 3_073 * 4  # ≈ 123 MB; float64 would be twice that
    assert data.X.base is not None and data.X.base.nbytes == data.X.nbytes  # one array, viewed read-only


GOOD_X, GOOD_Y = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), np.array([0, 1, 1])


@pytest.mark.parametrize(
    ("X", "y", "classes", "message"),
    [
        (np.zeros((0, 2)), np.zeros(0, dtype=int), None, "no data"),
        (np.zeros(3), GOOD_Y, None, "2-D"),
        (np.zeros((3, 0)), GOOD_Y, None, "no features"),
        (GOOD_X, np.array([0, 1]), None, "3 rows"),
        (GOOD_X, np.array([0.0, 1.0, 1.0]), None, "integers"),
        (GOOD_X, np.array([0, 1, 3]), 3, r"0\.\.2"),
        (GOOD_X, np.array([0, -1, 1]), None, r"labels must lie"),
        (np.array([[0.0, 1.0], [np.nan, 0.0], [2.0, np.inf]]), GOOD_Y, None, "non-finite.*row 1"),
        (GOOD_X, np.array([1, 1, 1]), None, "only one class in the data: nothing to separate"),
        (GOOD_X, np.array([0, 0, 0]), 1, "only one class"),
    ],
)
def test_check_data_says_what_is_wrong(X, y, classes, message):
    with pytest.raises(ValueError, match=message):
        check_data(X, y, classes)


def test_check_data_accepts_good_data():
    assert check_data(GOOD_X, GOOD_Y) == 2
    assert check_data(GOOD_X.astype(np.float32), GOOD_Y.astype(np.uint8), classes=5) == 5
