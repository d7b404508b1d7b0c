"""Linear classifiers: losses, gradient checks, data sets, training and search for weights."""

from .data import DATASETS_2D, Dataset, add_bias, check_data, cifar_like, load_digits, standardize, train_test_split
from .gradcheck import BUGS, GradCheck, HSweep, check_loss, grad_check_sparse, h_sweep, numerical_gradient, rel_error

__all__ = [
    "BUGS",
    "DATASETS_2D",
    "Dataset",
    "GradCheck",
    "HSweep",
    "add_bias",
    "check_data",
    "check_loss",
    "cifar_like",
    "grad_check_sparse",
    "h_sweep",
    "load_digits",
    "numerical_gradient",
    "rel_error",
    "standardize",
    "train_test_split",
]
