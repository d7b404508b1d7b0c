"""What each page keeps in its link: the ``Field``s of gdviz.ui.url_state, page by page.

``LINKS`` maps a page's url path to a function returning its fields (``GLOBAL`` ones, the projection
switch, come first on every page) and, where a page needs it, ``AFTER`` a hook run once a link's
values are in session state (a typed surface's start, a formula the link gets wrong, points of a class the
data set lacks). Their notes quote the link's text through ``literal.quoted``, as every note does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

import streamlit as st

from ..autodiff.circuits import CIRCUITS
from ..linear.data import DATASETS_2D
from ..linear.gradcheck import BUGS, METHODS
from ..linear.losses import TITLES as LOSSES
from ..linear.search import TITLES as STRATEGIES
from ..network import ACTIVATIONS
from ..network.data import MAX_SPLIT
from ..network.features import FEATURES
from ..optimizers import OPTIMIZERS, HyperParam
from ..optimizers.spec import Bounds
from ..schedules import SCHEDULES, ScheduleArg
from ..surface.functions import SURFACES
from ..surface.problems import MAX_STEPS
from .linear.controls import BATCHES, DEFAULT_DATA, classes_text
from .linear.gradcheck import HS
from .linear.search import BUDGETS
from .literal import quoted
from .network.controls import MAX_LAYERS, MAX_WIDTH, NETWORK_OPTIMIZERS
from .race.controls import VIEWS, set_start
from .race.custom import DEFAULT_EXTENT, GOOD, MAX_EXTENT, custom_surface_for, last_good
from .race.runs import CUSTOM
from .sidebar import PROJECTION
from .url_state import Field, Span, bounded, choice, choices, flag, number, numbers, text
from .widgets import CHAINABLE, NO_SCHEDULE, hyper_key, ints_text, ints_value, schedule_key

BIG = 1e6  # numbers a link may carry where nothing else bounds them; wilder ones are almost certainly tampered
SEED_MAX = 2**32 - 1
MAX_ADDED = 500  # points added by clicking that a link carries

GLOBAL = (flag("projection", PROJECTION, when=lambda s: bool(s.get(PROJECTION))),)  # in the link only when on


def _is(key: str, *values) -> Callable[[Mapping], bool]:
    return lambda state: state.get(key) in values


def span(bounds: Bounds) -> Span:
    """What a link takes of a number the core accepts within ``bounds``: the same, ±BIG where they have no end."""
    return Span(
        max(bounds.low, -BIG),
        min(bounds.high, BIG),
        above=bounds.open in ("low", "both") and bounds.low > -BIG,
        below=bounds.open in ("high", "both") and bounds.high < BIG,
    )


def spans(h: HyperParam, page: bool = False) -> tuple[Span, ...]:
    """What a link takes of each number of ``h``: what the core accepts (its record's ``bounds``), so a link never
    carries a value the core refuses; with ``page``, a whole number within the record's ``low``–``high`` as its
    widget is (an optimizer's: L-BFGS's history_size)."""
    if page and h.kind == "int":
        return (Span(h.low, h.high),)
    return tuple(span(h.bound(i)) for i in range(len(h.default) if isinstance(h.default, tuple) else 1))


def _hyper(prefix: str, chosen: Callable[[Mapping, str], bool]) -> list[Field]:
    """Every optimizer's hyperparameters as ``<optimizer>.<name>``, written while ``chosen(state, optimizer)``."""
    fields = []
    for opt, spec in OPTIMIZERS.items():
        when = lambda state, opt=opt: chosen(state, opt)  # noqa: E731 (bind opt now)
        for h in spec.hyper:
            param = f"{opt}.{h.name}"
            key = hyper_key(opt, h.name, prefix=prefix)
            if isinstance(h.default, tuple):
                keys = [hyper_key(opt, h.name, i, prefix) for i in range(len(h.default))]
                fields.append(bounded(param, keys, spans(h), when=when))
            elif h.kind == "bool":
                fields.append(flag(param, key, when=when))
            elif h.kind == "choice":
                fields.append(choice(param, key, h.choices, spell=lambda c: "none" if c is None else str(c), when=when))
            else:
                fields.append(bounded(param, (key,), spans(h, page=True), integer=h.kind == "int", when=when))
    return fields


def _spelled(raw: str, a: ScheduleArg) -> tuple[int, ...]:
    """Milestones as a link spells them, "30,80": whole numbers within the argument's bounds."""
    values, within = ints_value(raw), span(a.bound())
    if not all(isinstance(v, int) and within.holds(v) for v in values):
        raise ValueError(f"it must be whole numbers {within.text()}, separated by commas")
    return values


def _argument(param: str, a: ScheduleArg) -> Field:
    """How one argument's value reads from and is written into a link, by its kind (on a stand-in key)."""
    if a.kind == "ints":
        read = lambda raw: {"_": ints_text(_spelled(raw, a))}  # noqa: E731
        return Field(param, ("_",), read, lambda s: s["_"].replace(" ", ""))
    if a.kind == "bool":
        return flag(param, "_")
    if a.kind == "choice":
        return choice(param, "_", a.choices, spell=str)
    return bounded(param, ("_",), spans(a), integer=a.kind == "int")


def _arguments(param: str, args: dict[str, tuple[ScheduleArg, dict[str, str]]], picked) -> Field:
    """The arguments of whichever schedule ``picked(state)`` names, in one value, ``name:value`` separated by
    ``;`` ("T_max:100;eta_min:0.001"; milestones "milestones:30,80"), the ones set only. ``args``: argument name
    -> (the argument, {schedule: the widget key of its argument of that name}); a link sets an argument for
    every schedule that has it. One field, not one per argument: a link is written twice a rerun, and each
    field costs a look into session state (about 15 µs), so 900 fields cost 17 ms."""
    stand_ins = {name: _argument(f"{param}:{name}", a) for name, (a, _) in args.items()}

    def read(raw: str) -> dict:
        values = {}
        for part in filter(None, raw.split(";")):
            name, _, text = part.partition(":")
            if name not in args:
                raise ValueError(f"{quoted(name)} is not an argument of a schedule here (each is name:value)")
            try:
                value = stand_ins[name].read(text)["_"]
            except ValueError as e:
                raise ValueError(f"{name}: {e}") from None
            values |= dict.fromkeys(args[name][1].values(), value)
        return values

    def show(state: Mapping) -> str | None:
        name = picked(state)
        if not name:
            return None
        parts = []
        for a in SCHEDULES[name].args:
            value = state.get(args[a.name][1][name]) if a.name in args else None
            if value is not None:
                parts.append(f"{a.name}:{stand_ins[a.name].show({'_': value})}")
        return ";".join(parts) or None

    return Field(param, tuple(k for _, keys in args.values() for k in keys.values()), read, show)


def _schedule(prefix: str, opt: str, when: Callable[[Mapping], bool], slot: tuple[str, ...], names) -> list[Field]:
    """A schedule's select (one of ``names``) and its arguments, in a link as ``<opt>.sched`` and
    ``<opt>.sched.args`` (a sequential schedule's parts as ``<opt>.sched.<i>`` and ``<opt>.sched.<i>.args``);
    written while ``when(state)`` holds."""
    select = schedule_key(opt, *slot, prefix=prefix)
    param = ".".join((opt, "sched", *slot[1::2]))  # "sequential", "0" -> "0": the part's number

    def picked(state: Mapping) -> str:
        return state.get(select, "") if when(state) else ""

    fields = [choice(param, select, names, spell=lambda n: n or "none", when=lambda s: bool(picked(s)))]
    args: dict[str, tuple[ScheduleArg, dict[str, str]]] = {}
    for name in filter(None, names):
        for a in SCHEDULES[name].args:
            if a.kind == "schedulers":
                for i in range(len(a.default)):
                    part = lambda s, name=name: picked(s) == name  # noqa: E731 (bind name now)
                    fields += _schedule(prefix, opt, part, (*slot, name, str(i)), CHAINABLE)
            else:
                args.setdefault(a.name, (a, {}))[1][name] = schedule_key(opt, *slot, name, a.name, prefix=prefix)
    return [*fields, _arguments(f"{param}.args", args, picked)]


def _racing(holder: str) -> Callable[[Mapping, str], bool]:
    """Whether an optimizer is chosen, by the widget ``holder``: a multiselect (the race) or a select."""

    def chosen(state: Mapping, opt: str) -> bool:
        value = state.get(holder)
        return opt in value if isinstance(value, list | tuple) else value == opt

    return chosen


@functools.cache  # built once per server, not twice per rerun (they hold no state)
def _schedules(prefix: str, holder: str) -> tuple[Field, ...]:
    """Every optimizer's schedule, while the widget ``holder`` chooses it: ``<optimizer>.sched=cosine``, then
    its arguments as ``<optimizer>.sched.args=T_max:200;eta_min:0``; a sequential schedule's parts as
    ``<optimizer>.sched.0=linear`` and ``<optimizer>.sched.0.args=total_iters:20``."""
    chosen, fields = _racing(holder), []
    for opt in OPTIMIZERS:
        when = lambda state, opt=opt: chosen(state, opt)  # noqa: E731 (bind opt now)
        fields += _schedule(prefix, opt, when, (), [NO_SCHEDULE, *SCHEDULES])
    return tuple(fields)


def race() -> list[Field]:
    return [
        choice("surface", "surface", [*SURFACES, CUSTOM]),
        number("kappa", "condition", 1, BIG, when=_is("surface", "quadratic")),
        text("f", "formula", when=_is("surface", CUSTOM)),
        number("w", "extent", 1e-6, MAX_EXTENT, when=_is("surface", CUSTOM)),
        choices("opt", "optimizers", list(OPTIMIZERS)),
        number("steps", "steps", 1, MAX_STEPS, integer=True),
        numbers("start", ("start_x", "start_y"), -BIG, BIG),
        flag("log", "log_loss"),
        number("noise", "noise", 0, BIG),
        number("seed", "seed", 0, SEED_MAX, integer=True, when=lambda s: s.get("noise", 0) > 0),
        number("seeds", "seeds", 2, 20, integer=True, when=lambda s: s.get("noise", 0) > 0),
        choice("view", "view", VIEWS, when=lambda s: s.get("view") is not None),
        number("at", "cursor", 0, MAX_STEPS, integer=True, when=_is("view", VIEWS[0], None)),
        choice("arrows", "race.inspect", ["", *OPTIMIZERS], when=lambda s: bool(s.get("race.inspect"))),
        choice("basin.opt", "basin_opt", list(OPTIMIZERS), when=_is("view", "Basin map")),
        choice("basin.n", "basin_n", (50, 100, 150), when=_is("view", "Basin map")),
        choice("basin.by", "basin_by", ("minimum reached", "final loss"), when=_is("view", "Basin map")),
        number("sweep.low", "sweep_low", -BIG, BIG, when=_is("view", "Learning-rate sweep")),
        number("sweep.high", "sweep_high", -BIG, BIG, when=_is("view", "Learning-rate sweep")),
        number("sweep.n", "sweep_n", 10, 200, integer=True, when=_is("view", "Learning-rate sweep")),
        choice("inspect.opt", "inspect_opt", list(OPTIMIZERS), when=_is("view", "Step inspector")),
        number("inspect.at", "inspect_step", 1, MAX_STEPS, integer=True, when=_is("view", "Step inspector")),
        *_hyper("hyper", lambda state, opt: opt in state.get("optimizers", ())),
        *_schedules("hyper", "optimizers"),
    ]


def _race_after(values: dict) -> list[str]:
    """A link to a new surface without a start starts at the surface's own; a custom formula it carries that
    works becomes the last good one (so nothing puts the default back over it), one that fails is named and
    stays in its box, to be fixed, while the race runs on the last good one (from that one's start)."""
    if "surface" in values and "start_x" not in values:
        st.session_state.pop("start_x", None)
        st.session_state.pop("start_y", None)
    if st.session_state.get("surface") != CUSTOM or "formula" not in values:
        return []
    formula, extent = st.session_state["formula"], st.session_state.get("extent", DEFAULT_EXTENT)
    try:
        custom_surface_for(formula, extent)
    except ValueError:
        if "start_x" not in st.session_state:  # else the page would put the last good formula over the link's
            set_start(*custom_surface_for(*last_good()).start)
        why = "so the race keeps the last one that worked: the sidebar says why"
        return [f"{quoted('f=' + formula)} is not a surface the race can use, {why}"]
    st.session_state[GOOD] = (formula, float(extent))
    return []


def _training(prefix: str) -> list[Field]:
    p = prefix + "."
    return [
        choice("loss", p + "loss", list(LOSSES)),
        choice("opt", p + "optimizer", list(OPTIMIZERS)),
        choice("batch", p + "batch", BATCHES),
        number("reg", p + "reg", 0, BIG),
        number("steps", p + "steps", 1, MAX_STEPS, integer=True),
        number("seed", p + "seed", 0, SEED_MAX, integer=True),
        *_hyper(prefix, lambda state, opt: state.get(p + "optimizer") == opt),
        *_schedules(prefix, p + "optimizer"),
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
        *_training("lc"),
        number("at", "lc_cursor", 0, MAX_STEPS, integer=True),
        choice("per", "lc.per", ("iteration", "epoch"), when=lambda s: s.get("lc.per") is not None),
    ]


def digits() -> list[Field]:
    return _training("digits")


def _hidden_layers(param: str) -> Field:
    """The network's hidden layers as their widths, "8,8" ("none": no hidden layer): the count ``nn.layers``
    and one width per layer, ``nn.width.<i>``."""
    keys = ("nn.layers", *(f"nn.width.{i}" for i in range(MAX_LAYERS)))
    allowed = f"it must be up to {MAX_LAYERS} whole numbers from 1 to {MAX_WIDTH}, separated by commas, or none"

    def read(raw: str) -> dict:
        if raw in ("", "none"):
            return {"nn.layers": 0}
        try:
            widths = [int(part) for part in raw.split(",")]
        except ValueError:
            raise ValueError(allowed) from None
        if len(widths) > MAX_LAYERS or not all(1 <= w <= MAX_WIDTH for w in widths):
            raise ValueError(allowed)
        return {"nn.layers": len(widths)} | {f"nn.width.{i}": w for i, w in enumerate(widths)}

    def show(state: Mapping) -> str | None:
        widths = [state.get(f"nn.width.{i}") for i in range(int(state.get("nn.layers", 0)))]
        if "nn.layers" not in state or None in widths:
            return None
        return ",".join(str(int(w)) for w in widths) or "none"

    return Field(param, keys, read, show)


def network() -> list[Field]:
    training = [f for f in _training("nn") if f.param != "opt"]  # lbfgs steps points, not networks
    return [
        choice("data", "nn.dataset", list(DATASETS_2D)),
        number("noise", "nn.noise", 0, 10),
        number("split", "nn.split", 0, MAX_SPLIT),
        choices("feat", "nn.features", list(FEATURES)),
        _hidden_layers("hidden"),
        choice("act", "nn.activation", list(ACTIVATIONS)),
        choice("opt", "nn.optimizer", NETWORK_OPTIMIZERS),
        *training,
        number("at", "nn_cursor", 0, MAX_STEPS, integer=True),
    ]


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


def _values(param: str) -> Field:
    """The inputs' values of the formula on screen, ``name:value`` separated by commas."""
    prefix = "bp.v."

    def read(raw: str) -> dict:
        values = {}
        for part in filter(None, raw.split(",")):
            name, _, number_text = part.partition(":")
            if not name.isidentifier():
                raise ValueError("each input must be name:value, separated by commas")
            try:
                v = float(number_text)
            except ValueError:
                raise ValueError(f"the value of {quoted(name)} is not a number") from None
            if not abs(v) <= BIG:
                raise ValueError(f"each value must be from {-BIG:,g} to {BIG:,g}")
            values[prefix + name] = v
        return values

    def show(state: Mapping) -> str | None:
        names = state.get("bp.variables", ())
        return ",".join(f"{n}:{state[prefix + n]:.12g}" for n in names if prefix + n in state) or None

    return Field(param, (), read, show)


def backprop() -> list[Field]:
    return [text("f", "bp.text"), _values("v"), number("at", "bp.cursor", 0, 10_000, integer=True)]


def _backprop_after(values: dict) -> list[str]:
    """A link's formula is typed, not loaded: unless it is one of the lecture's circuits, say nothing about one."""
    if "bp.text" in values:
        match = [name for name, c in CIRCUITS.items() if c.text == values["bp.text"]]
        st.session_state["bp.circuit"] = match[0] if match else None
    return []


LINKS: dict[str, Callable[[], list[Field]]] = {
    "race": race,
    "linear": linear,
    "digits": digits,
    "network": network,
    "gradient_check": gradient_check,
    "random_search": random_search,
    "backprop": backprop,
}
AFTER: dict[str, Callable[[dict], list[str]]] = {
    "race": _race_after,
    "linear": _linear_after,
    "backprop": _backprop_after,
}


@functools.cache
def fields_of(url_path: str) -> tuple[Field, ...]:
    """The fields of the page at ``url_path`` ("" is home), the global ones first: made once per page (every
    optimizer's and schedule's fields, 200 on the race page, took 3 ms to make at every run)."""
    return (*GLOBAL, *LINKS.get(url_path, list)())
