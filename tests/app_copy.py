"""A copy of the app, changed the way a newcomer would change it, and what a fresh interpreter finds in it: the
extension tests (tests/test_registry_extension.py, tests/test_domain_extension.py, tests/ui/test_page_extension.py)
prove ARCHITECTURE.md's "To add…" rows this way, without touching what this session imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "PROBE"  # the probe prints its report on a line of its own that starts with this


def copy_app(dest: Path, *, whole: bool = True) -> Path:
    """gdviz/ copied into ``dest`` (``whole``: the app around it too, app.py, pages/ and .streamlit/); returns it."""
    dest.mkdir(parents=True, exist_ok=True)
    names = ("gdviz", "pages", ".streamlit") if whole else ("gdviz",)
    for name in names:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    if whole:
        for name in ("app.py", "pyproject.toml"):
            shutil.copy(ROOT / name, dest / name)
    return dest


def probe(copy: Path, source: str, timeout: float = 600) -> dict:
    """Run ``source`` in a fresh interpreter inside ``copy`` (which it imports gdviz from) and return the report it
    printed after ``MARK``, as JSON; a probe that fails shows its traceback."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", source], cwd=copy, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    report = json.loads(lines[-1][len(MARK) :])
    assert Path(report["file"]).is_relative_to(copy), "the copy, not this checkout, was imported"
    return report
