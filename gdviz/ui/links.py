"""What every page's link is made of: the ``Link`` a page names in its ``PageEntry`` (gdviz.ui.nav), the global
fields, and the fields every training page shares (each optimizer's hyperparameters and schedule).

A page's own fields live beside its widgets, in its package (``gdviz/ui/race/link.py``, ``gdviz/ui/linear/link.py``,
…): a ``Link`` of a function returning its ``Field``s (gdviz.ui.url_state) and, where a page needs it, ``after``, a
hook run once a link's values are in session state (a typed surface's start, a formula the link gets wrong, points
of a class the data set lacks). Their notes quote the link's text through ``literal.quoted``, as every note does.
"""

from __future__ import annotations

import functools
import pkgutil
from collections.abc import Callable, Mapping
from typing import NamedTuple

from ..optimizers import OPTIMIZERS, HyperParam
from ..optimizers.spec import Bounds
from ..schedules import SCHEDULES, ScheduleArg
from .literal import quoted
from .nav import PAGES
from .sidebar import PROJECTION
from .url_state import Field, Span, bounded, choice, flag
from .widgets import CHAINABLE, NO_SCHEDULE, hyper_key, ints_text, ints_value, schedule_key

BIG = 1e6  # numbers a link may carry where nothing else bounds them; wilder ones are almost certainly tampered
SEED_MAX = 2**32 - 1

GLOBAL = (flag("projection", PROJECTION, when=lambda s: bool(s.get(PROJECTION))),)  # in the link only when on


class Link(NamedTuple):
    """A page's link: ``fields()`` its settings, ``after(values)`` the notes of what the link's values mean together."""

    fields: Callable[[], list[Field]]
    after: Callable[[dict], list[str]] | None = None


def when_is(key: str, *values) -> Callable[[Mapping], bool]:
    """A field's ``when``: written while the widget ``key`` holds one of ``values``."""
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


def hyper_fields(prefix: str, chosen: Callable[[Mapping, str], bool]) -> list[Field]:
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
def schedule_fields(prefix: str, holder: str) -> tuple[Field, ...]:
    """Every optimizer's schedule, while the widget ``holder`` chooses it: ``<optimizer>.sched=cosine``, then
    its arguments as ``<optimizer>.sched.args=T_max:200;eta_min:0``; a sequential schedule's parts as
    ``<optimizer>.sched.0=linear`` and ``<optimizer>.sched.0.args=total_iters:20``."""
    chosen, fields = _racing(holder), []
    for opt in OPTIMIZERS:
        when = lambda state, opt=opt: chosen(state, opt)  # noqa: E731 (bind opt now)
        fields += _schedule(prefix, opt, when, (), [NO_SCHEDULE, *SCHEDULES])
    return tuple(fields)


def link_of(url_path: str) -> Link:
    """The link of the page at ``url_path`` ("" is home): what its ``PageEntry.link`` names, or none."""
    return _links().get(url_path, Link(list))


@functools.cache
def _links() -> dict[str, Link]:
    return {p.url_path: pkgutil.resolve_name(p.link) for p in PAGES if p.link}


@functools.cache
def fields_of(url_path: str) -> tuple[Field, ...]:
    """The fields of the page at ``url_path`` ("" is home), the global ones first: made once per page (every
    optimizer's and schedule's fields, 200 on the race page, took 3 ms to make at every run)."""
    return (*GLOBAL, *link_of(url_path).fields())
