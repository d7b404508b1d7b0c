"""gdviz: gradient descent, made visible. The numerical core: numpy only, no streamlit, no plotly.

The public names below are the ones pages, tests and benchmarks rely on: keep them stable, add freely.
"""

from .expression import Expression, ExpressionError, parse_expression
from .linear.gradcheck import numerical_gradient
from .linear.losses import softmax_loss_naive, softmax_loss_vectorized, svm_loss_naive, svm_loss_vectorized
from .linear.train import LinearRun, train_linear
from .network import MLPRun, train_mlp
from .optimizers import OPTIMIZERS, HyperParam, Optimizer, OptimizerSpec
from .schedules import SCHEDULES
from .snippet import torch_snippet
from .surface import (
    REASONS,
    SURFACES,
    BasinMap,
    Endpoints,
    Surface,
    Sweep,
    Trajectory,
    basin_map,
    custom_surface,
    endpoints,
    log_lrs,
    lr_sweep,
    quadratic,
    run,
    stability_limit,
)

__all__ = [
    "OPTIMIZERS",
    "REASONS",
    "SCHEDULES",
    "SURFACES",
    "BasinMap",
    "Endpoints",
    "Expression",
    "ExpressionError",
    "HyperParam",
    "LinearRun",
    "MLPRun",
    "Optimizer",
    "OptimizerSpec",
    "Surface",
    "Sweep",
    "Trajectory",
    "basin_map",
    "custom_surface",
    "endpoints",
    "log_lrs",
    "lr_sweep",
    "numerical_gradient",
    "parse_expression",
    "quadratic",
    "run",
    "softmax_loss_naive",
    "softmax_loss_vectorized",
    "stability_limit",
    "svm_loss_naive",
    "svm_loss_vectorized",
    "torch_snippet",
    "train_linear",
    "train_mlp",
]
