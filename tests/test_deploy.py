"""Deployment files, checked statically: the Dockerfile, .dockerignore, .streamlit/config.toml, requirements.txt,
docs/nginx-gdviz.conf.

Docker is not needed: the Dockerfile's instructions are parsed and held to what the image must do (start from a base
image a digest can pin, install requirements.txt only, run app.py as a non-root user on the port it exposes, answer a
health check), and the .dockerignore patterns are matched the way Docker matches them against real paths of this
repository. requirements.txt is held to pinning every package the runtime needs, transitive ones included.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
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
        "enableExpensiveMemoryStats": False,  # /_stcore/metrics can't be turned off: keep it cheap to ask
        "maxCacheDataSize": "250mb",  # every cached entry together, whatever a class asks for (README: Memory)
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


def test_base_image_is_a_build_arg_that_a_digest_pins(docker):
    assert docker[0] == ("ARG", "PYTHON_IMAGE=python:3.12-slim")
    assert docker[1] == ("FROM", "${PYTHON_IMAGE}")
    assert [args for op, args in docker if op == "FROM"] == ["${PYTHON_IMAGE}"]  # one stage, nothing else pulled
    default = docker[0][1].split("=", 1)[1]
    assert re.fullmatch(r"python:3\.12-slim(@sha256:[0-9a-f]{64})?", default)  # a tag, or that tag with a digest
    text = (ROOT / "Dockerfile").read_text()  # the comment says how a deployer pins it
    assert "docker buildx imagetools inspect python:3.12-slim" in text
    assert "docker build --build-arg PYTHON_IMAGE=python:3.12-slim@sha256:<digest>" in text


def test_image_installs_the_runtime_only(docker):
    runs = [args for op, args in docker if op == "RUN"]
    installs = [r for r in runs if "pip install" in r]
    assert installs == [
        "grep -v '^-e ' requirements.txt > /tmp/runtime.txt && pip install --no-cache-dir -r /tmp/runtime.txt",
        "pip install --no-cache-dir --no-deps -e .",  # gdviz itself: Streamlit serves the stage's files
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


def test_dockerignore_matcher_follows_dockers_rules():
    allow = ["*", "!gdviz/", "**/__pycache__", "!gdviz/keep/__pycache__"]
    assert dockerignored("README.md", allow)
    assert dockerignored("tests/test_x.py", allow)  # under an ignored directory
    assert not dockerignored("gdviz/ui/stage.py", allow)  # let back in with its directory
    assert dockerignored("gdviz/ui/__pycache__/x.pyc", allow)  # ignored again: the last match decides
    assert not dockerignored("gdviz/keep/__pycache__/x.pyc", allow)
    assert dockerignored(".env", allow) and dockerignored(".streamlit/secrets.toml", allow)


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
        "gdviz.egg-info/PKG-INFO",
        "gdviz/ui/.pytest_cache/v/cache/nodeids",
        # secrets and keys, at the top or inside what the image needs
        ".env",
        ".env.local",
        "gdviz/.env",
        "pages/.env.production",
        ".streamlit/.env",
        "server.pem",
        "gdviz/data/tls.key",
        "pages/cert.pem",
        "id_rsa",
        "gdviz/id_rsa.pub",
        ".ssh/id_ed25519",
        "gdviz/secrets.toml",
        # local databases, git, editors, the OS
        "sessions.sqlite",
        "gdviz/data/cache.sqlite",
        "gdviz/data/cache.sqlite3",
        ".gitignore",
        ".github/workflows/ci.yml",
        "gdviz/.gitkeep",
        ".DS_Store",
        "gdviz/ui/.DS_Store",
        "pages/Thumbs.db",
        ".idea/workspace.xml",
        "gdviz/.vscode/settings.json",
        "pages/.race.py.swp",
        "gdviz/ui/stage.py~",
        # what only the tests, benchmarks, CI and readers need
        "README.md",
        "requirements-dev.txt",
        "Dockerfile",
        "docs/nginx-gdviz.conf",
        "benchmarks/bench_stage.py",
        ".ci/run",
    ],
)
def test_dockerignore_keeps_local_state_out(ignore, path):
    assert dockerignored(path, ignore)


def test_dockerignore_lets_in_only_the_app(ignore):
    """An allow-list: of the repository's files, only app.py, pages/, gdviz/, home's pictures and four files reach
    the image."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    sent = {p for p in tracked.split() if not dockerignored(p, ignore)}
    app = {"app.py", "requirements.txt", "pyproject.toml", ".streamlit/config.toml"}
    assert {p for p in sent if not p.startswith(("gdviz/", "pages/", "docs/home/"))} == app
    assert {p for p in sent if p.startswith("docs/")} == {p for p in tracked.split() if p.startswith("docs/home/")}


def test_dockerignore_keeps_everything_the_app_needs(ignore):
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    needed = [p for p in tracked.split() if p.startswith(("gdviz/", "pages/", "docs/home/"))]
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


def requirement_lines() -> list[str]:
    """requirements.txt without comments (whole-line or trailing) and blank lines."""
    lines = (re.sub(r"(^|\s)#.*", "", ln).strip() for ln in (ROOT / "requirements.txt").read_text().splitlines())
    return [ln for ln in lines if ln]


def pins() -> dict[str, str]:
    out = {}
    for ln in requirement_lines()[:-1]:
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][A-Za-z0-9.+!-]*)", ln)
        assert m, f"not an exact pin: {ln!r}"
        out[canonical(m[1])] = m[2]
    return out


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_community_cloud_installs_requirements_txt():
    lines = requirement_lines()
    assert lines[-1] == "-e ."  # gdviz itself: Streamlit serves a component's files from an installed package only
    assert [ln for ln in lines if ln.startswith("-")] == ["-e ."]  # no options, no hashes (pip refuses them with -e)
    assert {"streamlit", "numpy", "plotly"} <= set(pins())
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins()["streamlit"])
    for first in ("uv.lock", "Pipfile", "environment.yml", "environment.yaml"):
        assert not (ROOT / first).exists(), f"{first} would be installed instead of requirements.txt"
    header = (ROOT / "requirements.txt").read_text()
    assert "uv pip compile" in header and "--python-version $v" in header  # it says how to regenerate it


def test_requirements_pin_every_package_the_runtime_needs():
    """The closure of gdviz's dependencies, as installed here (CI installs requirements.txt into a fresh
    environment), is exactly the set requirements.txt pins, at the pinned versions: nothing transitive floats, and
    nothing is pinned that nothing needs."""
    from importlib import metadata

    from packaging.requirements import Requirement

    need, todo = {}, [(canonical(name), frozenset()) for name in ("numpy", "plotly", "streamlit")]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in need:
            continue
        need[(name, extras)] = metadata.version(name)
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras or {""}):
                todo.append((canonical(req.name), frozenset(req.extras)))
    installed = {name: version for (name, _), version in need.items()}
    assert installed == pins()


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


def nginx_block(conf: str, opening: str) -> str:
    """The body of the block that starts with ``opening`` (e.g. ``location / {``), nested blocks included."""
    start = conf.index(opening) + len(opening)
    depth = 1
    for i in range(start, len(conf)):
        depth += {"{": 1, "}": -1}.get(conf[i], 0)
        if depth == 0:
            return conf[start:i]
    raise AssertionError(f"{opening} is not closed")


def directives(text: str) -> set[str]:
    return {ln.split("#")[0].strip() for ln in text.splitlines()} - {""}


def test_nginx_example_sets_the_headers_streamlit_cannot():
    """No framing by other sites, no sniffing, no referrer to other sites. nginx's add_header is inherited only by
    a block with none of its own, and location / sets a cookie: so the headers must be in location / itself."""
    conf = (ROOT / "docs" / "nginx-gdviz.conf").read_text()
    root = directives(nginx_block(conf, "location / {"))
    for line in (
        """add_header Content-Security-Policy "frame-ancestors 'self'" always;""",
        "add_header X-Frame-Options SAMEORIGIN always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy same-origin always;",
    ):
        assert line in root


def test_nginx_example_hides_streamlits_metrics():
    """/_stcore/metrics (cached functions' names, hits, misses) cannot be switched off in Streamlit: the proxy
    answers 404, under a base path too (a regular-expression location wins over the prefix ``location /``)."""
    conf = (ROOT / "docs" / "nginx-gdviz.conf").read_text()
    server = nginx_block(conf, "server {")
    assert directives(nginx_block(server, "location ~ /_stcore/metrics {")) == {"return 404;"}


def test_readme_quotes_the_nginx_example_as_it_is():
    readme = (ROOT / "README.md").read_text()
    quoted = re.search(r"```nginx\n(.*?)```", readme, re.S)
    assert quoted, "README's Deploy section shows the nginx example"
    assert directives(quoted[1]) <= directives((ROOT / "docs" / "nginx-gdviz.conf").read_text())


def test_app_py_gives_numpy_one_blas_thread_before_anything_imports_it():
    """app.py sets OPENBLAS_NUM_THREADS=1 before its first gdviz import (numpy reads it once, when it loads), so a
    search's matrix products take one core of a shared server, not all of them: run in a fresh interpreter with
    the page run left out, numpy then starts no BLAS threads of its own."""
    code = (
        "import os, runpy, sys, types\n"
        "frame = types.ModuleType('gdviz.ui.frame'); frame.app_frame = lambda: None\n"
        "sys.modules['gdviz.ui.frame'] = frame  # only what app.py does before the page run\n"
        "assert 'numpy' not in sys.modules\n"
        "runpy.run_path('app.py')\n"
        "import numpy\n"
        "print(os.environ['OPENBLAS_NUM_THREADS'], len(os.listdir('/proc/self/task')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["1", "1"]  # one thread in all: numpy's BLAS runs in the caller's
