"""Small fully connected networks, numpy only: ``train_mlp`` and the forward and backward passes it runs.

``model`` holds the network (parameters as ``[(W, b), ...]``, scores ``h @ W + b``), ``activations``
one record per activation, ``train`` the training loop (train_linear's, for a network).
"""

from .activations import ACTIVATIONS, Activation, activation
from .model import (
    Forward,
    RegionGrid,
    backward,
    decision_regions,
    flatten,
    forward,
    init_params,
    layer_sizes,
    loss_and_grads,
    unflatten,
)
from .train import MLPRun, train_mlp

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Forward",
    "MLPRun",
    "RegionGrid",
    "activation",
    "backward",
    "decision_regions",
    "flatten",
    "forward",
    "init_params",
    "layer_sizes",
    "loss_and_grads",
    "train_mlp",
    "unflatten",
]
