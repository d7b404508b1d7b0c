"""The fast inner loop: tests that run the app (AppTest, tests/app) or a browser (tests/browser) are marked
``slow``, so ``pytest -m "not slow"`` checks the core, the figures and the UI helpers in about a minute.
A few heavy checks elsewhere carry the mark by hand, each with its reason (a fresh server's start in
tests/ui/test_preload.py; the full fuzz of tests/test_expression_fuzz.py, whose sample stays in the fast loop).
The README's full command runs everything."""

from __future__ import annotations

from pathlib import Path

import pytest

SLOW_DIRS = ("app", "browser")  # whole folders of the suite: a Streamlit script run or a Chromium per test


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        parts = Path(item.fspath).relative_to(here).parts
        if parts[0] in SLOW_DIRS:
            item.add_marker(pytest.mark.slow)
