"""The fast inner loop: tests that run the app (AppTest, tests/app) or a browser (tests/browser) are marked
``slow``, so ``pytest -m "not slow"`` checks the core, the figures and the UI helpers in about a minute.
A few heavy checks elsewhere carry the mark by hand, each with its reason (a fresh server's start in
tests/ui/test_preload.py; the full fuzz of tests/test_expression_fuzz.py, whose sample stays in the fast loop).
The README's full command runs everything. When the -m expression leaves out every slow test (as "not slow"
does), those two folders are not even imported: their tests would all be deselected, and importing them (a
Streamlit test harness, hypothesis strategies, assertion rewriting of every module) cost the loop 2-3 s."""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

import pytest

SLOW_DIRS = ("app", "browser")  # whole folders of the suite: a Streamlit script run or a Chromium per test


@functools.cache
def _leaves_out_every_slow_test(markexpr: str) -> bool:
    """Whether -m's expression is false for every test marked slow, whatever other marks it has."""
    if not markexpr or "=" in markexpr:  # no -m, or a mark's keyword arguments: collect as usual
        return False
    try:  # pytest's own parser; a private module, so if it moves the folders are just collected as before
        from _pytest.mark.expression import Expression

        expression = Expression.compile(markexpr)
    except Exception:  # an invalid expression: let pytest report it
        return False
    others = sorted(set(re.findall(r"[\w:+\-.\[\]\\/]+", markexpr)) - {"and", "or", "not", "slow"})
    if len(others) > 10:
        return False
    for values in itertools.product((False, True), repeat=len(others)):
        marks = dict(zip(others, values, strict=True), slow=True)
        if expression.evaluate(lambda name, marks=marks, **kwargs: marks.get(name, False)):
            return False  # some slow test with these other marks would be selected
    return True


def pytest_ignore_collect(collection_path, config):
    if collection_path.parent == Path(__file__).parent and collection_path.name in SLOW_DIRS:
        if _leaves_out_every_slow_test(config.getoption("markexpr") or ""):
            return True  # every test in it is marked slow below, so -m would deselect them all
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        parts = Path(item.fspath).relative_to(here).parts
        if parts[0] in SLOW_DIRS:
            item.add_marker(pytest.mark.slow)
