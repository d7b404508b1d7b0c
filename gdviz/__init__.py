"""gdviz: gradient descent, made visible. The numerical core: numpy only, no streamlit, no plotly.

The public names below are the ones pages, tests and benchmarks rely on; see DESIGN.md.
"""

from .optimizers import OPTIMIZERS, HyperParam, Optimizer, OptimizerSpec
from .surfaces import SURFACES, Surface, quadratic
from .trajectory import REASONS, Trajectory, run

__all__ = [
    "OPTIMIZERS",
    "REASONS",
    "SURFACES",
    "HyperParam",
    "Optimizer",
    "OptimizerSpec",
    "Surface",
    "Trajectory",
    "quadratic",
    "run",
]
