"""The network page's data: a 2D set of ``gdviz.linear.data.DATASETS_2D`` with its noise, split into a
training and a test set, everything drawn from one seed.

``network_data(name, noise, split, seed)`` returns ``NetworkData(train, test)``: ``split`` is the share
of the points held out for testing (each class split alike, by ``train_test_split``), 0 for no test set.
The points stay 2D; the network's inputs are computed from them (gdviz.network.features).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..linear.data import DATASETS_2D, Dataset, train_test_split

POINTS = 300  # TensorFlow Playground's 500 would cost every rerun two thirds more training
MAX_SPLIT = 0.9  # a tenth of the points at least stay to train on
BOX = ((-2.0, 2.0), (-2.0, 2.0))  # the map's extent: every set lies within about ±1.5, noise included


class NetworkData(NamedTuple):
    train: Dataset
    test: Dataset | None  # None when split is 0


def network_data(name: str, noise: float, split: float, seed: int, n: int = POINTS) -> NetworkData:
    """``n`` points of data set ``name`` (noise ``noise``, seed ``seed``), ``split`` of them held out for testing."""
    if name not in DATASETS_2D:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS_2D)}")
    if not (np.isfinite(split) and 0 <= split <= MAX_SPLIT):
        raise ValueError(f"the test share must be from 0 to {MAX_SPLIT:g}, got {split:g}")
    full = DATASETS_2D[name].build(n=n, noise=noise, seed=seed)
    if split == 0:
        return NetworkData(full, None)
    train, test = train_test_split(full, test_fraction=split, seed=seed)
    return NetworkData(train, test)
