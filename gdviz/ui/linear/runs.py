"""Cached core calls for the classifier pages (linear, digits, random search), keyed on plain values (names, numbers,
tuples); the gradient check's are in gradcheck.py."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import streamlit as st

from ...linear.cost import training_seconds
from ...linear.data import DATASETS_2D, Dataset, add_bias, cifar_like, load_digits, train_test_split
from ...linear.train import LinearRun, epochs, same_start, smoothed, train_linear
from ...optimizers import OPTIMIZERS
from ...surface.cost import too_costly
from ...surface.problems import MAX_STEPS  # the race's limit: more would tie up a shared server for minutes
from ...viz.classifier import classifier_panels
from ...viz.stage import stage_spec
from ..lane import turn
from ..widgets import schedule_value

Points = tuple[tuple[float, float, int], ...]  # points added by clicking: (x, y, class)
MAX_POINTS = 2_000  # beyond this the animated figure passes 1 MB and a picture shows nothing more
BOX = ((-2.0, 2.0), (-2.0, 2.0))  # the 2D map's extent


def _check_steps(steps: int) -> None:
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"iterations must be from 1 to {MAX_STEPS:,}, got {steps:,}")


@st.cache_data(max_entries=64, max_size="4MB", show_spinner=False)  # an entry: 48 kB at MAX_POINTS
def dataset_2d(name: str, n: int, noise: float, seed: int, added: Points = ()) -> Dataset:
    """A 2D set from the registry, plus the points the user added by clicking."""
    if n > MAX_POINTS:
        raise ValueError(f"points must be at most {MAX_POINTS:,} (a picture shows no more), got {n:,}")
    d = DATASETS_2D[name].build(n=n, noise=noise, seed=seed)
    if not added:
        return d
    extra = np.asarray(added, dtype=np.float64).reshape(-1, 3)
    X = np.vstack([d.X, extra[:, :2]])
    y = np.concatenate([d.y, extra[:, 2].astype(d.y.dtype)])
    return Dataset(d.name, d.title, X, y, d.classes, d.class_names, d.description)


def _train(d: Dataset, loss, optimizer, hyper: tuple, steps, batch, reg, seed, snapshots: int = 101) -> LinearRun:
    """``train_linear`` on a Dataset with the bias column added; raises ValueError (pages show it). ``hyper``:
    the optimizer's keyword arguments as TrainSettings.key() gives them (a schedule as nested tuples)."""
    seconds = training_cost(d, loss, optimizer, steps, batch, reg, snapshots)
    what = f"Training {OPTIMIZERS[optimizer].title if optimizer in OPTIMIZERS else optimizer} for {steps:,} iterations"
    if refused := too_costly(seconds, what, "lower the iterations"):
        raise ValueError(refused.rstrip("."))  # pages end the sentence
    keywords = dict(hyper)
    schedule = schedule_value(keywords.pop("schedule", None))
    with turn(seconds, "This training"):
        return train_linear(
            add_bias(d.X),
            d.y,
            loss=loss,
            optimizer=optimizer,
            steps=steps,
            batch_size=batch,
            reg=reg,
            seed=seed,
            snapshots=snapshots,
            schedule=schedule,
            **keywords,
        )


def training_cost(d: Dataset, loss: str, optimizer: str, steps: int, batch, reg: float, snapshots: int = 101) -> float:
    """What ``_train`` on ``d`` would cost the server, in seconds (gdviz.linear.cost); checks the steps first."""
    _check_steps(steps)
    return training_seconds(
        add_bias(d.X), d.y, loss=loss, optimizer=optimizer, steps=steps, batch_size=batch, reg=reg, snapshots=snapshots
    )


# an entry is at most about 90 kB (2,000 points, 5,000 steps: the losses and 101 snapshots of W)
@st.cache_data(max_entries=32, max_size="6MB", show_spinner="Training…")  # the page's run; its batch sizes: below
def train_2d(
    data: tuple, loss: str, optimizer: str, hyper: tuple, steps: int, batch: int | None, reg: float, seed: int
) -> LinearRun:
    """``data`` is ``dataset_2d``'s arguments."""
    return _train(dataset_2d(*data), loss, optimizer, hyper, steps, batch, reg, seed)


def batch_curve(
    data: tuple, loss: str, optimizer: str, hyper: tuple, steps: int, batch: int | None, reg: float, seed: int
) -> tuple[np.ndarray, float, int]:
    """``train_2d``'s losses, iterations per epoch and smoothing window, for the batch sizes side by side: the same
    run without the 101 snapshots the stage plays (each scored on the whole set), a third of its work.

    A shorter run is the start of a longer one with the same settings (``same_start``), so a curve of 500 steps is
    cut from one of 1,000 already trained (for this visitor or another) rather than trained again."""
    n = len(dataset_2d(*data).y)
    settings = (data, loss, optimizer, hyper, batch, reg, seed)
    span = _LONGEST.get(settings, steps)
    if (
        not steps <= span <= SHARE * steps
        or dict(hyper).get("schedule") is not None
        or not same_start(n, batch, steps, span)
    ):
        span = steps  # a schedule's defaults follow the run's length
    losses = _light_losses(data, loss, optimizer, hyper, span, batch, reg, seed)[:steps]
    _LONGEST.put(settings, span)
    per_epoch = len(losses) / max(epochs(len(losses), n, batch is None or batch == n, batch or n), 1e-9)
    return losses, per_epoch, window_of(per_epoch)


class _Longest:
    """The longest light run trained for each setting, its step count only (the losses stay in ``_light_losses``'s
    cache): the last ``size`` settings asked, thread-safe."""

    def __init__(self, size: int) -> None:
        self._spans: OrderedDict[tuple, int] = OrderedDict()
        self._lock, self._size = threading.Lock(), size

    def get(self, settings: tuple, default: int) -> int:
        with self._lock:
            return self._spans.get(settings, default)

    def put(self, settings: tuple, span: int) -> None:
        with self._lock:
            self._spans[settings] = max(span, self._spans.get(settings, 0))
            self._spans.move_to_end(settings)
            while len(self._spans) > self._size:
                self._spans.popitem(last=False)


SHARE = 3  # a curve is cut from a run at most this many times longer: if that run has left the cache, it is retrained
_LONGEST = _Longest(size=512)


# an entry holds one loss a step: 5,000 steps are 40 kB
@st.cache_data(max_entries=128, max_size="5MB", show_spinner="Training with every batch size…")
def _light_losses(
    data: tuple, loss: str, optimizer: str, hyper: tuple, steps: int, batch: int | None, reg: float, seed: int
) -> np.ndarray:
    return _train(dataset_2d(*data), loss, optimizer, hyper, steps, batch, reg, seed, snapshots=2).losses


def trend_window(run: LinearRun) -> int:
    """Smooth over about one epoch (at least 5, at most 50 iterations)."""
    return window_of(run.iterations / max(run.epochs, 1e-9))


def window_of(iterations_per_epoch: float) -> int:
    return int(np.clip(max(1, round(iterations_per_epoch)), 5, 50))


@st.cache_data(max_entries=32, max_size="20MB", show_spinner=False)
def classifier_stage(
    data: tuple,
    loss: str,
    optimizer: str,
    hyper: tuple,
    steps: int,
    batch: int | None,
    reg: float,
    seed: int,
    projection: bool,
) -> dict:
    """What the stage plays for ``train_2d``'s run: iterations 0 … the last snapshot's."""
    d, run = dataset_2d(*data), train_2d(data, loss, optimizer, hyper, steps, batch, reg, seed)
    args, kwargs = classifier_inputs(d, run)
    panels = classifier_panels(*args, **kwargs)
    return stage_spec(panels, int(run.snapshot_steps[-1]), projection=projection, trail_toggle=False)


def classifier_inputs(d: Dataset, run: LinearRun) -> tuple[tuple, dict]:
    """What ``classifier_panels`` (the stage) and ``classifier_figure`` (the download) draw of a run on ``d``."""
    args = (d.X, d.y, d.class_names, run.snapshot_W, run.snapshot_steps, run.snapshot_loss, run.losses)
    kwargs = dict(
        box=BOX, trend=smoothed(run.losses, trend_window(run)), epoch_steps=run.eval_steps, epoch_losses=run.eval_loss
    )
    return args, kwargs


@st.cache_resource(show_spinner=False)
def digits_split(seed: int = 0) -> tuple[Dataset, Dataset]:
    """The 8×8 digits, 80 / 20 split, pixels in [0, 1]; shared read-only by every session."""
    return train_test_split(load_digits(), test_fraction=0.2, seed=seed)


# an entry is at most about 200 kB (5,000 steps: the losses, 21 snapshots of W and their scores)
@st.cache_data(max_entries=32, max_size="12MB", show_spinner="Training on the digits…")
def train_digits(
    loss: str, optimizer: str, hyper: tuple, steps: int, batch: int | None, reg: float, seed: int
) -> LinearRun:
    return _train(digits_split()[0], loss, optimizer, hyper, steps, batch, reg, seed, snapshots=21)


@st.cache_resource(show_spinner="Making the notebook's 10,000 × 3,073 data set (once per server)…")
def notebook_data() -> Dataset:
    """The notebook-scale problem, ~120 MB in float32: made once per server process, shared read-only."""
    return cifar_like()
