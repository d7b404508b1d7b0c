"""Settings in the address bar: each page's widgets round-trip through ``st.query_params``.

A page's settings are a list of ``Field``s: a URL name, the widget keys it stands for, ``read``
(URL text → {widget key: value}; raises ValueError saying what is allowed) and ``show`` (session
state → URL text). When a reader arrives at a page, the frame calls ``apply_url`` before the page
draws anything, which puts the link's values into session state, where every widget takes its
starting value from; a value that cannot be used is dropped (the widget keeps its default) and named
in a note. A link is visitor text: notes quote its names and values only through ``literal.quoted``, cut
short, and the reasons ``read`` gives are Markdown that quote visitor text the same way. After every
run, ``write_url`` writes the settings back, so the address bar always reproduces the view.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

import streamlit as st

from .literal import quoted

WRITTEN = "_url_written"  # {page: the params this session last wrote there}: what a revisit brings back
PAGE = "_url_page"  # the page of the last run: a different one means the reader arrived at this one
NOTES = "_url_notes"
MAX_VALUE = 500  # characters of one URL text value (a formula is at most 500 too)
MAX_LINK_VALUE = 10_000  # characters of any URL value: 500 clicked points fit, a pasted book does not
MAX_NOTES = 6  # notes shown for one link; the rest are counted


class Field(NamedTuple):
    param: str
    keys: tuple[str, ...]  # the widget keys it sets; a value the link gets wrong sends them back to their defaults
    read: Callable[[str], dict]  # URL text -> {widget key: value}; raises ValueError saying what is allowed (Markdown)
    show: Callable[[Mapping], str | None]  # session state -> URL text; None leaves the field out of the URL


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ValueError("it is not a number") from None
    if not math.isfinite(v):
        raise ValueError("it is not a finite number")
    return v


class Span(NamedTuple):
    """The numbers a field takes: from ``low`` to ``high``, ``low`` itself left out when ``above``, ``high`` when
    ``below`` (a learning rate is at least 0; Adam's β₁ less than 1)."""

    low: float
    high: float
    above: bool = False
    below: bool = False

    def holds(self, v: float) -> bool:
        return (self.low < v if self.above else self.low <= v) and (v < self.high if self.below else v <= self.high)

    def text(self) -> str:
        low = f"{'more than' if self.above else 'at least'} {self.low:,g}"
        high = f"{'less than' if self.below else 'at most'} {self.high:,g}"
        if not (self.above or self.below):
            return f"from {self.low:,g} to {self.high:,g}"
        return f"{low} and {high}"


def _always(state: Mapping) -> bool:
    return True


def _field(param: str, keys: tuple[str, ...], read, show_values, when) -> Field:
    """A field over fixed keys: written while ``when(state)`` holds and every key is set."""

    def show(state: Mapping) -> str | None:
        if not when(state) or not all(k in state for k in keys):
            return None
        return show_values(tuple(state[k] for k in keys))

    return Field(param, keys, lambda raw: dict(zip(keys, read(raw), strict=True)), show)


ORDINALS = ("first", "second", "third", "fourth")


def bounded(param: str, keys: Sequence[str], spans: Sequence[Span], *, integer: bool = False, when=_always) -> Field:
    """One number per key, comma-separated (Adam's betas, a start point), each within its own span; whole
    numbers when ``integer``."""
    keys = tuple(keys)

    def read(raw: str) -> tuple:
        parts = raw.split(",") if len(keys) > 1 else [raw]
        if len(parts) != len(keys):
            raise ValueError(f"it must be {len(keys)} numbers separated by commas")
        values = tuple(_finite(p) for p in parts)
        if integer and not all(v == int(v) for v in values):
            raise ValueError("it must be a whole number" if len(keys) == 1 else "each must be a whole number")
        for i, (v, span) in enumerate(zip(values, spans, strict=True)):
            if not span.holds(v):
                whose = "each number" if len(set(spans)) == 1 else f"the {ORDINALS[i]} number"
                raise ValueError(f"{'it' if len(keys) == 1 else whose} must be {span.text()}")
        return tuple(int(v) for v in values) if integer else values

    def show_values(vs: tuple) -> str:
        return ",".join(str(int(v)) if integer else f"{float(v):.12g}" for v in vs)

    return _field(param, keys, read, show_values, when)


def number(
    param: str,
    key: str,
    low: float,
    high: float,
    *,
    integer: bool = False,
    above: bool = False,
    below: bool = False,
    when=_always,
) -> Field:
    """A number from ``low`` to ``high`` (a whole one when ``integer``; more than ``low`` when ``above``, less than
    ``high`` when ``below``)."""
    return bounded(param, (key,), (Span(low, high, above, below),), integer=integer, when=when)


def numbers(param: str, keys: Sequence[str], low: float, high: float, *, when=_always) -> Field:
    """Several numbers in one value, comma-separated (a start point), each from ``low`` to ``high``."""
    return bounded(param, keys, (Span(low, high),) * len(keys), when=when)


def slug(option) -> str:
    """How an option is spelled in a URL: lower case, words joined by hyphens ("Basin map" -> basin-map)."""
    return str(option).lower().replace(" ", "-")


def choice(param: str, key: str, options: Sequence, *, spell=slug, when=_always) -> Field:
    """One of ``options``, spelled in the URL by ``spell``."""
    by_text = {spell(o): o for o in options}

    def read(raw: str) -> tuple:
        for text in (raw, _respelled(spell, raw)):  # "3D" and "Basin map", as on the buttons, work too
            if text in by_text:
                return (by_text[text],)
        raise ValueError(f"it must be one of {', '.join(by_text)}")

    return _field(param, (key,), read, lambda vs: spell(vs[0]), when)


def _respelled(spell, raw: str) -> str | None:
    """``raw`` as ``spell`` would write it (a label typed as shown: "Basin map" -> basin-map), None if it cannot."""
    try:
        return spell(raw)
    except (TypeError, ValueError):
        return None


def choices(param: str, key: str, options: Sequence[str], *, when=_always) -> Field:
    """A comma-separated selection from ``options``, in order, without repeats (a multiselect)."""

    def read(raw: str) -> tuple:
        picked = [t for t in raw.split(",") if t]
        wrong = [t for t in picked if t not in options]
        if wrong:
            raise ValueError(f"{quoted(', '.join(wrong))} is not one of {', '.join(options)}")
        if len(set(picked)) != len(picked):
            raise ValueError("a name appears twice")
        return (picked,)

    return _field(param, (key,), read, lambda vs: ",".join(vs[0]), when)


def flag(param: str, key: str, *, when=_always) -> Field:
    """On or off, written as 1 or 0."""

    def read(raw: str) -> tuple:
        if raw not in ("0", "1"):
            raise ValueError("it must be 0 or 1")
        return (raw == "1",)

    return _field(param, (key,), read, lambda vs: "1" if vs[0] else "0", when)


def text(param: str, key: str, *, when=_always) -> Field:
    """Free text (a formula): the page itself explains text it cannot use; only the length is checked here."""

    def read(raw: str) -> tuple:
        if len(raw) > MAX_VALUE:
            raise ValueError(f"it is longer than {MAX_VALUE} characters")
        return (raw,)

    return _field(param, (key,), read, lambda vs: str(vs[0]), when)


def read_params(fields: Sequence[Field], params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The session-state values a link sets, and a note (Markdown) for each value or name that cannot be used:
    at most ``MAX_NOTES``, the last counting the rest."""
    known = {f.param: f for f in fields}
    values: dict[str, Any] = {}
    notes = []
    for param, raw in params.items():
        if param not in known:
            notes.append(f"{quoted(param)} is not a setting of this page, so it was ignored")
            continue
        try:
            if len(raw) > MAX_LINK_VALUE:
                raise ValueError(f"it is longer than {MAX_LINK_VALUE:,} characters")
            values.update(known[param].read(raw))
        except ValueError as e:
            notes.append(f"{quoted(f'{param}={raw}')} cannot be used ({e}), so the default is kept")
    if len(notes) > MAX_NOTES:
        notes[MAX_NOTES - 1 :] = [f"and {len(notes) - MAX_NOTES + 1:,} more names or values, ignored as well"]
    return values, notes


def url_params(fields: Sequence[Field], state: Mapping) -> dict[str, str]:
    """The URL of what the widgets hold now."""
    shown = {f.param: f.show(state) for f in fields}
    return {param: v for param, v in shown.items() if v is not None}


def apply_url(page: str, fields: Sequence[Field], after: Callable[[dict], list[str]] | None = None) -> None:
    """Frame, before the page: arriving at a page (a new session, or from another page), the link's settings
    go into the widgets; without a link, the page's settings from this session's last visit come back."""
    state = st.session_state
    remembered = state.get(WRITTEN, {}).get(page)
    params = st.query_params.to_dict()
    arrived = state.get(PAGE) != page
    state[PAGE] = page
    if not arrived:  # a rerun of this page: the widgets hold the truth, and the query a browser sends along
        return  # may be stale (a second change sent before the first run's new address arrived)
    if not params:
        params = remembered or {}  # Streamlit forgets a page's widgets when another page runs; its link did not
    values, notes = read_params(fields, params)
    for f in fields:  # a field the link gets wrong goes back to its default, not to this session's last value
        if f.param in params and not any(k in values for k in f.keys):
            for k in f.keys:
                st.session_state.pop(k, None)
    st.session_state.update(values)
    st.session_state[NOTES] = notes + (after(values) if after else [])


def write_url(page: str, fields: Sequence[Field]) -> None:
    """Frame, after the page: the address bar holds the page's settings."""
    params = url_params(fields, st.session_state.to_dict())  # one copy: each read of the proxy walks every key
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state.setdefault(WRITTEN, {})[page] = params


def show_notes() -> None:
    """The link's values that could not be used, until the reader dismisses them."""
    notes = st.session_state.get(NOTES)
    if not notes:
        return
    box = st.container(border=True)
    box.warning("**Some settings in this link could not be used.**  \n" + "  \n".join(f"- {n}." for n in notes))
    box.button("Dismiss", key="_url_dismiss", on_click=lambda: st.session_state.pop(NOTES, None))
