"""The backprop page's link: the formula, its inputs' values and the step, beside the widgets that hold them
(``BACKPROP`` in its ``PageEntry``)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ...autodiff.circuits import CIRCUITS
from ..links import BIG, Link
from ..literal import quoted
from ..url_state import Field, number, text


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


def fields() -> list[Field]:
    return [text("f", "bp.text"), _values("v"), number("at", "bp.cursor", 0, 10_000, integer=True)]


def after(values: dict) -> list[str]:
    """A link's formula is typed, not loaded: unless it is one of the lecture's circuits, say nothing about one."""
    if "bp.text" in values:
        match = [name for name, c in CIRCUITS.items() if c.text == values["bp.text"]]
        st.session_state["bp.circuit"] = match[0] if match else None
    return []


BACKPROP = Link(fields, after)
