"""One range per hyperparameter, read by the widget, the link and the core (#14).

Every optimizer's hyperparameters and every schedule's arguments, from the registries: a link value just outside
the record's range is refused with the link's note (the rest of the link kept), one just inside is taken; the
core refuses and takes the same edges of the record's ``bounds``; a whole number's widget is bounded by the
record's ``low``–``high``, the very numbers its link takes, and a float's widget is not bounded (the core's
sentence explains a value out of bounds).
"""

from __future__ import annotations

import contextlib
import math

import pytest

from gdviz import OPTIMIZERS, SCHEDULES
from gdviz.optimizers.spec import Bounds, HyperParam
from gdviz.schedules import resolve_schedule
from gdviz.ui import widgets
from gdviz.ui.links import BIG, fields_of
from gdviz.ui.url_state import read_params

NUMBERS = ("float", "int", "lr")  # the kinds a range applies to (ints: a schedule's milestones, on their own)


def _numbers(h: HyperParam) -> int:
    return len(h.default) if isinstance(h.default, tuple) else 1


def _edges(h: HyperParam, i: int, link: bool, page: bool = False) -> list[tuple[float, bool]]:
    """(value, taken) just inside and just outside each end of the ``i``-th number's range: the record's
    ``bounds`` (±BIG where a link is the only limit), or with ``page`` a whole number's ``low``–``high`` (an
    optimizer's, whose widget is bounded by it)."""
    if h.kind == "int" and page:
        return [(h.low, True), (h.low - 1, False), (h.high, True), (h.high + 1, False)]
    b, whole = h.bound(i), h.kind == "int"
    low, high = max(b.low, -BIG) if link else b.low, min(b.high, BIG) if link else b.high
    step = (lambda v, to: v + (1 if to > v else -1)) if whole else math.nextafter
    edges = []
    if math.isfinite(low):
        is_open = b.open in ("low", "both") and low == b.low
        inside, outside = (step(low, math.inf), low) if is_open else (low, step(low, -math.inf))
        edges += [(inside, True), (outside, False)]
    if math.isfinite(high):
        is_open = b.open in ("high", "both") and high == b.high
        inside, outside = (step(high, -math.inf), high) if is_open else (high, step(high, math.inf))
        edges += [(inside, True), (outside, False)]
    return edges


def _numeric(spec_args) -> list[HyperParam]:
    return [h for h in spec_args if h.kind in NUMBERS]


def _with(h: HyperParam, i: int, v: float):
    """The value of ``h`` with its ``i``-th number ``v``, the others at their defaults."""
    if not isinstance(h.default, tuple):
        return v
    values = list(h.default)
    values[i] = v
    return tuple(values)


def _link_text(h: HyperParam, i: int, v: float) -> str:
    return ",".join(str(int(x)) if h.kind == "int" else repr(float(x)) for x in _numbers_of(_with(h, i, v)))


def _numbers_of(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_link_takes_a_hyperparameter_just_inside_its_record_and_refuses_one_just_outside(name):
    fields, prefix = fields_of("race"), f"hyper.{name}."
    for h in _numeric(OPTIMIZERS[name].hyper):
        for i in range(_numbers(h)):
            for v, taken in _edges(h, i, link=True, page=True):
                param, raw = f"{name}.{h.name}", _link_text(h, i, v)
                values, notes = read_params(fields, {"opt": name, "steps": "77", param: raw})
                assert values["optimizers"] == [name] and values["steps"] == 77, "the rest of the link is kept"
                key = prefix + h.name + (f".{i}" if isinstance(h.default, tuple) else "")
                if taken:
                    assert notes == [] and values[key] == v, (param, raw, notes)
                else:
                    assert len(notes) == 1 and f"`{param}={raw}` cannot be used (" in notes[0], (param, raw, notes)
                    assert notes[0].endswith("so the default is kept") and key not in values


def _core_values(h: HyperParam, end: int) -> dict:
    """Every number of ``h`` at the same end (0: low, 1: high) of its bounds, just inside, or its default where
    that end is open-ended: values that also keep a tuple's numbers in order (Rprop's step_sizes)."""
    values = []
    for i in range(_numbers(h)):
        b = h.bound(i)
        edge = (b.low, b.open in ("low", "both"), math.inf) if end == 0 else (b.high, b.open in ("high", "both"), -1)
        at, is_open, inward = edge
        default = h.default[i] if isinstance(h.default, tuple) else h.default
        if math.isinf(at):
            values.append(default)
        elif h.kind == "int":
            values.append(at + (1 if is_open else 0) * (1 if end == 0 else -1))
        else:
            values.append(math.nextafter(at, inward) if is_open else at)
    return {h.name: tuple(values) if isinstance(h.default, tuple) else values[0]}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_core_refuses_just_outside_a_records_bounds_and_takes_just_inside(name):
    spec = OPTIMIZERS[name]
    for h in _numeric(spec.hyper):
        for end in (0, 1):
            spec(**_core_values(h, end))  # builds: just inside
        for i in range(_numbers(h)):
            for v, taken in _edges(h, i, link=False):
                if taken:
                    continue
                with pytest.raises(ValueError, match=r"must be .*, got "):
                    spec(**{h.name: _with(h, i, v)})


def test_the_core_takes_more_than_a_page_where_the_record_says_so():
    h = next(h for h in OPTIMIZERS["lbfgs"].hyper if h.name == "history_size")
    assert h.bound() == Bounds(1) and (h.low, h.high) == (1, 100)  # a notebook may keep 1000 pairs
    OPTIMIZERS["lbfgs"](history_size=1000)
    values, notes = read_params(fields_of("race"), {"opt": "lbfgs", "lbfgs.history_size": "1000"})
    assert "hyper.lbfgs.history_size" not in values and "from 1 to 100" in notes[0]
    OPTIMIZERS["sgd"](lr=100.0)  # above the widget's suggested 10: it diverges, as a lesson may want
    assert read_params(fields_of("race"), {"opt": "sgd", "sgd.lr": "100"}) == (
        {"optimizers": ["sgd"], "hyper.sgd.lr": 100.0},
        [],
    )


SCHEDULE_ARGS = [(name, a) for name, spec in SCHEDULES.items() for a in spec.args if a.kind in NUMBERS]


@pytest.mark.parametrize(("name", "a"), SCHEDULE_ARGS, ids=[f"{n}.{a.name}" for n, a in SCHEDULE_ARGS])
def test_a_schedule_argument_is_refused_by_link_and_core_just_outside_its_record(name, a):
    fields, hyper = fields_of("race"), OPTIMIZERS["adam"].resolve({})
    for v, taken in _edges(a, 0, link=True):
        raw = f"{a.name}:{int(v) if a.kind == 'int' else repr(float(v))}"
        values, notes = read_params(fields, {"opt": "adam", "adam.sched": name, "adam.sched.args": raw})
        assert values["hyper.adam.sched"] == name, "the rest of the link is kept"
        key = f"hyper.adam.sched.{name}.{a.name}"
        assert (notes == [] and values[key] == v) if taken else (key not in values and "cannot be used (" in notes[0])
    for v, taken in _edges(a, 0, link=False):
        if not taken:
            with pytest.raises(ValueError, match=rf"{name}'s {a.name} must be .*, got "):
                resolve_schedule((name, {a.name: v}), hyper, 100)


def test_arguments_of_one_name_share_their_bounds():
    """A link sets an argument for every schedule that has it (gamma: step, multistep, exponential), from one
    value read against one record's bounds: they must agree."""
    bounds = {}
    for spec in SCHEDULES.values():
        for a in spec.args:
            assert bounds.setdefault(a.name, a.bounds) == a.bounds, a.name


def test_milestones_in_a_link_are_whole_numbers_within_their_bounds():
    fields = fields_of("race")
    args = {"opt": "adam", "adam.sched": "multistep"}
    _, notes = read_params(fields, args | {"adam.sched.args": "milestones:3,-1"})
    assert "milestones: it must be whole numbers from 0 to" in notes[0]
    values, notes = read_params(fields, args | {"adam.sched.args": "milestones:0,30"})
    assert notes == [] and values["hyper.adam.sched.multistep.milestones"] == "0, 30"


class _Streamlit:
    """The widget calls hyper_widgets makes, recorded: each number input's key and its min and max."""

    def __init__(self):
        self.session_state, self.bounds = {}, {}

    def number_input(self, label, min_value=None, max_value=None, *, key, **kwargs):
        self.bounds[key] = (min_value, max_value)
        return self.session_state[key]

    def toggle(self, label, *, key, **kwargs):
        return self.session_state[key]

    def selectbox(self, label, options, *, key, **kwargs):
        return self.session_state[key]

    def columns(self, n):
        return [contextlib.nullcontext()] * n


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_widget_is_bounded_by_its_record_as_its_link_is(name, monkeypatch):
    fake = _Streamlit()
    monkeypatch.setattr(widgets, "st", fake)
    widgets.hyper_widgets(OPTIMIZERS[name], name)
    fields = {f.param: f for f in fields_of("race")}
    for h in _numeric(OPTIMIZERS[name].hyper):
        for i in range(_numbers(h)):
            key = widgets.hyper_key(name, h.name, i if isinstance(h.default, tuple) else None)
            if h.kind == "int":  # the record's low-high, the numbers its link takes and no other
                assert fake.bounds[key] == (h.low, h.high)
                assert fields[f"{name}.{h.name}"].read(str(int(h.high))) == {key: h.high}
            else:  # any number: one out of the record's bounds reaches the core, which says why
                assert fake.bounds[key] == (None, None)
    assert set(fake.bounds) == {
        widgets.hyper_key(name, h.name, i if isinstance(h.default, tuple) else None)
        for h in _numeric(OPTIMIZERS[name].hyper)
        for i in range(_numbers(h))
    }, "the link and the widget build the same keys"
