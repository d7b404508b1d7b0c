"""The stage's files: declared by gdviz's own package, plotly.js put beside them from the plotly package."""

import filecmp
import subprocess
import sys
import tomllib
from pathlib import Path

import plotly

from gdviz.ui import stage

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_declares_the_stage_and_its_files_exist():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["name"] == "gdviz" and "streamlit" in project["project"]["dependencies"]
    (declared,) = project["tool"]["streamlit"]["component"]["components"]
    assert declared == {"name": "stage", "asset_dir": "ui/assets"}
    assert (ROOT / "gdviz" / declared["asset_dir"]) == stage.ASSETS
    assert {"stage.js", "stage.css"} <= {p.name for p in stage.ASSETS.iterdir()}


def test_plotly_js_is_the_installed_plotly_packages_own():
    copied = stage.ASSETS / stage.plotly_file()
    assert filecmp.cmp(copied, Path(plotly.__file__).parent / "package_data" / "plotly.min.js", shallow=False)


def test_the_docker_build_step_runs_outside_a_server():
    """`python -m gdviz.ui.stage` puts plotly.js in place while the image's files are writable."""
    out = subprocess.run([sys.executable, "-m", "gdviz.ui.stage"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == stage.plotly_file()
