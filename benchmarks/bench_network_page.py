"""The network page (/network, issue #15) against its budgets, side by side, in one run.

1. Server time of a rerun on a new setting, part by part, in-process (CPU ms of this process, best of REPEATS,
   the parts taking turns round by round): the data, ``train_mlp``, the regions of every snapshot (64²),
   every neuron's pictures (20²), the panels, the stage's spec and its JSON — what gdviz/ui/network/runs.py
   does on a cache miss. For the budget's case (1,000 full-batch steps of a 2-8-8-3 network on 300 points,
   101 snapshots: the spiral with no test set) and for the page's default (the same network on 240 of the
   300, 60 held out). Budget ≤ 300 ms of server time.
2. Whole reruns through AppTest (the app's frame included): the page opened, rerun unchanged (cached), and a
   new seed on emptied caches (cold) and asked again (warm). Server CPU ms, medians of RERUNS.
3. The stage's data (the spec's JSON) for the default, the budget's case and the biggest network the page
   draws (7 features, 4 × 16, 5,000 mini-batch iterations), plain and projected. Budget ≤ 1 MB.
4. Playback in Chromium (as benchmarks/bench_stage.py measures the race): redraws per second while playing at
   Normal and Fast, the default network and the biggest, at 1280×720 and 1920×1080, plain and projected, with
   chromium's CPU per redraw. Budget ≥ 30 redraws/s.

Software rendering on a shared 2-core machine: the load average is printed; other work inflates every time.

Run: python benchmarks/bench_network_page.py [--quick]   (part 4 needs /usr/bin/chromium and playwright)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(ROOT / "benchmarks"))  # bench_stage's browser helpers
logging.disable(logging.WARNING)  # Streamlit's caches outside a server warn once each

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gdviz.network import train_mlp  # noqa: E402
from gdviz.network.data import BOX, network_data  # noqa: E402
from gdviz.network.features import FEATURES, feature_matrix  # noqa: E402
from gdviz.network.pictures import region_classes, unit_outputs  # noqa: E402
from gdviz.network.presets import DEFAULT  # noqa: E402
from gdviz.ui.network.runs import REGION_GRID, UNIT_GRID  # noqa: E402
from gdviz.viz.network import network_panels  # noqa: E402
from gdviz.viz.stage import stage_spec  # noqa: E402

REPEATS, RERUNS = 5, 3
SERVER_BUDGET_MS, BYTES_BUDGET, REDRAW_BUDGET = 300.0, 1_000_000, 30.0
PAGE = "pages/network.py"
CASES = {  # label -> the settings that differ from the page's defaults
    "budget: 2-8-8-3, 300 points, 1,000 steps": dict(split=0.0),
    "page default: 2-8-8-3, 240 + 60 points": {},
    "biggest: 7-16-16-16-16-3, 5,000 mini-batch": dict(
        features=tuple(FEATURES), hidden=(16,) * 4, steps=5000, batch=32
    ),
}
BIGGEST_QUERY = "feat=" + ",".join(FEATURES) + "&hidden=16,16,16,16&steps=5000&batch=32"


def cpu_ms(fn) -> tuple[float, object]:
    c0 = time.process_time()
    out = fn()
    return (time.process_time() - c0) * 1e3, out


def parts(settings: dict, projection: bool = False) -> dict[str, tuple[float, object]]:
    """One cold rerun's work, part by part: (CPU ms, result) each."""
    s = DEFAULT | settings
    out = {"data": cpu_ms(lambda: network_data(s["dataset"], s["noise"], s["split"], s["seed"]))}
    train, test = out["data"][1]
    X = feature_matrix(train.X, s["features"])
    extra = {} if test is None else dict(X_test=feature_matrix(test.X, s["features"]), y_test=test.y)
    out["train_mlp"] = cpu_ms(
        lambda: train_mlp(X, train.y, hidden=s["hidden"], activation=s["activation"], loss=s["loss"],
                          optimizer=s["optimizer"], steps=s["steps"], batch_size=s["batch"] or None, reg=s["reg"],
                          seed=s["seed"], **extra, **s["hyper"])
    )  # fmt: skip
    run = out["train_mlp"][1]
    args = (run.snapshot_params, run.activation, s["features"], BOX)
    out["regions (64², every snapshot)"] = cpu_ms(lambda: region_classes(*args, REGION_GRID))
    out["neurons' pictures (20²)"] = cpu_ms(lambda: unit_outputs(*args, UNIT_GRID))
    regions, units = out["regions (64², every snapshot)"][1], out["neurons' pictures (20²)"][1]
    out["network_panels"] = cpu_ms(
        lambda: network_panels(run, out["data"][1], s["features"], regions, units, box=BOX, compact=projection)
    )
    panels = out["network_panels"][1]
    out["stage_spec"] = cpu_ms(lambda: stage_spec(panels, int(run.snapshot_steps[-1]), projection=projection))
    out["json (what is sent)"] = cpu_ms(lambda: json.dumps(out["stage_spec"][1]))
    return out


def server_parts(repeats: int) -> dict[str, dict[str, float]]:
    """Best CPU ms of each part, for the budget's case and the default."""
    rows: dict[str, dict[str, float]] = {}
    for label in list(CASES)[:2]:
        best: dict[str, float] = {}
        for _ in range(repeats):
            for name, (ms, _) in parts(CASES[label]).items():
                best[name] = min(best.get(name, float("inf")), ms)
        rows[label] = best | {"total": sum(best.values())}
    return rows


def server_ms(fn) -> float:
    """CPU ms of every thread but this one: AppTest runs the script in a thread of its own while this one waits."""
    process, thread = time.process_time(), time.thread_time()
    fn()
    return ((time.process_time() - process) - (time.thread_time() - thread)) * 1e3


def page_reruns(reruns: int) -> dict[str, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    st.cache_data.clear()
    out = {"open the page (cold)": server_ms(lambda: at.switch_page(PAGE).run())}
    out["rerun unchanged (cached)"] = statistics.median(server_ms(lambda: at.run()) for _ in range(reruns))
    colds, warms = [], []
    for i in range(reruns):
        st.cache_data.clear()
        colds.append(server_ms(lambda i=i: at.number_input(key="nn.seed").set_value(i + 1).run()))
        at.number_input(key="nn.seed").set_value(0).run()
        warms.append(server_ms(lambda i=i: at.number_input(key="nn.seed").set_value(i + 1).run()))
        at.number_input(key="nn.seed").set_value(0).run()
    assert not at.exception, at.exception
    out["a new seed (cold)"] = statistics.median(colds)
    out["a seed asked before (warm)"] = statistics.median(warms)
    return out


def stage_bytes() -> dict[str, tuple[int, int]]:
    """The spec's JSON bytes, plain and projected, per case."""
    out = {}
    for label, settings in CASES.items():
        sizes = []
        for projection in (False, True):
            sizes.append(len(parts(settings, projection)["json (what is sent)"][1].encode()))
        out[label] = tuple(sizes)
    return out


def playback(quick: bool) -> list[dict]:
    """Redraws per second while the stage plays, with bench_stage's instruments (its play_window)."""
    import bench_stage as bs
    from playwright.sync_api import sync_playwright

    configs = [(1280, 720, False)] if quick else [(1280, 720, False), (1280, 720, True), (1920, 1080, False),
                                                  (1920, 1080, True)]  # fmt: skip
    queries = {"default (1,000 steps)": ("", 1000), "biggest (5,000 steps)": (BIGGEST_QUERY, 5000)}
    rows, console = [], bs.Console()
    proc, base = bs.start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=bs.CHROMIUM, args=bs.ARGS)
            try:
                for query, _ in queries.values():  # warm the server's caches first
                    ctx, page = bs.new_page(browser, console, 1280, 720, "warm-up")
                    bs.open_stage(page, f"{base}/network?{query}", 300_000)
                    ctx.close()
                for name, (query, T) in queries.items():
                    for w, h, proj in configs:
                        ctx, page = bs.new_page(browser, console, w, h, f"{name} {w}x{h}")
                        try:
                            bs.open_stage(page, f"{base}/network?{query}" + ("&projection=1" if proj else ""), 120_000)
                            time.sleep(1.0)
                            normal = bs.play_window(page, "1", 2.0 if quick else 2.5, T)
                            fast = bs.play_window(page, "4", 1.5, T)
                            rows.append(dict(run=name, w=w, h=h, proj=proj, normal=normal, fast=fast))
                        finally:
                            ctx.close()
            finally:
                browser.close()
    finally:
        bs.stop_server(proc)
    errors = [k for k, n in console.seen.items() if k[0] in ("STAGE", "page error")]
    if errors:
        print("stage errors in the browser:", errors)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and configurations")
    parser.add_argument("--no-browser", action="store_true", help="leave out part 4")
    args = parser.parse_args()
    repeats, reruns = (2, 2) if args.quick else (REPEATS, RERUNS)
    load = [os.getloadavg()[0]]
    verdicts = []

    print(f"1. Server time of a rerun on a new setting, in-process (CPU ms, best of {repeats})")
    rows = server_parts(repeats)
    labels = list(rows)
    print(f"   {'part':<34}" + "".join(f"{label[:30]:>32}" for label in labels))
    for name in rows[labels[0]]:
        print(f"   {name:<34}" + "".join(f"{rows[label][name]:>32.1f}" for label in labels))
    for label in labels:
        verdicts.append((f"server, cold rerun: {label[:28]}", rows[label]["total"], SERVER_BUDGET_MS, "≤", " ms"))
    load.append(os.getloadavg()[0])

    print(f"\n2. Whole reruns of /network through AppTest (server CPU ms, medians of {reruns})")
    for name, ms in page_reruns(reruns).items():
        print(f"   {name:<34}{ms:>10.0f}")
        if "cached" in name:
            verdicts.append(("server, cached rerun (AppTest)", ms, SERVER_BUDGET_MS, "≤", " ms"))
    load.append(os.getloadavg()[0])

    print("\n3. The stage's data (the spec's JSON), plain and projected")
    for label, (plain, projected) in stage_bytes().items():
        print(f"   {label:<46}{plain / 1e3:>9.0f} kB{projected / 1e3:>9.0f} kB")
        verdicts.append((f"stage data: {label[:32]}", max(plain, projected) / 1e3, BYTES_BUDGET / 1e3, "≤", " kB"))
    load.append(os.getloadavg()[0])

    if not args.no_browser:
        print("\n4. Playback in Chromium (redraws/s while playing; chromium's CPU ms per redraw)")
        print(f"   {'run':<24}{'viewport':<11}{'mode':<12}{'Normal':>8}{'CPU ms':>8}{'Fast':>8}{'CPU ms':>8}")
        for r in playback(args.quick):
            mode = "projection" if r["proj"] else "normal"
            n, f = r["normal"], r["fast"]
            ended = "" if n["ok"] and f["ok"] else "  (the run ended!)"
            print(f"   {r['run']:<24}{r['w']}×{r['h']:<6}{mode:<12}{n['redraws']:>8.1f}{n['cpu_ms']:>8.1f}"
                  f"{f['redraws']:>8.1f}{f['cpu_ms']:>8.1f}{ended}")  # fmt: skip
            for speed, m in (("Normal", n), ("Fast", f)):
                label = f"redraws/s {r['run'][:7]} {r['w']}×{r['h']} {mode[:4]} {speed}"
                verdicts.append((label, m["redraws"], REDRAW_BUDGET, "≥", "/s"))
        load.append(os.getloadavg()[0])

    busy = "  (OTHER WORK ON THIS MACHINE INFLATES THE TIMES)" if max(load) > (os.cpu_count() or 1) else ""
    print(f"\nSummary: {os.cpu_count()} CPUs, 1-min load average {min(load):.1f}–{max(load):.1f} during the run{busy}")
    print(f"   {'measure':<52}{'measured':>12}{'budget':>12}{'ratio':>8}  verdict")
    ok = True
    for label, value, budget, sense, unit in verdicts:
        holds = value >= budget if sense == "≥" else value <= budget
        ok &= holds
        print(f"   {label:<52}{value:>10.1f}{unit:<3}{sense + ' ' + format(budget, 'g') + unit:>11}"
              f"{value / budget:>8.2f}  {'HOLDS' if holds else 'FAILS'}")  # fmt: skip
    print("   (ratio = measured ÷ budget: at least 1 holds a ≥ budget, at most 1 a ≤ budget)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
