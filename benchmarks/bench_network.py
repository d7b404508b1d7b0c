"""train_mlp against its budget: 1,000 full-batch steps of a 2-8-8-3 network on 300 points, with snapshots.

Data: gdviz's spiral, 300 points of 3 classes. Budget (issue #15): ≤ 300 ms for the run, 101 snapshots
kept (the default). Beside it, for scale, ``train_linear`` on the same data (bias column added) with the
same steps and optimizer, and the decision regions of all 101 snapshots on a 100 × 100 grid (what a page
draws after the run). Every time is the best of a few repeats, the timed functions taking turns round by
round so that a noisy neighbour slows all of them alike (time.perf_counter).

Run: python benchmarks/bench_network.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from gdviz.linear.data import add_bias, spiral  # noqa: E402
from gdviz.linear.train import train_linear  # noqa: E402
from gdviz.network import decision_regions, train_mlp  # noqa: E402

REPEATS, STEPS, BUDGET_MS = 7, 1000, 300.0
BOX = ((-1.5, 1.5), (-1.5, 1.5))


def best_of_each(fns: dict, repeats: int = REPEATS) -> dict[str, float]:
    """Shortest wall-clock seconds of each function; one call of each per round, rounds repeated."""
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def main() -> None:
    data = spiral(n=300, noise=0.2, seed=0)
    X, y = data.X, data.y
    settings = {"optimizer": "adam", "steps": STEPS, "lr": 0.01}
    run = train_mlp(X, y, hidden=(8, 8), activation="tanh", **settings)
    fns = {
        "train_mlp 2-8-8-3 tanh, adam": lambda: train_mlp(X, y, hidden=(8, 8), activation="tanh", **settings),
        "train_mlp 2-8-8-3 relu, sgd": lambda: train_mlp(X, y, hidden=(8, 8), activation="relu", optimizer="sgd",
                                                         steps=STEPS, lr=0.1),
        "train_linear 3-3, adam (for scale)": lambda: train_linear(add_bias(X), y, loss="softmax", **settings),
        "decision_regions, 101 snapshots, 100²": lambda: decision_regions(run.snapshot_params, "tanh", BOX),
    }  # fmt: skip
    best = best_of_each(fns)
    print(f"{STEPS} full-batch steps on {len(y)} points, {len(run.snapshot_steps)} snapshots; best of {REPEATS}")
    for name, seconds in best.items():
        per_step = f"{seconds / STEPS * 1e6:6.1f} µs a step" if name.startswith("train") else ""
        print(f"  {name:42s} {seconds * 1e3:8.1f} ms   {per_step}")
    network, linear = best["train_mlp 2-8-8-3 tanh, adam"], best["train_linear 3-3, adam (for scale)"]
    verdict = "met" if network * 1e3 <= BUDGET_MS else "NOT met"
    print(
        f"budget {BUDGET_MS:.0f} ms for the network run: {network * 1e3:.0f} ms, {verdict}; "
        f"{network / linear:.1f} × the linear run; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"final loss {run.final_loss:.4f}, accuracy {run.final_acc:.3f}")


if __name__ == "__main__":
    main()
