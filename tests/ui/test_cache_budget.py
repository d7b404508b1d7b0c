"""Memory a class cannot grow: every st.cache_data cache in gdviz.ui is bounded by its pickled size, and
the bounds add up to the budget the README states."""

import importlib
import pkgutil

from streamlit.runtime.caching.cache_utils import CachedFunc

import gdviz.ui

BUDGET_MB = 250  # README, Memory: all of gdviz's st.cache_data caches together


def _caches() -> dict[str, CachedFunc]:
    found = {}
    for info in pkgutil.walk_packages(gdviz.ui.__path__, "gdviz.ui."):  # the shared modules and each page's package
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, CachedFunc) and value._info.__class__.__name__ == "CachedDataFuncInfo":
                found.setdefault(value._info.func.__qualname__ + " in " + value._info.func.__module__, value)
    return found  # each once, under its home module (pages import them too)


def test_every_data_cache_is_bounded_in_bytes_and_together_within_the_budget():
    caches = _caches()
    homes = {f._info.func.__module__ for f in caches.values()}
    assert {"gdviz.ui.race.runs", "gdviz.ui.linear.runs", "gdviz.ui.linear.gradcheck"} <= homes  # found in subpackages
    assert len(caches) >= 10  # the race's, the linear pages', the gradient check's
    unbounded = [name for name, f in caches.items() if not f._info.max_size_bytes]
    assert unbounded == []
    total = sum(f._info.max_size_bytes for f in caches.values()) / 2**20
    assert total <= BUDGET_MB, f"{total:.0f} MB"
