"""The stage's files: declared by gdviz's own package, with plotly.js's basic bundle of the plotly package's version."""

import tomllib
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from gdviz.ui import stage

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_declares_the_stage_and_its_files_exist():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["name"] == "gdviz" and "streamlit" in project["project"]["dependencies"]
    (declared,) = project["tool"]["streamlit"]["component"]["components"]
    assert declared == {"name": "stage", "asset_dir": "ui/assets"}
    assert (ROOT / "gdviz" / declared["asset_dir"]) == stage.ASSETS
    assert {"stage.js", "stage.css"} <= {p.name for p in stage.ASSETS.iterdir()}


def test_plotly_js_beside_the_stage_is_the_plotly_packages_version():
    """The basic bundle the stage runs on is the plotly.js version plotly.py builds its figures for."""
    bundle = stage.ASSETS / stage.PLOTLY_JS
    header = bundle.read_text()[:200]
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in header
    assert "window.Plotly = Plotly" in bundle.read_text()[-200:]  # the global the stage reads (and puts back)
    assert "MIT" in (stage.ASSETS / "plotly-basic.LICENSE.txt").read_text()
