"""Browser tests: the real server, driven by Debian's chromium through Playwright.

The browser is required: a missing chromium fails these tests (CI installs it) unless
GDVIZ_SKIP_BROWSER=1 says, explicitly, to skip them on a machine without one.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("GDVIZ_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _streamlit_server(base_path: str = ""):
    """Start ``streamlit run app.py`` on a free local port (under ``base_path``); yields its base URL."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    if base_path:
        cmd += ["--server.baseUrlPath", base_path]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                pytest.fail(f"streamlit did not become healthy on {url}\n{out}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server():
    """One server for the session's tests."""
    with _streamlit_server() as url:
        yield url


@pytest.fixture
def fresh_server():
    """A server no session has visited yet: what a student's shared link meets after a cold start."""
    with _streamlit_server() as url:
        yield url


@pytest.fixture
def base_path_server():
    """A server behind a base path, as a proxy serves one at https://host/gdviz/."""
    with _streamlit_server("gdviz") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("GDVIZ_SKIP_BROWSER") == "1":
            pytest.skip("GDVIZ_SKIP_BROWSER=1 and no chromium")
        pytest.fail(f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    pg = context.new_page()
    yield pg
    context.close()


def settle(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the current run (no status widget, nothing stale)."""
    pg.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    pg.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')""",
        timeout=timeout,
    )


def screenshot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path
