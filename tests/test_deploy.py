"""Deployment files, checked statically: the Dockerfile, .dockerignore, .streamlit/config.toml, requirements.txt.

Docker is not needed: the Dockerfile's instructions are parsed and held to what the image must do (install
requirements.txt only, run app.py as a non-root user on the port it exposes, answer a health check), and the
.dockerignore patterns are matched the way Docker matches them against real paths of this repository.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tomllib
import urllib.request
from pathlib import Path

import pytest
from streamlit import config as st_config

ROOT = Path(__file__).resolve().parents[1]

PUBLIC = {  # what a public deployment needs; an unknown key would only log a warning, so they are checked too
    "browser": {"gatherUsageStats": False},
    "client": {"toolbarMode": "viewer", "showErrorDetails": "none"},
    "server": {
        "runOnSave": False,
        "fileWatcherType": "none",
        "enableStaticServing": False,
        "enableXsrfProtection": True,
        "enableCORS": True,
    },
}


def instructions(text: str) -> list[tuple[str, str]]:
    """Dockerfile -> [(INSTRUCTION, arguments)], continuation lines joined, comments dropped."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(m[1].upper(), m[2].strip()) for m in re.finditer(r"^\s*(\w+)\s+(.*)$", joined, re.M)]


def exec_form(args: str) -> list[str]:
    return json.loads(args)


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: a path is left out when it or a parent directory matches a pattern (``**`` spans directories);
    a later ``!pattern`` lets it back in."""

    def regex(p: str) -> re.Pattern:
        out = re.sub(r"\\\*\\\*/", "(?:.*/)?", re.escape(p.strip("/")))
        out = out.replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        return re.compile(out + r"\Z")

    parts = path.split("/")
    prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    out = False
    for p in patterns:
        keep = p.startswith("!")
        if any(regex(p.lstrip("!")).match(q) for q in prefixes):
            out = not keep
    return out


@pytest.fixture(scope="module")
def docker() -> list[tuple[str, str]]:
    return instructions((ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def ignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def test_image_installs_the_runtime_only(docker):
    assert docker[0] == ("FROM", "python:3.12-slim")
    runs = [args for op, args in docker if op == "RUN"]
    installs = [r for r in runs if "pip install" in r]
    assert installs == [
        "grep -v '^-e ' requirements.txt > /tmp/runtime.txt && pip install --no-cache-dir -r /tmp/runtime.txt",
        "pip install --no-cache-dir --no-deps -e . && python -m gdviz.ui.stage",  # the stage's files, plotly.js
    ]
    assert runs.index(installs[0]) < runs.index(installs[1])
    everything = " ".join(runs).lower()
    for unwanted in ("requirements-dev", "pytest", "playwright", "chromium", "apt-get"):
        assert unwanted not in everything
    copies = [args for op, args in docker if op == "COPY"]
    assert copies.index("requirements.txt .") < copies.index(". .")  # code changes reuse the dependency layer


def test_image_runs_app_py_as_a_user_on_the_port_it_exposes(docker, monkeypatch):
    ops = [op for op, _ in docker]
    user = [args for op, args in docker if op == "USER"]
    assert user and user[-1] not in ("root", "0") and ops.index("USER") < ops.index("CMD")
    cmd = exec_form(next(args for op, args in docker if op == "CMD"))
    assert cmd[:3] == ["streamlit", "run", "app.py"]
    port = next(a.split("=", 1)[1] for a in cmd if a.startswith("--server.port="))
    assert "--server.address=0.0.0.0" in cmd
    assert [args for op, args in docker if op == "EXPOSE"] == [port]
    health = next(args for op, args in docker if op == "HEALTHCHECK")
    check = exec_form(health[health.index("CMD") + 3 :].strip())
    assert check[:2] == ["python", "-c"]  # slim has no curl
    for base, path in (("", "/_stcore/health"), ("/gdviz/", "/gdviz/_stcore/health")):
        assert healthcheck_url(check[2], base, monkeypatch) == f"http://127.0.0.1:{port}{path}"


def healthcheck_url(code: str, base: str, monkeypatch) -> str:
    """Run the health check's Python against a fake urlopen that answers ``ok``; the URL it asked for."""
    asked = []

    def urlopen(url, timeout):
        asked.append(url)
        return io.BytesIO(b"ok")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setenv("STREAMLIT_SERVER_BASE_URL_PATH", base)
    with pytest.raises(SystemExit) as done:
        exec(code, {})
    assert done.value.code is False  # exit status 0: healthy
    return asked[0]


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".git/HEAD",
        "artifacts/page-race.png",
        ".pytest_cache/v/cache/nodeids",
        "tests/.pytest_cache/README.md",
        ".hypothesis/examples/abc",
        "__pycache__/app.cpython-312.pyc",
        "gdviz/ui/__pycache__/frame.cpython-312.pyc",
        "gdviz/ui/__pycache__",
        ".ruff_cache/CACHEDIR.TAG",
        ".streamlit/secrets.toml",
    ],
)
def test_dockerignore_keeps_local_state_out(ignore, path):
    assert dockerignored(path, ignore)


def test_dockerignore_keeps_everything_the_app_needs(ignore):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    needed = [p for p in tracked.split() if p.startswith(("gdviz/", "pages/"))]
    needed += ["app.py", "requirements.txt", "pyproject.toml", ".streamlit/config.toml", "gdviz/data/digits.npz"]
    assert len(needed) > 20
    assert [p for p in needed if dockerignored(p, ignore)] == []


def test_config_is_right_for_a_public_deployment():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    for section, values in PUBLIC.items():
        for key, value in values.items():
            assert cfg[section][key] == value, f"{section}.{key}"
    assert 1 <= cfg["server"]["maxUploadSize"] <= 10  # megabytes; the app uploads nothing
    assert cfg["theme"]["primaryColor"] == "#0072B2"
    known = st_config._config_options_template
    unknown = [f"{s}.{k}" for s, kv in cfg.items() for k in kv if f"{s}.{k}" not in known]
    assert unknown == []


def test_community_cloud_installs_requirements_txt():
    lines = [ln for ln in (ROOT / "requirements.txt").read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines[-1] == "-e ."  # gdviz itself: Streamlit serves a component's files from an installed package only
    pins = dict(ln.split("==") for ln in lines[:-1])
    assert {"streamlit", "numpy", "plotly"} <= set(pins)
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins["streamlit"])
    for first in ("uv.lock", "Pipfile", "environment.yml", "environment.yaml"):
        assert not (ROOT / first).exists(), f"{first} would be installed instead of requirements.txt"


def test_nginx_example_pins_a_browser_to_one_instance_and_passes_websockets():
    conf = (ROOT / "docs" / "nginx-gdviz.conf").read_text()
    for line in (
        "hash $gdviz_lb_key consistent;",
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "add_header Set-Cookie $gdviz_lb_set_cookie;",
    ):
        assert line in conf
    timeout = re.search(r"proxy_read_timeout (\d+)s;", conf)
    assert timeout and int(timeout[1]) >= 3600


def test_readme_quotes_the_nginx_example_as_it_is():
    readme = (ROOT / "README.md").read_text()
    quoted = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert quoted, "README's Deploy section shows the nginx example"

    def directives(text: str) -> set[str]:
        return {ln.split("#")[0].strip() for ln in text.splitlines()} - {""}

    assert directives(quoted[1]) <= directives((ROOT / "docs" / "nginx-gdviz.conf").read_text())
