"""The record of one network's training: ``MLPRun``, what ``train_mlp`` (gdviz/network/train.py) returns.

Plain arrays and numbers from the run itself, which the pages, the stage, the exports and the script read;
its properties only name parts of them, and ``epochs_at`` turns updates into passes over the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..linear.train import epochs


@dataclass(frozen=True)
class MLPRun:
    """Everything recorded while training. T = ``iterations``, the updates taken; L layers.

    params                    the final ``((W, b), ...)``: θ_T, or θ_{T-1} when update T diverged
    losses (T,)               losses[t] is the batch loss at θ_t, the one update t+1 used (reg included)
    eval_steps (E,)           iterations at which the full data was scored, 0 and the end included: the
                              snapshots for full batch, each epoch for mini-batch (or every few, about
                              100 in all), or every ``every`` iterations when it is given
    train_loss, train_acc (E,)    full training data's loss (reg included) and accuracy there
    test_loss, test_acc (E,)      the same on (X_test, y_test), or None without test data
    snapshot_steps (k,)       the iterations whose parameters were kept for playback, 0 and the end included
    snapshot_params           ``((W (k, fan_in, fan_out), b (k, fan_out)), ...)``: each layer at those iterations
    snapshot_loss, snapshot_acc (k,)  full training data's loss and accuracy of each snapshot
    diverged_at               the update whose result diverged (θ is kept from just before), else None
    cause                     what diverged, in a sentence ("" if nothing did)
    reason                    "steps" or "diverged"
    sizes                     the layer widths (D, *hidden, C)
    lrs (steps,)              the learning rate of each planned update, scheduled or constant
    schedule                  (name, kwargs) with every argument filled in, or None
    """

    params: tuple
    losses: np.ndarray
    eval_steps: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    test_loss: np.ndarray | None
    test_acc: np.ndarray | None
    snapshot_steps: np.ndarray
    snapshot_params: tuple
    snapshot_loss: np.ndarray
    snapshot_acc: np.ndarray
    diverged_at: int | None
    cause: str
    reason: str
    iterations: int
    batch_size: int
    full_batch: bool
    epochs: float
    sizes: tuple[int, ...]
    activation: str
    loss: str
    optimizer: str
    hyper: dict
    reg: float
    seed: int
    steps: int
    examples: int
    lrs: np.ndarray
    schedule: tuple | None

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    @property
    def final_loss(self) -> float:
        return float(self.train_loss[-1])

    @property
    def final_acc(self) -> float:
        return float(self.train_acc[-1])

    @property
    def diverged(self) -> bool:
        return self.reason == "diverged"

    def epochs_at(self, t: int) -> float:
        """Passes over the data that the first ``t`` updates made (examples seen / N)."""
        return epochs(t, self.examples, self.full_batch, self.batch_size)
