"""Settings of the linear-classifier pages: sidebar widgets in, plain ``TrainSettings`` out.

Each page passes its own key ``prefix`` ("lc", "digits"), so one page's learning rate never
leaks into another's. Starting values go through session state, as on the race page.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ...linear.data import DATASETS_2D
from ...linear.losses import TITLES
from ...optimizers import OPTIMIZERS
from ..widgets import defaults, frozen_schedule, hyper_widgets, schedule_picker

DEFAULT_DATA = "blobs"
BATCHES = (0, 256, 128, 64, 32, 1)  # 0 is the full batch (vanilla GD): a selectbox reads None as "no choice"


def batch_label(b: int | None) -> str:
    return "full (vanilla GD)" if not b else "1 (SGD)" if b == 1 else f"{b} (mini-batch)"


class TrainSettings(NamedTuple):
    loss: str
    optimizer: str
    hyper: dict
    steps: int
    batch: int  # 0 = full batch
    reg: float
    seed: int
    schedule: tuple | None = None  # (name, kwargs) as train_linear takes it, or None

    def key(self) -> tuple:
        """The arguments of the cached training calls after the data: plain values only. The optimizer's keyword
        arguments are its hyperparameters and, when it has one, ``("schedule", frozen_schedule(...))``, as
        train_linear takes them."""
        batch = self.batch or None  # train_linear's full batch
        keywords = tuple(self.hyper.items())
        if self.schedule is not None:
            keywords += (("schedule", frozen_schedule(self.schedule)),)
        return (self.loss, self.optimizer, keywords, self.steps, batch, self.reg, self.seed)


def _defaults(prefix: str, **values) -> None:
    defaults({f"{prefix}.{k}": v for k, v in values.items()})


def training_controls(prefix: str, steps: int = 300, batch: int = 0, reg: float = 1e-3) -> TrainSettings:
    """Loss, optimizer and its hyperparameters, batch size, regularization, iterations, seed."""
    _defaults(prefix, loss="softmax", optimizer="sgd", steps=steps, batch=batch, reg=reg, seed=0)
    st.subheader("Training")
    loss = st.radio("Loss", list(TITLES), format_func=TITLES.get, key=f"{prefix}.loss", horizontal=True)
    optimizer = st.selectbox(
        "Optimizer", list(OPTIMIZERS), format_func=lambda n: OPTIMIZERS[n].title, key=f"{prefix}.optimizer"
    )
    with st.expander(f"{OPTIMIZERS[optimizer].title} settings", expanded=True):
        hyper = hyper_widgets(OPTIMIZERS[optimizer], optimizer, start=OPTIMIZERS[optimizer].linear_start, prefix=prefix)
        schedule = schedule_picker(optimizer, prefix=prefix)
    batch = st.selectbox("Batch size", BATCHES, format_func=batch_label, key=f"{prefix}.batch")
    reg = st.number_input(
        "Regularization strength (reg)",
        step=1e-3,
        format="%g",
        key=f"{prefix}.reg",
        help="loss = mean data loss + reg · ΣW²",
    )
    c1, c2 = st.columns(2)
    steps = c1.number_input("Iterations", step=50, format="%d", key=f"{prefix}.steps", help="1 to 5,000")
    seed = c2.number_input(
        "Seed", min_value=0, step=1, format="%d", key=f"{prefix}.seed", help="the starting W and the batches drawn"
    )
    return TrainSettings(loss, optimizer, hyper, int(steps), batch, float(reg), int(seed), schedule)


class DataSettings(NamedTuple):
    name: str
    n: int
    noise: float
    seed: int
    added: tuple

    def key(self) -> tuple:
        return (self.name, self.n, self.noise, self.seed, self.added)


def classes_text(name: str) -> str:
    """What classes data set ``name`` has, in words: "classes 0 and 1", "classes 0, 1 and 2"."""
    *rest, last = range(DATASETS_2D[name].classes)
    return f"classes {', '.join(map(str, rest))} and {last}"


def _fitting_points(prefix: str, name: str) -> tuple:
    """The added points of classes data set ``name`` has; the others (clicked on a set with more) are removed."""
    added = tuple(st.session_state.get(f"{prefix}.added", ()))
    spec = DATASETS_2D[name]
    fit = tuple(p for p in added if p[2] < spec.classes)
    if len(fit) < len(added):
        st.session_state[f"{prefix}.added"] = list(fit)
        n = len(added) - len(fit)
        st.info(f"{n} added point{'s' * (n > 1)} removed: {spec.title} has {classes_text(name)} only.")
    return fit


def data_controls(prefix: str = "lc") -> DataSettings:
    _defaults(prefix, data=DEFAULT_DATA, n=300, noise=0.25, data_seed=0)
    st.subheader("Data")
    name = st.selectbox("Data set", list(DATASETS_2D), format_func=lambda n: DATASETS_2D[n].title, key=f"{prefix}.data")
    c1, c2 = st.columns(2)
    n = c1.number_input("Points", min_value=0, step=50, format="%d", key=f"{prefix}.n", help="1 to 2,000")
    noise = c2.number_input("Noise", min_value=0.0, step=0.05, format="%g", key=f"{prefix}.noise")
    seed = st.number_input("Data seed", min_value=0, step=1, format="%d", key=f"{prefix}.data_seed")
    return DataSettings(name, int(n), float(noise), int(seed), _fitting_points(prefix, name))
