"""What a widget reads of session state while Streamlit draws it: its own key, not every value.

Streamlit 1.67 builds ``SessionState.filtered_state``, a dict of every key in session state with its
value presented, inside each number input, select box, slider, radio and text input it draws, only to
ask whether the widget's own key holds None. A page of W such widgets over K keys pays W × K lookups:
the race with a schedule on six optimizers draws 88 of them over 137 keys, about a fifth of its rerun
(py-spy; streamlit/streamlit#9415, #12090). ``install`` hands those widget modules a session state whose
``filtered_state`` is ``OwnKeyView``: the same loop over the same keys, giving the same answer for the
key asked, without presenting every other value. Only for the Streamlit it was checked against
(``STREAMLIT``; ``tests/ui/test_widget_state.py`` compares the two on the race page): any other version
keeps Streamlit's own.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

import streamlit
from streamlit.runtime.state.common import GENERATED_ELEMENT_ID_PREFIX as ELEMENT
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX as INTERNAL

STREAMLIT = "1.67.0"  # the version whose SessionState.filtered_state OwnKeyView follows
WIDGET_MODULES = tuple(  # the widget modules that read filtered_state (grep "filtered_state" in them)
    f"streamlit.elements.widgets.{name}"
    for name in ("number_input", "selectbox", "slider", "radio", "text_widgets", "time_widgets")
)


class OwnKeyView(Mapping):
    """``SessionState.filtered_state`` for one key at a time: ``key in view`` and ``view[key]`` walk the keys
    as it does and present only the values it would store under ``key`` (the last one wins, as there).
    Iterating it builds Streamlit's own dict."""

    def __init__(self, safe) -> None:  # a SafeSessionState
        self._safe = safe
        self._seen: dict[str, tuple[bool, Any]] = {}  # a widget asks twice: ``key in view and view[key] is None``

    def _lookup(self, key: str) -> tuple[bool, Any]:
        if key not in self._seen:
            self._seen[key] = self._walk(key)
        return self._seen[key]

    def _walk(self, key: str) -> tuple[bool, Any]:
        with self._safe._lock:
            state = self._safe._state
            wid_key_map = state._key_id_mapper.id_key_mapping
            found, value = False, None
            # filtered_state's loop, its tests written out (is_element_id, is_keyed_element_id, _is_internal_key)
            for k in state._keys():
                if k.startswith(INTERNAL):
                    continue
                if not k.startswith(ELEMENT):
                    if k == key:
                        found, value = True, state[k]
                elif not k.endswith("-None") and wid_key_map.get(k) == key:
                    try:
                        found, value = True, state[k]
                    except KeyError:  # a reset widget's leftover value: filtered_state skips it too
                        pass
            return found, value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key)[0]

    def __getitem__(self, key: str) -> Any:
        found, value = self._lookup(key)
        if not found:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._safe.filtered_state)

    def __len__(self) -> int:
        return len(self._safe.filtered_state)


class _WidgetSessionState:
    """The session state a widget module gets from ``get_session_state()``: Streamlit's, but its
    ``filtered_state`` is an ``OwnKeyView``. Everything else is Streamlit's own object's."""

    def __init__(self, safe) -> None:
        self._safe = safe

    @property
    def filtered_state(self) -> OwnKeyView:
        return OwnKeyView(self._safe)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._safe, name)


def _widget_session_state(real):
    def get_session_state():
        return _WidgetSessionState(real())

    get_session_state.gdviz_own_key = True
    return get_session_state


def install() -> bool:
    """Point the widget modules' ``get_session_state`` at ``_WidgetSessionState`` (once); whether it is in place."""
    if streamlit.__version__ != STREAMLIT:
        return False
    for name in WIDGET_MODULES:
        module = importlib.import_module(name)
        if not getattr(module.get_session_state, "gdviz_own_key", False):
            module.get_session_state = _widget_session_state(module.get_session_state)
    return True


def installed() -> bool:
    return all(getattr(importlib.import_module(n).get_session_state, "gdviz_own_key", False) for n in WIDGET_MODULES)
