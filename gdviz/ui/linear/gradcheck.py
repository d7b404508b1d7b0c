"""Cached gradient checks for the gradient-check page: the loss's analytic gradient against numerical ones on a
small digits problem, at one step h or swept over every h offered."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from ...linear.data import add_bias
from ...linear.gradcheck import BUGS, GradCheck, HSweep, check_loss, h_sweep_linear, h_sweeps_linear
from ...linear.losses import LOSSES
from ..lane import turn
from .runs import digits_split

HS = tuple(10.0**-k for k in range(1, 13))  # the steps h the gradient check offers
GRADCHECK_N = 100  # examples of the gradient-check problem: small enough to sweep every entry of W for every h


def gradcheck_problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X (100, 65) digits with the bias column, y, and a seeded small W (65, 10)."""
    train, _ = digits_split()
    W = 0.01 * np.random.default_rng(seed).standard_normal((train.X.shape[1] + 1, train.classes))
    return add_bias(train.X[:GRADCHECK_N]), train.y[:GRADCHECK_N], W


def loss_fn(loss: str, bug: str | None):
    return BUGS[bug].apply(LOSSES[loss]) if bug else LOSSES[loss]


@st.cache_data(max_entries=64, max_size="1MB", show_spinner=False)  # an entry: 2 kB (50 rows)
def grad_check(loss: str, bug: str | None, reg: float, method: str, h: float, num_checks: int, seed: int) -> GradCheck:
    X, y, W = gradcheck_problem(seed)
    return check_loss(loss_fn(loss, bug), W, X, y, reg, num_checks=num_checks, h=h, method=method, seed=seed)


@st.cache_data(max_entries=32, max_size="1MB", show_spinner="Sweeping h over every entry of W…")  # an entry: 1 kB
def h_sweeps(loss: str, bug: str | None, reg: float, seed: int, hs: tuple[float, ...]) -> dict[str, HSweep]:
    X, y, W = gradcheck_problem(seed)
    _, dW = loss_fn(loss, bug)(W, X, y, reg)
    t0 = time.thread_time()
    h_sweep_linear(loss, W, X, y, reg, dW, hs[:1], "forward", bug)  # 2 of the sweeps' 1 + 2 · len(hs) batched losses
    with turn(len(hs) * (time.thread_time() - t0), "The sweep over h"):  # a few tenths of a second per setting
        return h_sweeps_linear(loss, W, X, y, reg, dW, hs, ("forward", "centered"), bug)
