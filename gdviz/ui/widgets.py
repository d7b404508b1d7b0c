"""Widgets built from specs: one function turns any optimizer's hyperparameter spec into inputs.

Every function returns plain values (numbers, tuples, names), never widgets, so pages pass them
straight to the cached core calls. Starting values go through session state, so callbacks
(presets, links) can set any widget before it is drawn.
"""

from __future__ import annotations

import streamlit as st

from ..optimizers import HyperParam, OptimizerSpec


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
