"""What a fair race costs: tuning each optimizer's learning rate, against one plain race run of the same.

1. 9 optimizers (the registry's first nine) x 40 learning rates x 300 steps on Rosenbrock from its start
   (``tune_lr``'s default: one vectorized run of 40 per optimizer), beside one plain race run of those 9
   (one start each, the records' starting hyperparameters; "race ran" is its steps: a race run that diverges
   at once, as SGD's lr = 0.01 does on Rosenbrock, costs next to nothing). Each time is the best of a few repeats.
2. What the grid costs: the 9 tuned with 10, 40, 80 and 160 learning rates in one pass, and with 40 plus a
   second pass of 8 between the best's neighbours (``refine=8``).
3. The budget: tuning the race page's default race (gdviz.ui.race.controls' DEFAULT_OPTIMIZERS on its
   DEFAULT_SURFACE, 300 steps, from the surface's start, default grid) takes at most 1 s. Exits 1 if not.

Run: python benchmarks/bench_tuning.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from _timing import best_of  # noqa: E402

import gdviz  # noqa: E402
from gdviz.surface.tuning import GRID, tune_lr, tune_race  # noqa: E402
from gdviz.ui.race.controls import DEFAULT_OPTIMIZERS, DEFAULT_SURFACE  # noqa: E402  the page's opening race

NINE = tuple(gdviz.OPTIMIZERS)[:9]
STEPS, REPEATS = 300, 3
BUDGET = 1.0  # seconds for a tune of the default race


def nine_against_race(surface) -> None:
    """Per optimizer: the tune's time, one plain run's, their ratio."""
    header = f"{'optimizer':<10} {'tune s':>8} {'race run s':>11} {'ratio':>7}  {'race ran':>8}"
    print(f"{header}  tuned lr (diverged of tried)")
    total_tune = total_race = 0.0
    for name in NINE:
        t_tune, t = best_of(lambda n=name: tune_lr(surface, n, surface.start, STEPS), REPEATS)
        spec = gdviz.OPTIMIZERS[name]
        t_race, race = best_of(lambda n=name, s=spec: gdviz.run(surface, n, surface.start, STEPS, **s.start), REPEATS)
        total_tune += t_tune
        total_race += t_race
        lr = "none" if t.lr is None else f"{t.lr:.3g}"
        print(
            f"{name:<10} {t_tune:>8.3f} {t_race:>11.4f} {t_tune / t_race:>6.1f}x  {int(race.stopped_at):>8}  "
            f"{lr} ({t.n_diverged} of {len(t.lrs)})"
        )
    print(f"{'total':<10} {total_tune:>8.3f} {total_race:>11.4f} {total_tune / total_race:>6.1f}x")


def grid_costs(surface) -> None:
    """The 9 tuned with grids of several sizes: a run's cost is its steps, hardly its candidates."""
    print(f"{'grid':<12} {'all 9 s':>8} {'vs 40':>7}")
    base = None
    for label, grid, refine in (("10", 10, 0), ("40", 40, 0), ("80", 80, 0), ("160", 160, 0), ("40 + 8", 40, 8)):
        t, _ = best_of(
            lambda g=grid, r=refine: [tune_lr(surface, n, surface.start, STEPS, grid=g, refine=r) for n in NINE],
            REPEATS,
        )
        base = t if grid == 40 and not refine else base
        print(f"{label:<12} {t:>8.3f} {'' if base is None else f'{t / base:>6.2f}x'}")


def main() -> int:
    rosenbrock = gdviz.SURFACES["rosenbrock"]
    print(f"Rosenbrock from {rosenbrock.start}, {STEPS} steps; best of {REPEATS} repeats; machine: shared, 2 cores")
    print()
    print(
        f"{len(NINE)} optimizers x {GRID} learning rates (no refinement) against one race run of the same {len(NINE)}"
    )
    nine_against_race(rosenbrock)
    print()
    print(f"the {len(NINE)} tuned with other grids")
    grid_costs(rosenbrock)
    print()
    surface = gdviz.SURFACES[DEFAULT_SURFACE]
    t, _ = best_of(lambda: tune_race(surface, DEFAULT_OPTIMIZERS, surface.start, STEPS), REPEATS)
    holds = t <= BUDGET
    print(
        f"default race ({', '.join(DEFAULT_OPTIMIZERS)} on {DEFAULT_SURFACE}, {STEPS} steps, {GRID} lrs each): "
        f"{t:.3f} s; budget <= {BUDGET:g} s: {'HOLDS' if holds else 'DOES NOT HOLD'}"
    )
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
