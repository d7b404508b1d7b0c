"""Widgets built from specs: one function turns any optimizer's hyperparameter spec into inputs, another
any schedule's arguments.

Every function returns plain values (numbers, tuples, names), never widgets, so pages pass them
straight to the cached core calls. Starting values go through session state, so callbacks
(presets, links) can set any widget before it is drawn.

A schedule comes out as ``(name, kwargs)``, as gdviz.run takes it; ``frozen_schedule`` turns it into
nested tuples, ``(name, ((arg, value), ...))``, a cache key of plain values, and ``schedule_value`` back.
Its widgets' keys hang under the optimizer's:
``<prefix>.<optimizer>.sched`` holds the schedule's name ("" for none), ``….sched.<name>.<arg>`` each
argument (each schedule keeps its own, so switching back finds them as they were), and a sequential
schedule's two parts are slots ``….sched.sequential.<i>`` with their arguments under them.
"""

from __future__ import annotations

import streamlit as st

from ..optimizers import HyperParam, OptimizerSpec
from ..schedules import SCHEDULES, ScheduleArg, ScheduleSpec
from .widget_state import install

install()  # every page draws its widgets through this module: each reads its own key, not all of session state

NO_SCHEDULE = ""  # the schedule select's first option
CHAINABLE = tuple(name for name, spec in SCHEDULES.items() if spec.rule is not None)  # what sequential chains
PLACEHOLDERS = {"steps": "the run's steps", "lr": "the optimizer's lr"}  # an empty input: default_from fills it
PART_PLACEHOLDERS = PLACEHOLDERS | {"steps": "the steps this part covers"}  # in a sequential schedule


def defaults(values: dict) -> None:
    """Starting values of widgets, through session state (a link or a callback may have set them already)."""
    for key, value in values.items():
        st.session_state.setdefault(key, value)


def only_options(key: str, options) -> None:
    """Before a choice widget: a value its options do not hold (from a link, or options that changed) is
    dropped, so the widget starts at its first option instead of failing."""
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)


def hyper_key(optimizer: str, name: str, i: int | None = None, prefix: str = "hyper") -> str:
    """The widget key of one hyperparameter; each page has its own ``prefix``, so settings never leak."""
    return f"{prefix}.{optimizer}.{name}" + ("" if i is None else f".{i}")


def _number(h: HyperParam, value: float, label: str, key: str) -> float:
    st.session_state.setdefault(key, float(value))
    # no min/max on purpose: an out-of-range value reaches the core, which explains what is wrong
    step = value / 10 if h.log and value > 0 else (h.high - h.low) / 100
    return st.number_input(label, step=float(step), format="%g", key=key, help=h.help)


def widget_value(h: HyperParam, value):
    """A hyperparameter's value as its widget holds it: a float, or as it is for a switch, a whole
    number or a choice."""
    return float(value) if h.kind == "float" else value


def _one(h: HyperParam, value, label: str, key: str):
    """The widget of one scalar hyperparameter, by its kind."""
    if h.kind == "float":
        return _number(h, value, label, key)
    st.session_state.setdefault(key, value)
    if h.kind == "bool":
        return st.toggle(label, key=key, help=h.help)
    if h.kind == "int":
        return int(st.number_input(label, min_value=int(h.low), max_value=int(h.high), step=1, key=key, help=h.help))
    return st.selectbox(label, h.choices, format_func=lambda c: "none" if c is None else str(c), key=key, help=h.help)


def hyper_widgets(spec: OptimizerSpec, optimizer: str, start: dict | None = None, prefix: str = "hyper") -> dict:
    """Inputs for each hyperparameter of ``spec``, starting from ``start`` where given and from the
    spec's (torch's) defaults elsewhere; returns ``{name: value}`` in torch's names."""
    values = {}
    start = start or {}
    for h in spec.hyper:
        value = start.get(h.name, h.default)
        symbols = h.symbols or (h.name,)
        if isinstance(h.default, tuple):
            parts = []
            for i, (col, d, sym) in enumerate(zip(st.columns(len(value)), value, symbols, strict=True)):
                with col:
                    parts.append(_number(h, d, f"{sym} ({h.name}[{i}])", hyper_key(optimizer, h.name, i, prefix)))
            values[h.name] = tuple(parts)
        else:
            label = f"{symbols[0]} ({h.name})" if h.symbols else h.name
            values[h.name] = _one(h, value, label, hyper_key(optimizer, h.name, prefix=prefix))
    return values


def schedule_key(optimizer: str, *parts: str, prefix: str = "hyper") -> str:
    """The widget key of a schedule's select (no ``parts``) or of a piece under it (``name, arg``; a slot)."""
    return ".".join((prefix, optimizer, "sched", *parts))


def schedule_title(name: str) -> str:
    return SCHEDULES[name].title if name else "none"


def ints_text(values) -> str:
    """Whole numbers as a milestones input shows them: "30, 80"."""
    return ", ".join(str(v) for v in values)


def ints_value(text: str) -> tuple:
    """A milestones input's text as numbers; a part that is not a whole number stays as typed, so the core's
    check names it ("each of multistep's milestones must be a finite number, got 'abc'")."""
    parts = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            number = float(part)
        except ValueError:
            parts.append(part)
            continue
        parts.append(int(number) if number.is_integer() else number)
    return tuple(parts)


def _schedule_start(a: ScheduleArg, value):
    """An argument's default as its widget holds it (milestones as text; None stays None: an empty input)."""
    if value is None:
        return None
    if a.kind == "ints":
        return ints_text(value)
    return float(value) if a.kind in ("float", "lr") else value


def _schedule_arg(a: ScheduleArg, key: str, label: str, part: bool):
    """The input of one schedule argument (of a sequential schedule's ``part``), by its kind; returns its value
    as the core takes it."""
    st.session_state.setdefault(key, _schedule_start(a, a.default))
    placeholder = (PART_PLACEHOLDERS if part else PLACEHOLDERS).get(a.default_from)
    if a.kind == "ints":
        text = st.text_input(label, key=key, help=f"{a.help}: whole numbers separated by commas")
        return ints_value(text)
    if a.kind in ("int", "float", "lr"):
        whole, start = a.kind == "int", st.session_state[key]
        step = 1 if whole else start / 10 if a.log and start else (a.high - a.low) / 100
        # no min/max, as for a hyperparameter: the core explains a value it cannot use
        value = st.number_input(
            label, step=step, format="%d" if whole else "%g", key=key, help=a.help, placeholder=placeholder
        )
        return None if value is None else int(value) if whole else float(value)
    return _one(a, a.default, label, key)


def _label(a: ScheduleArg) -> str:
    return f"{a.symbols[0]} ({a.name})" if a.symbols and a.symbols[0] != a.name else a.name


def schedule_widgets(spec: ScheduleSpec, optimizer: str, prefix: str = "hyper", slot: tuple[str, ...] = ()) -> dict:
    """Inputs for each argument of ``spec`` (starting from torch's defaults), under ``slot`` (a sequential
    schedule's part); returns ``{arg: value}`` in torch's names. A sequential schedule is a fixed form of two
    parts (a warm-up, then the main schedule) and the milestone at which the second takes over."""
    values = {}
    for a in spec.args:
        key = schedule_key(optimizer, *slot, spec.name, a.name, prefix=prefix)
        if a.kind == "schedulers":
            parts = zip(a.default, ("First (warm-up)", "Then"), strict=True)
            values[a.name] = tuple(
                schedule_slot(optimizer, prefix, (*slot, spec.name, str(i)), label, default)
                for i, ((default, _), label) in enumerate(parts)
            )
        else:
            values[a.name] = _schedule_arg(a, key, _label(a), bool(slot))
    return values


def schedule_slot(optimizer: str, prefix: str, slot: tuple[str, ...], label: str, default: str) -> tuple[str, dict]:
    """One part of a sequential schedule: which schedule (one torch can chain), then its arguments."""
    key = schedule_key(optimizer, *slot, prefix=prefix)
    only_options(key, CHAINABLE)
    st.session_state.setdefault(key, default)
    name = st.selectbox(label, CHAINABLE, format_func=schedule_title, key=key)
    return name, schedule_widgets(SCHEDULES[name], optimizer, prefix, slot)


def schedule_picker(optimizer: str, prefix: str = "hyper") -> tuple[str, dict] | None:
    """The "Schedule" select (none, or any of SCHEDULES) and the chosen schedule's arguments; returns the
    schedule as ``(name, kwargs)``, or None."""
    key = schedule_key(optimizer, prefix=prefix)
    options = [NO_SCHEDULE, *SCHEDULES]
    only_options(key, options)
    name = st.selectbox(
        "Schedule",
        options,
        format_func=schedule_title,
        key=key,
        help="a torch.optim.lr_scheduler: the learning rate (and with one cycle, momentum) changes step by step",
    )
    if not name:
        return None
    st.caption(SCHEDULES[name].note)
    return name, schedule_widgets(SCHEDULES[name], optimizer, prefix)


def frozen_schedule(schedule: tuple[str, dict] | None) -> tuple | None:
    """``(name, kwargs)`` as nested tuples, ``(name, ((arg, value), ...))``: a cache key (None stays None)."""
    if schedule is None:
        return None
    name, kwargs = schedule
    return name, tuple((k, tuple(map(frozen_schedule, v)) if k == "schedulers" else v) for k, v in kwargs.items())


def schedule_value(frozen: tuple | None) -> tuple[str, dict] | None:
    """``frozen_schedule``'s inverse: the ``(name, kwargs)`` gdviz.run takes (None stays None)."""
    if frozen is None:
        return None
    name, items = frozen
    return name, {k: tuple(map(schedule_value, v)) if k == "schedulers" else v for k, v in items}


def schedule_state(optimizer: str, schedule, prefix: str = "hyper", slot: tuple[str, ...] = ()) -> dict:
    """The widget values that show ``schedule`` (a name or ``(name, kwargs)``; None for none): its select and
    every argument, torch's defaults where ``kwargs`` names none, so a preset leaves no earlier edit behind."""
    if schedule is None:
        return {schedule_key(optimizer, *slot, prefix=prefix): NO_SCHEDULE}
    name, kwargs = (schedule, {}) if isinstance(schedule, str) else schedule
    state = {schedule_key(optimizer, *slot, prefix=prefix): name}
    for a in SCHEDULES[name].args:
        value = kwargs.get(a.name, a.default)
        if a.kind == "schedulers":
            for i, part in enumerate(value):
                state |= schedule_state(optimizer, part, prefix, (*slot, name, str(i)))
        else:
            state[schedule_key(optimizer, *slot, name, a.name, prefix=prefix)] = _schedule_start(a, value)
    return state
