"""The only streamlit code outside app.py and pages/: widgets, caching, the shared sidebar.

Importing this package imports every gdviz module, pandas and plotly's figure classes, once, in the
first thread that asks. A class opening a fresh server's link starts thirty first runs at once; left to
themselves, their threads import the pages' modules side by side, and Python's per-module import locks
then hand one thread a half-initialized module ("cannot import name … from partially initialized
module") or stop two threads in a deadlock through a package's ``__init__``, and plotly, which reaches
for pandas only when a figure is built, finds a half-imported pandas. Every page imports
``gdviz.ui.frame`` before any other gdviz module (ruff's isort section "frame" in pyproject.toml), so
every other thread waits on this package's lock, holding no other, until everything is in place.
"""

import importlib
import logging
import pkgutil

import pandas  # noqa: F401  plotly and streamlit import it lazily, mid-figure
import plotly.graph_objects  # noqa: F401

import gdviz

from .janitor import tune_malloc


def _import_all() -> None:
    # outside a server (tests, benchmarks, scripts) every cache decorator would warn that it found no runtime
    quiet = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        for module in pkgutil.walk_packages(gdviz.__path__, "gdviz."):
            importlib.import_module(module.name)
    finally:
        quiet.setLevel(level)


_import_all()
tune_malloc()  # before the class's script threads start (see janitor)
