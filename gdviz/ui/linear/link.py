"""The links of the linear package's pages (the classifier, digits, the gradient check, random search), beside
the widgets that hold their settings, and the training fields the network page shares."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ...linear.data import DATASETS_2D
from ...linear.gradcheck import BUGS, METHODS
from ...linear.losses import TITLES as LOSSES
from ...linear.search import TITLES as STRATEGIES
from ...optimizers import OPTIMIZERS
from ...surface.problems import MAX_STEPS
from ..links import BIG, SEED_MAX, Link, hyper_fields, schedule_fields
from ..literal import quoted
from ..url_state import Field, choice, choices, number
from .controls import BATCHES, DEFAULT_DATA, classes_text
from .gradcheck import HS
from .search import BUDGETS

MAX_ADDED = 500  # points added by clicking that a link carries


def training(prefix: str) -> list[Field]:
    p = prefix + "."
    return [
        choice("loss", p + "loss", list(LOSSES)),
        choice("opt", p + "optimizer", list(OPTIMIZERS)),
        choice("batch", p + "batch", BATCHES),
        number("reg", p + "reg", 0, BIG),
        number("steps", p + "steps", 1, MAX_STEPS, integer=True),
        number("seed", p + "seed", 0, SEED_MAX, integer=True),
        *hyper_fields(prefix, lambda state, opt: state.get(p + "optimizer") == opt),
        *schedule_fields(prefix, p + "optimizer"),
    ]


def _show_points(points) -> str:
    return ";".join(f"{x:g}:{y:g}:{c}" for x, y, c in points)


def _points(param: str, key: str) -> Field:
    """Points added by clicking, ``x:y:class`` separated by ``;`` (written only when there are some)."""

    def read(raw: str) -> dict:
        points = []
        for part in filter(None, raw.split(";")):
            try:
                x, y, c = part.split(":")
                point = (float(x), float(y), int(c))
            except ValueError:
                raise ValueError("each point must be x:y:class, separated by ;") from None
            if not (abs(point[0]) <= 10 and abs(point[1]) <= 10 and 0 <= point[2] < 3):
                raise ValueError("points must lie within ±10 and have class 0, 1 or 2")
            points.append(point)
        if len(points) > MAX_ADDED:
            raise ValueError(f"a link carries at most {MAX_ADDED} added points")
        return {key: points}

    def show(state: Mapping) -> str | None:
        points = state.get(key)
        return _show_points(points) if points else None

    return Field(param, (key,), read, show)


def _linear_after(values: dict) -> list[str]:
    """Points a link adds must be of classes the data set has (moons has two): otherwise it adds none."""
    name = st.session_state.get("lc.data", DEFAULT_DATA)
    points = values.get("lc.added", ())
    if all(c < DATASETS_2D[name].classes for _, _, c in points):
        return []
    st.session_state.pop("lc.added", None)
    why = f"{DATASETS_2D[name].title} has {classes_text(name)} only"
    return [f"{quoted('pts=' + _show_points(points))} cannot be used ({why}), so no points are added"]


def linear() -> list[Field]:
    return [
        choice("data", "lc.data", list(DATASETS_2D)),
        number("n", "lc.n", 1, 2000, integer=True),
        number("noise", "lc.noise", 0, 10),
        number("data_seed", "lc.data_seed", 0, SEED_MAX, integer=True),
        _points("pts", "lc.added"),
        *training("lc"),
        number("at", "lc_cursor", 0, MAX_STEPS, integer=True),
        choice("per", "lc.per", ("iteration", "epoch"), when=lambda s: s.get("lc.per") is not None),
    ]


def digits() -> list[Field]:
    return training("digits")


def gradient_check() -> list[Field]:
    return [
        choice("loss", "gc.loss", list(LOSSES)),
        choice("bug", "gc.bug", [None, *BUGS], spell=lambda b: "none" if b is None else b),
        number("reg", "gc.reg", 0, BIG),
        choice("method", "gc.method", METHODS),
        choice("h", "gc.h", HS, spell=lambda h: f"{h:.0e}"),
        number("num", "gc.num", 5, 50, integer=True),
        number("seed", "gc.seed", 0, SEED_MAX, integer=True),
    ]


def random_search() -> list[Field]:
    return [
        choice("loss", "rs.loss", list(LOSSES)),
        choices("names", "rs.names", list(STRATEGIES)),
        choice("budget", "rs.budget", BUDGETS),
        number("scale", "rs.scale", 0, BIG, above=True),  # the search refuses 0
        number("step", "rs.step", 0, BIG, above=True),
        number("lr", "rs.lr", 0, BIG, above=True),
        number("seed", "rs.seed", 0, SEED_MAX, integer=True),
    ]


LINEAR = Link(linear, _linear_after)
DIGITS = Link(digits)
GRADIENT_CHECK = Link(gradient_check)
RANDOM_SEARCH = Link(random_search)
