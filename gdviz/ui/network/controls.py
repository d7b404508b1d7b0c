"""Settings of the network page (/network): sidebar widgets in, plain ``NetworkSettings`` out.

TensorFlow Playground's controls: a 2D data set with its noise and train/test split, the input
features, the hidden layers, the activation, then the training settings the linear pages have (loss,
optimizer and its hyperparameters from the record, schedule, batch size, regularization, steps, seed).
Every widget is keyed under ``nn.`` and starts from session state (gdviz.network.presets.DEFAULT), so a
lesson or a link can set any of them from a callback. The hidden layers are a count (0 to 4) and one
width (1 to 16) per layer: ``nn.layers`` and ``nn.width.<i>``.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ...linear.data import DATASETS_2D
from ...linear.losses import TITLES
from ...network import ACTIVATIONS
from ...network.data import MAX_SPLIT
from ...network.features import FEATURES
from ...network.presets import DEFAULT, LESSONS
from ...network.train import NOT_FOR_NETWORKS
from ...optimizers import OPTIMIZERS
from ..linear.controls import BATCHES, batch_label
from ..widgets import (
    defaults,
    frozen_schedule,
    hyper_key,
    hyper_widgets,
    only_options,
    schedule_picker,
    schedule_state,
    schedule_value,
    widget_value,
)

PREFIX = "nn"
MAX_LAYERS, MAX_WIDTH = 4, 16
NETWORK_OPTIMIZERS = tuple(n for n in OPTIMIZERS if n not in NOT_FOR_NETWORKS)
LESSON = "nn.lesson"  # the lesson last chosen: its "what to watch" shows until a setting changes


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

    @classmethod
    def from_key(cls, key: tuple) -> NetworkSettings:
        """``key()``'s inverse."""
        return cls(*key[:8], dict(key[8]), schedule_value(key[9]), *key[10:])


def _key(name: str) -> str:
    return f"{PREFIX}.{name}"


def widget_state(settings: dict) -> dict:
    """The session-state values that make the widgets show ``settings`` (NetworkSettings' fields by name):
    the hidden layers as a count and widths, the optimizer's hyperparameters (its defaults where ``hyper``
    names none) and its schedule."""
    opt = settings["optimizer"]
    state = {_key(k): settings[k] for k in ("dataset", "noise", "split", "activation", "loss", "optimizer")}
    state |= {_key(k): settings[k] for k in ("steps", "batch", "reg", "seed")}
    state[_key("features")] = list(settings["features"])
    state[_key("layers")] = len(settings["hidden"])
    state |= {_key(f"width.{i}"): w for i, w in enumerate(settings["hidden"])}
    spec = OPTIMIZERS[opt]
    values = spec.defaults() | dict(settings["hyper"])
    for h in spec.hyper:
        if isinstance(values[h.name], tuple):
            state |= {hyper_key(opt, h.name, i, PREFIX): float(v) for i, v in enumerate(values[h.name])}
        else:
            state[hyper_key(opt, h.name, prefix=PREFIX)] = widget_value(h, values[h.name])
    return state | schedule_state(opt, settings["schedule"], PREFIX)


def apply_lesson(name: str) -> None:
    """Callback: every setting as the lesson has it (the defaults where it says nothing), then its note."""
    st.session_state.update(widget_state(LESSONS[name].settings))
    st.session_state[LESSON] = name


def lesson_buttons() -> None:
    """The lessons, and under the one chosen what to watch in it."""
    st.subheader("Lessons")
    for name, lesson in LESSONS.items():
        st.button(lesson.title, key=f"nn.lesson.{name}", on_click=apply_lesson, args=(name,), width="stretch")
        if st.session_state.get(LESSON) == name:
            st.info(f"**What to watch:** {lesson.watch}")


def data_controls() -> tuple[str, float, float]:
    st.subheader("Data")
    name = st.selectbox("Data set", list(DATASETS_2D), format_func=lambda n: DATASETS_2D[n].title, key=_key("dataset"))
    c1, c2 = st.columns(2)
    noise = c1.number_input("Noise", min_value=0.0, step=0.05, format="%g", key=_key("noise"))
    split = c2.number_input(
        "Test share",
        step=0.1,
        format="%g",
        key=_key("split"),
        help=f"the share of the points held out to test on, 0 to {MAX_SPLIT:g} (0: no test set)",
    )
    return name, float(noise), float(split)


def network_shape() -> tuple[tuple[str, ...], tuple[int, ...], str]:
    """The input features, the hidden layers' widths and the activation."""
    st.subheader("Network")
    features = st.pills(
        "Input features",
        list(FEATURES),
        selection_mode="multi",
        format_func=lambda f: FEATURES[f].title,
        key=_key("features"),
        help="what the network is given of each point (x, y): TensorFlow Playground's features",
    )
    layers = st.number_input(
        "Hidden layers",
        min_value=0,
        max_value=MAX_LAYERS,
        step=1,
        key=_key("layers"),
        help="0 is the linear classifier",
    )
    columns = st.columns(2)
    widths = []
    for i in range(int(layers)):
        st.session_state.setdefault(_key(f"width.{i}"), 4)
        with columns[i % 2]:
            widths.append(
                st.number_input(
                    f"Neurons, layer {i + 1}", min_value=1, max_value=MAX_WIDTH, step=1, key=_key(f"width.{i}")
                )
            )
    activation = st.selectbox(
        "Activation",
        list(ACTIVATIONS),
        format_func=lambda a: ACTIVATIONS[a].title,
        key=_key("activation"),
        help="of every hidden neuron",
    )
    return tuple(features or ()), tuple(int(w) for w in widths), activation


def training_controls() -> tuple:
    """Loss, optimizer with its hyperparameters and schedule, batch size, regularization, iterations, seed."""
    st.subheader("Training")
    loss = st.radio("Loss", list(TITLES), format_func=TITLES.get, key=_key("loss"), horizontal=True)
    only_options(_key("optimizer"), NETWORK_OPTIMIZERS)
    optimizer = st.selectbox(
        "Optimizer", NETWORK_OPTIMIZERS, format_func=lambda n: OPTIMIZERS[n].title, key=_key("optimizer")
    )
    with st.expander(f"{OPTIMIZERS[optimizer].title} settings", expanded=True):
        start = DEFAULT["hyper"] if optimizer == DEFAULT["optimizer"] else OPTIMIZERS[optimizer].linear_start
        hyper = hyper_widgets(OPTIMIZERS[optimizer], optimizer, start=start, prefix=PREFIX)
        schedule = schedule_picker(optimizer, prefix=PREFIX)
    batch = st.selectbox("Batch size", BATCHES, format_func=batch_label, key=_key("batch"))
    reg = st.number_input(
        "Regularization (reg)", step=1e-3, format="%g", key=_key("reg"), help="loss = mean data loss + reg · ΣW²"
    )
    c1, c2 = st.columns(2)
    steps = c1.number_input("Iterations", step=100, format="%d", key=_key("steps"), help="1 to 5,000")
    seed = c2.number_input(
        "Seed",
        min_value=0,
        step=1,
        format="%d",
        key=_key("seed"),
        help="the data, the split, the first weights, the batches",
    )
    return loss, optimizer, hyper, schedule, int(steps), batch, float(reg), int(seed)


def network_controls() -> NetworkSettings:
    """The sidebar: lessons, data, network, training; returns what they say."""
    defaults(widget_state(DEFAULT))
    lesson = LESSONS.get(st.session_state.get(LESSON, ""))
    if lesson and any(st.session_state.get(k) != v for k, v in widget_state(lesson.settings).items()):
        st.session_state.pop(LESSON, None)  # a setting moved away from the lesson: its note no longer describes the run
    lesson_buttons()
    dataset, noise, split = data_controls()
    features, hidden, activation = network_shape()
    loss, optimizer, hyper, schedule, steps, batch, reg, seed = training_controls()
    return NetworkSettings(
        dataset, noise, split, features, hidden, activation, loss, optimizer, hyper, schedule, steps, batch, reg, seed
    )
