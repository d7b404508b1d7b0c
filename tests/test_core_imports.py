"""The core stays numpy-only: importing gdviz and its modules (all but gdviz.ui and gdviz.viz) pulls in
neither streamlit nor plotly. Checked in a fresh interpreter, whose sys.modules nothing else has touched.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gdviz"
FRONTEND = ("ui", "viz")  # the only subpackages allowed to import plotly or streamlit
FORBIDDEN = ("streamlit", "plotly")

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))
print(json.dumps(loaded))
"""


def core_modules() -> list[str]:
    """``gdviz`` and every module under gdviz/ outside the front-end subpackages, as dotted names."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[1:2] and parts[1] in FRONTEND:
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(set(names))


def imported_frontend(modules: list[str]) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(modules), json.dumps(FORBIDDEN)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_core_module_list_covers_the_core():
    modules = core_modules()
    assert {"gdviz", "gdviz.surface.functions", "gdviz.optimizers", "gdviz.surface.trajectory"} <= set(modules)
    assert not any(m.split(".")[1:2] and m.split(".")[1] in FRONTEND for m in modules)


def test_no_core_module_imports_streamlit_or_plotly():
    """Every core module, imported in one fresh interpreter: a module imported alone loads a subset of what all of them
    load together, so if together they load neither library, none does alone (one interpreter, not one per module:
    60 fewer interpreter start-ups). Only when together they do is each probed alone, to name the culprits."""
    modules = core_modules()
    loaded = imported_frontend(modules)
    if loaded:
        culprits = [m for m in modules if imported_frontend([m])]
        pytest.fail(f"importing {', '.join(culprits) or 'the core modules together'} loads {', '.join(loaded)}")


def test_the_probe_would_notice():
    # plotly is installed alongside the app, so loading it after every core module must show up
    assert "plotly" in imported_frontend([*core_modules(), "plotly"])
