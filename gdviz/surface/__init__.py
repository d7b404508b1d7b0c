"""The 2D surfaces optimizers race on, and everything done on them. Numpy only.

``functions`` holds the test functions (``SURFACES``, one ``Surface`` record each) and ``formula`` a surface
from a typed formula; ``trajectory`` runs optimizers on a surface (``run``, ``endpoints``); ``basins``,
``sweep`` and ``tuning`` (judged by ``tuning_rule``) run a whole grid of starts or of learning rates;
``inspector`` writes a step out with its numbers; ``presets`` holds the classic races and the starting
learning rates; ``race_table`` the race table's rows; ``problems`` refuses settings with a sentence and
``cost`` estimates what a run costs the server.
"""

from .basins import BasinMap, basin_map
from .formula import custom_surface
from .functions import SURFACES, Surface, quadratic
from .sweep import Sweep, log_lrs, lr_sweep, stability_limit
from .trajectory import REASONS, Endpoints, Trajectory, endpoints, run

__all__ = [
    "REASONS",
    "SURFACES",
    "BasinMap",
    "Endpoints",
    "Surface",
    "Sweep",
    "Trajectory",
    "basin_map",
    "custom_surface",
    "endpoints",
    "log_lrs",
    "lr_sweep",
    "quadratic",
    "run",
    "stability_limit",
]
