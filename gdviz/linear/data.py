"""Data sets for linear classifiers: every builder returns a read-only ``Dataset``.

A Dataset holds ``X (N, D)`` features, without the bias column unless ``bias`` says so, and ``y (N,)``
integer labels in ``0..classes-1``. Builders are seeded (``np.random.default_rng(seed)``) and
deterministic. ``DATASETS_2D`` lists the two-feature sets drawn as pictures (coordinates within
about [-1.5, 1.5]²); ``load_digits`` and ``cifar_like`` are the bigger ones. ``check_data`` says,
in words, what is wrong with data a page or a training run was given.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

DIGITS_NPZ = Path(__file__).resolve().parents[1] / "data" / "digits.npz"  # written by gdviz/data/make_digits.py


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """Features ``X (N, D)`` and labels ``y (N,)``, both stored as read-only views."""

    name: str
    title: str
    X: np.ndarray
    y: np.ndarray
    classes: int
    class_names: tuple[str, ...]
    description: str
    bias: bool = False  # True when X's last column is already the bias column of ones

    def __post_init__(self):
        for field in ("X", "y"):
            view = np.asarray(getattr(self, field)).view()
            view.flags.writeable = False
            object.__setattr__(self, field, view)


def check_data(X, y, classes=None) -> int:
    """Raise ValueError, in words, unless X (N, D) and y (N,) can train a classifier; return the class count C."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, D), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("no data: X has no rows")
    if X.shape[1] == 0:
        raise ValueError("X has no features (D = 0)")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has shape {y.shape}: one label per row is needed")
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers 0..C-1, got dtype {y.dtype}")
    if X.dtype.kind not in "fiu":
        raise ValueError(f"features must be real numbers, got dtype {X.dtype}")
    bad = np.flatnonzero(~np.isfinite(X).all(axis=1))
    if bad.size:
        raise ValueError(f"X has non-finite features (nan or inf) in {bad.size} rows, the first is row {bad[0]}")
    C = int(y.max()) + 1 if classes is None else int(classes)
    if y.min() < 0 or y.max() >= C:
        raise ValueError(f"labels must lie in 0..{C - 1}, found {int(y.min())}..{int(y.max())}")
    if C < 2 or np.all(y == y[0]):
        raise ValueError("only one class in the data: nothing to separate")
    return C


def add_bias(X):
    """The bias trick: append a column of ones, (N, D) -> (N, D + 1), keeping X's dtype; W then gains a row."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, D), got shape {X.shape}")
    out = np.ones((X.shape[0], X.shape[1] + 1), dtype=X.dtype)
    out[:, :-1] = X
    return out


def standardize(X, like=None):
    """(X − mean) / std per feature, both from ``like`` (the training data; X itself by default); float64.

    Constant features (std 0, such as the digits' blank corner pixels) are only centered.
    """
    X = np.asarray(X, dtype=np.float64)
    like = X if like is None else np.asarray(like, dtype=np.float64)
    std = like.std(axis=0)
    return (X - like.mean(axis=0)) / np.where(std > 0, std, 1.0)


def _check(n, noise):
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")


def _counts(n, k):
    """n points split over k classes as evenly as possible, the first classes taking the remainder."""
    return [n // k + (c < n % k) for c in range(k)]


def _build2d(name, X, y, rng, classes):
    order = rng.permutation(len(y))  # mixed classes, so that any mini-batch sees all of them
    spec = DATASETS_2D[name]
    names = tuple(f"class {c}" for c in range(classes))
    return Dataset(name, spec.title, X[order], y[order].astype(np.intp), classes, names, spec.description)


def blobs(n=300, noise=0.25, seed=0, k=3):
    """k Gaussian blobs, std ``noise``, centered on the unit circle (the first at the top)."""
    _check(n, noise)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k <= 10:
        raise ValueError(f"k must be a whole number from 2 to 10, got {k!r}")
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(k), _counts(n, k))
    angles = np.pi / 2 + 2 * np.pi * np.arange(k) / k
    centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return _build2d("blobs", centers[y] + noise * rng.standard_normal((n, 2)), y, rng, k)


def moons(n=200, noise=0.1, seed=0):
    """Two interleaved half circles (scikit-learn's moons, shifted to the origin), Gaussian noise of std ``noise``."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _counts(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    X = np.concatenate([upper, lower]) - [0.5, 0.25] + noise * rng.standard_normal((n, 2))
    return _build2d("moons", X, np.repeat([0, 1], [n0, n1]), rng, 2)


def circles(n=200, noise=0.08, seed=0):
    """A circle of radius 1 around one of radius 0.5, Gaussian noise of std ``noise``."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    counts = _counts(n, 2)
    rings = [r * _ring(m) for r, m in zip((1.0, 0.5), counts, strict=True)]
    X = np.concatenate(rings) + noise * rng.standard_normal((n, 2))
    return _build2d("circles", X, np.repeat([0, 1], counts), rng, 2)


def _ring(m):
    t = np.linspace(0, 2 * np.pi, m, endpoint=False)
    return np.stack([np.cos(t), np.sin(t)], axis=1)


def spiral(n=300, noise=0.2, seed=0):
    """CS231n's spiral: 3 arms, radius 0 to 1, each turning 4 radians, the angle jittered by ``noise`` radians."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    counts = _counts(n, 3)
    y = np.repeat(np.arange(3), counts)
    r = np.concatenate([np.linspace(0.0, 1.0, m) for m in counts])
    t = np.concatenate([np.linspace(4 * j, 4 * (j + 1), m) for j, m in enumerate(counts)])
    t = t + noise * rng.standard_normal(n)
    return _build2d("spiral", np.stack([r * np.sin(t), r * np.cos(t)], axis=1), y, rng, 3)


def xor(n=200, noise=0.1, seed=0):
    """Uniform points in [-1, 1]²: class 0 where x₁·x₂ > 0, class 1 in the other quadrants; noise std ``noise``."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], _counts(n, 2))
    X = rng.uniform(0, 1, (n, 2)) * rng.choice([-1, 1], size=(n, 1))
    X[:, 1] *= 1 - 2 * y  # opposite signs for class 1
    return _build2d("xor", X + noise * rng.standard_normal((n, 2)), y, rng, 2)


class Spec2D(NamedTuple):
    build: Callable[..., Dataset]  # (n=..., noise=..., seed=0) -> Dataset
    title: str
    description: str
    classes: int
    noise_max: float  # a slider's upper end: beyond it the classes drown


DATASETS_2D: dict[str, Spec2D] = {
    "blobs": Spec2D(blobs, "Blobs", "Gaussian clusters: a line per pair of classes separates them.", 3, 1.0),
    "moons": Spec2D(moons, "Moons", "Two interleaved half circles: a line gets most, never all.", 2, 0.5),
    "circles": Spec2D(circles, "Circles", "One ring inside another: no line separates them.", 2, 0.3),
    "spiral": Spec2D(spiral, "Spiral", "CS231n's three spiral arms: a linear classifier gets about half.", 3, 1.0),
    "xor": Spec2D(xor, "XOR", "Opposite quadrants share a class: the classic problem no line solves.", 2, 0.5),
}


@functools.lru_cache(maxsize=1)
def load_digits() -> Dataset:
    """The 8×8 handwritten digits: X (1797, 64) float64 pixels scaled from 0..16 to [0, 1], y (1797,) in 0..9."""
    with np.load(DIGITS_NPZ) as npz:
        images, labels = npz["images"], npz["labels"]
    X = images.reshape(len(images), -1) / 16.0
    names = tuple(str(c) for c in range(10))
    about = "1,797 scanned handwritten digits, 8×8 pixels each (UCI ML hand-written digits, CC BY 4.0)."
    return Dataset("digits", "Handwritten digits (8×8)", X, labels.astype(np.intp), 10, names, about)


def train_test_split(dataset: Dataset, test_fraction=0.2, seed=0) -> tuple[Dataset, Dataset]:
    """Split each class's examples at random, ``round(test_fraction · count)`` to the test set; both shuffled."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction!r}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in range(dataset.classes):
        members = rng.permutation(np.flatnonzero(dataset.y == c))
        cut = round(test_fraction * members.size)
        test.append(members[:cut])
        train.append(members[cut:])
    parts = [rng.permutation(np.concatenate(p)) for p in (train, test)]
    if not all(p.size for p in parts):
        raise ValueError(f"{len(dataset.y)} examples are too few to split at test_fraction={test_fraction}")
    train, test = (_subset(dataset, idx, part) for part, idx in zip(("train", "test"), parts, strict=True))
    return train, test


def _subset(dataset, idx, part):
    name, title = f"{dataset.name}/{part}", f"{dataset.title} ({part})"
    return dataclasses.replace(dataset, name=name, title=title, X=dataset.X[idx], y=dataset.y[idx])


def cifar_like(n=10_000, d=3_073, classes=10, seed=0, dtype=np.float32) -> Dataset:
    """The notebook's CIFAR-shaped problem: N × 3,072 standard-normal "pixels", the bias column last, random labels.

    Drawn straight into one (n, d) array of ``dtype`` (float32: ~123 MB at full size, no float64 copy).
    With random labels there is nothing to learn: on new data accuracy stays at chance and the loss at
    or above its value at W = 0 (C − 1 hinge, ln C softmax); 30,730 weights can still memorize 10,000
    training labels, so a falling training loss here is memorization. It is a lesson in speed.
    """
    _check(n, 0.0)
    if d < 2 or classes < 2:
        raise ValueError(f"need d ≥ 2 (one feature and the bias) and classes ≥ 2, got d={d}, classes={classes}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    rng = np.random.default_rng(seed)
    X = np.empty((n, d), dtype=dtype)
    rng.standard_normal(out=X, dtype=dtype)  # the last column's draws are overwritten: out= must be contiguous
    X[:, -1] = 1
    y = rng.integers(0, classes, size=n).astype(np.intp)
    names = tuple(f"class {c}" for c in range(classes))
    about = "Gaussian noise with random labels, CIFAR-10's shape (3,072 pixels + bias): a speed lesson."
    return Dataset("cifar_like", "CIFAR-shaped noise", X, y, classes, names, about, bias=True)
