"""Cached core calls of the network page, keyed on ``NetworkSettings.key()`` (names, numbers, tuples).

Training runs in the server's lane when it is estimated to take ``lane.HEAVY_SECONDS`` or more (a big
network, thousands of iterations): its estimate is the fastest of a few timed loss-and-gradient passes
of this very network on one batch, times the iterations. The stage's data (decision regions of every
snapshot on a ``REGION_GRID``² grid, every neuron's output on a ``UNIT_GRID``² grid) is cached per run
and mode. The three caches hold 6 MB together, what the README's 250 MB for all caches left: 16 default
runs and a dozen stages; a stage evicted costs a rerun about 125 ms (its pictures, panels and spec), a
run its training.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np
import streamlit as st

from ...network import init_params, loss_and_grads
from ...network.data import BOX, NetworkData, network_data
from ...network.features import check_features, feature_matrix
from ...network.graph import ExampleGraph, LayerCheck, example_check, example_graph, worst_example
from ...network.pictures import region_classes, unit_outputs
from ...network.train import MLPRun, train_mlp
from ...surface.problems import MAX_STEPS  # the race's limit: more would tie up a shared server
from ...viz.network import network_panels
from ...viz.stage import stage_spec
from ..lane import turn
from .controls import MAX_LAYERS, MAX_WIDTH, NetworkSettings

REGION_GRID = 64  # cells a side of the map's picture: smooth at a projector's 500 px, 50 ms for 101 snapshots
UNIT_GRID = 20  # cells a side of a neuron's picture (drawn 30 to 60 px wide)
PROBES = 3  # loss-and-gradient passes timed for an estimate
OVERHEAD = 1.6  # a training iteration's cost over its loss-and-gradient pass: the optimizer, batches, snapshots


@st.cache_data(max_entries=64, max_size="1MB", show_spinner=False)  # 8 kB a data set
def network_dataset(dataset: str, noise: float, split: float, seed: int) -> NetworkData:
    return network_data(dataset, noise, split, seed)


def data_of(s: NetworkSettings) -> NetworkData:
    return network_dataset(s.dataset, s.noise, s.split, s.seed)


def check_shape(s: NetworkSettings) -> None:
    """A ValueError in words unless the iterations and the hidden layers are within the page's limits."""
    if not 1 <= s.steps <= MAX_STEPS:
        raise ValueError(f"iterations must be from 1 to {MAX_STEPS:,}, got {s.steps:,}")
    if len(s.hidden) > MAX_LAYERS or not all(1 <= w <= MAX_WIDTH for w in s.hidden):
        raise ValueError(f"the page draws up to {MAX_LAYERS} hidden layers of 1 to {MAX_WIDTH} neurons each")


def estimate_seconds(X: np.ndarray, y: np.ndarray, s: NetworkSettings) -> float:
    """What training will take: a few timed passes over one batch, times the iterations."""
    sizes = (X.shape[1], *s.hidden, int(y.max()) + 1)
    params = init_params(sizes, np.random.default_rng(0))
    Xb, yb = X[: s.batch or len(X)], y[: s.batch or len(y)]
    times = []
    for _ in range(PROBES):  # the fastest: a first pass may wait for memory or BLAS threads to wake (30× slower)
        t0 = time.perf_counter()
        loss_and_grads(params, Xb, yb, activation=s.activation, loss=s.loss, reg=s.reg)
        times.append(time.perf_counter() - t0)
    return s.steps * OVERHEAD * min(times)


@st.cache_data(max_entries=32, max_size="2MB", show_spinner="Training…")  # a default run 120 kB, the biggest 0.9 MB
def train_network(key: tuple) -> MLPRun:
    """``train_mlp`` on the page's data and features; raises ValueError in words (the page shows it)."""
    s = NetworkSettings.from_key(key)
    check_shape(s)
    features = check_features(s.features)
    train, test = data_of(s)
    X = feature_matrix(train.X, features)
    X_test, y_test = (None, None) if test is None else (feature_matrix(test.X, features), test.y)
    with turn(estimate_seconds(X, train.y, s), "This training"):
        return train_mlp(
            X,
            train.y,
            hidden=s.hidden,
            activation=s.activation,
            loss=s.loss,
            optimizer=s.optimizer,
            steps=s.steps,
            batch_size=s.batch or None,
            reg=s.reg,
            seed=s.seed,
            schedule=s.schedule,
            X_test=X_test,
            y_test=y_test,
            **s.hyper,
        )


@st.cache_data(max_entries=16, max_size="3MB", show_spinner=False)  # a default spec 230 kB, the biggest 780 kB
def network_stage(key: tuple, projection: bool) -> dict:
    """What the stage plays for ``train_network``'s run: iterations 0 … its last snapshot's."""
    s, run = NetworkSettings.from_key(key), train_network(key)
    regions = region_classes(run.snapshot_params, run.activation, s.features, BOX, REGION_GRID)
    units = unit_outputs(run.snapshot_params, run.activation, s.features, BOX, UNIT_GRID)
    panels = network_panels(run, data_of(s), s.features, regions, units, box=BOX, compact=projection)
    return stage_spec(panels, int(run.snapshot_steps[-1]), projection=projection, trail_toggle=False)


H = 1e-5  # the backprop check's centered difference step


class BackpropExample(NamedTuple):
    """One training example of a run, its graph and its gradient check: what the backprop section shows."""

    index: int  # in the training set
    x: np.ndarray  # its features
    y: int
    graph: ExampleGraph
    checks: tuple[LayerCheck, ...]


# made once per run and example (a class on the teacher's link: once, not thirty times; every rerun of one
# visitor's page: once, not per rerun): 45% of a warm rerun of the page. An entry is 16 kB (two layers of 8), at
# most 52 kB (four of 16, every input feature)
@st.cache_data(max_entries=32, max_size="2MB", show_spinner=False)
def backprop_example(key: tuple, index: int | None) -> BackpropExample:
    """``train_network(key)``'s run on training example ``index`` (None: the worst-classified one)."""
    s, run = NetworkSettings.from_key(key), train_network(key)
    X, y = feature_matrix(data_of(s).train.X, s.features).astype(np.float64), np.asarray(data_of(s).train.y)
    i = worst_example(run.params, X, y, activation=run.activation, loss=run.loss) if index is None else index
    graph = example_graph(run.params, X[i], y[i], activation=run.activation, loss=run.loss, reg=run.reg)
    checks = example_check(run.params, X[i], y[i], activation=run.activation, loss=run.loss, reg=run.reg, h=H)
    return BackpropExample(i, X[i], int(y[i]), graph, tuple(checks))
