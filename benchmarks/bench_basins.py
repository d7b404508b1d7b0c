"""Basin maps against their budget: 100 x 100 starts x 500 steps in at most 1 s.

``gdviz.basin_map`` runs all 10,000 grid starts on Himmelblau as one batch through
``gdviz.endpoints`` (no per-step history) for sgd, momentum and adam, each at a learning rate
that gives a real map (the table prints how many cells reached each of the four minima). Each
time is the best of 3 repeats (time.perf_counter). For comparison, the same run times what the
race page pays per rerun: ``gdviz.run`` of 8 optimizers for 500 steps from one start, with their
defaults. Prints the figures and whether the budget holds; exits 1 if it does not.

Run: python benchmarks/bench_basins.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from _timing import best_of  # noqa: E402

import gdviz  # noqa: E402

N, STEPS, REPEATS = 100, 500, 3
BUDGET = 1.0  # seconds per basin map
MAPS = {"sgd": {"lr": 0.01}, "momentum": {"lr": 0.002}, "adam": {"lr": 0.05}}
RACE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "nadam")


def main() -> int:
    surface = gdviz.SURFACES["himmelblau"]
    print(f"gdviz.basin_map on Himmelblau: {N} x {N} starts x {STEPS} steps; best of {REPEATS} repeats")
    print()
    print(f"{'optimizer':<10} {'hyper':<12} {'seconds':>8}  cells per minimum 0..3 / none / diverged")
    worst = 0.0
    for name, hyper in MAPS.items():
        seconds, m = best_of(lambda name=name, hyper=hyper: gdviz.basin_map(surface, name, N, STEPS, **hyper))
        worst = max(worst, seconds)
        c = m.counts()
        cells = " ".join(f"{c[k]:>5}" for k in range(len(m.minima)))
        hyper_text = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
        print(f"{name:<10} {hyper_text:<12} {seconds:>8.3f}  {cells} / {c[-1]} / {c[-2]}")
    print()

    race, _ = best_of(lambda: [gdviz.run(surface, name, surface.start, STEPS) for name in RACE])
    print(f"for comparison, the race page: gdviz.run of {len(RACE)} optimizers x 1 start x {STEPS} steps")
    print(f"  {race:.3f} s in all, {race / len(RACE) * 1e3:.1f} ms per optimizer (best of {REPEATS})")
    print(f"  a basin map costs {worst / race:.1f}x one race rerun, for {N * N} starts instead of {len(RACE)} paths")
    print()
    holds = worst <= BUDGET
    verdict = "HOLDS" if holds else "DOES NOT HOLD"
    print(f"budget <= {BUDGET:g} s per basin map: {verdict} (slowest {worst:.3f} s)")
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
