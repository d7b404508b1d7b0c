"""Playback smoothness of the race in a real browser (budget: at least 30 frames/s).

Starts the app, opens the race page in Debian's headless chromium, presses ▶ Play and counts the
frames Plotly draws (its ``plotly_animatingframe`` event) for a few seconds, then does the same at
"Fast". Software rendering on a shared 2-core machine: a real screen is faster, not slower.

Run: python benchmarks/bench_playback.py   (needs /usr/bin/chromium and the playwright package)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SECONDS, BUDGET = 3.0, 30.0
COUNT = """() => { const gd = document.querySelector('.js-plotly-plot'); window.__frames = 0;
  gd.on('plotly_animatingframe', () => { window.__frames += 1; }); }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def frames_per_second(page, button: str) -> float:
    page.evaluate(COUNT)
    page.locator(".js-plotly-plot g.updatemenu-button", has_text=button).first.click()
    t0 = time.perf_counter()
    time.sleep(SECONDS)
    n = page.evaluate("() => window.__frames")
    fps = n / (time.perf_counter() - t0)
    page.locator(".js-plotly-plot g.updatemenu-button", has_text="❚❚").first.click()
    return fps


def main() -> int:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port)]
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(f"http://127.0.0.1:{port}/race")
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            time.sleep(3)
            play = frames_per_second(page, "Play")
            fast = frames_per_second(page, "Fast")
            browser.close()
    finally:
        server.terminate()
    print(f"race playback in headless chromium, {SECONDS:.0f} s each")
    print(f"  ▶ Play: {play:5.1f} frames/s    Fast: {fast:5.1f} frames/s    ratio {fast / play:.2f}")
    print(f"budget ≥ {BUDGET:.0f} frames/s at ▶ Play: {'HOLDS' if play >= BUDGET else 'FAILS'}")
    return 0 if play >= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
