"""Settings of the network page (/network): sidebar widgets in, plain ``NetworkSettings`` out.

TensorFlow Playground's controls: a 2D data set with its noise and train/test split, the input
features, the hidden layers, the activation, then the training settings the linear pages have (loss,
optimizer and its hyperparameters from the record, schedule, batch size, regularization, steps, seed).
"""

from __future__ import annotations

from typing import NamedTuple

from .widgets import frozen_schedule


class NetworkSettings(NamedTuple):
    """Everything one run of the network page depends on, as plain values (a cache key, a link)."""

    dataset: str  # a name of gdviz.linear.data.DATASETS_2D
    noise: float  # the data set's noise (its builder's ``noise``)
    split: float  # the share of the points held out as the test set, 0 ≤ split < 1 (0: no test set)
    features: tuple[str, ...]  # names of gdviz.network.features.FEATURES, the network's inputs in order
    hidden: tuple[int, ...]  # the hidden layers' widths, () for none (the linear classifier)
    activation: str  # a name of gdviz.network.ACTIVATIONS, for every hidden layer
    loss: str  # "softmax" or "svm"
    optimizer: str  # a name of gdviz.OPTIMIZERS
    hyper: dict  # the optimizer's hyperparameters, torch's names
    schedule: tuple | None  # (name, kwargs) as train_mlp takes it, or None
    steps: int
    batch: int  # 0 = full batch
    reg: float
    seed: int  # draws the data, the split, the initial weights and the batches

    def key(self) -> tuple:
        """The same settings as nested tuples of plain values (hyper as items, the schedule frozen): a cache key."""
        return (*self[:8], tuple(self.hyper.items()), frozen_schedule(self.schedule), *self[10:])
