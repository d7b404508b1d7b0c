"""Vectorized trajectories against one start at a time: the ≥ 100× speed budget of gdviz.run.

For each of 8 optimizers, 1,000 starts drawn uniformly (seeded) over the Himmelblau domain take
500 steps with the optimizer's default hyperparameters. ``gdviz.run`` with all 1,000 starts as
one (1000, 2) batch is timed against the same paths run one start at a time. To keep the script
short, only a sample of the starts is run one at a time and its time per start is extrapolated to
1,000; the sampled paths are checked to equal the batch's. Each time is the best of a few repeats
(time.perf_counter). The same is done with a learning-rate schedule on (a linear warm-up, then a
cosine: the optimizer is rebuilt every step with that step's lr), and the scheduled batch is timed
beside the unscheduled one. Prints both tables and whether the budget holds for each; exits 1 if not.

Run: python benchmarks/bench_trajectory.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from _timing import best_of  # noqa: E402

import gdviz  # noqa: E402

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "nadam")
STARTS, STEPS, SAMPLE, REPEATS, SEED = 1000, 500, 25, 3, 0
BUDGET = 100.0
WARMUP_COSINE = (
    "sequential",
    {"schedulers": [("linear", {"start_factor": 0.1, "total_iters": 50}), ("cosine", {})], "milestones": [50]},
)


def budget(surface, starts, sample, schedule) -> bool:
    """The vectorized-against-one-at-a-time table for one schedule (None: none); whether the budget holds."""
    print(f"{'optimizer':<10} {'vectorized s':>13} {'one-at-a-time s':>16} {'ratio':>8}  sampled paths")
    total_vec = total_one = 0.0
    all_equal = True
    for name in OPTIMIZERS:
        t_vec, batch = best_of(lambda name=name: gdviz.run(surface, name, starts, STEPS, schedule=schedule))
        t_one, singles = best_of(
            lambda name=name: [gdviz.run(surface, name, starts[i], STEPS, schedule=schedule) for i in sample]
        )
        t_one *= STARTS / SAMPLE  # extrapolated to every start
        equal = all(
            np.array_equal(getattr(batch, a)[:, i], getattr(one, a))
            for i, one in zip(sample, singles, strict=True)
            for a in ("points", "grads", "steps", "losses")
        )
        all_equal &= equal
        total_vec += t_vec
        total_one += t_one
        diverged = int(batch.diverged.sum())
        note = "equal" if equal else "DIFFER"
        note += f", {diverged} of {STARTS} diverged" if diverged else ""
        print(f"{name:<10} {t_vec:>13.3f} {t_one:>16.2f} {t_one / t_vec:>7.0f}x  {note}")
    ratio = total_one / total_vec
    print(f"{'total':<10} {total_vec:>13.3f} {total_one:>16.2f} {ratio:>7.0f}x")
    holds = ratio >= BUDGET and all_equal
    verdict = "HOLDS" if holds else "DOES NOT HOLD"
    paths = "all equal" if all_equal else "differ"
    print(f"budget >= {BUDGET:.0f}x: {verdict} (total ratio {ratio:.0f}x; sampled paths {paths})")
    return holds


def scheduled_vs_plain(surface, starts) -> None:
    """What a schedule costs a vectorized run: the same batch with and without one, side by side."""
    print(f"{'optimizer':<10} {'unscheduled s':>14} {'scheduled s':>12} {'ratio':>7}")
    total_plain = total_sched = 0.0
    for name in OPTIMIZERS:
        t_plain, _ = best_of(lambda name=name: gdviz.run(surface, name, starts, STEPS))
        t_sched, _ = best_of(lambda name=name: gdviz.run(surface, name, starts, STEPS, schedule=WARMUP_COSINE))
        total_plain += t_plain
        total_sched += t_sched
        print(f"{name:<10} {t_plain:>14.3f} {t_sched:>12.3f} {t_sched / t_plain:>6.2f}x")
    print(f"{'total':<10} {total_plain:>14.3f} {total_sched:>12.3f} {total_sched / total_plain:>6.2f}x")


def main() -> int:
    surface = gdviz.SURFACES["himmelblau"]
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(SEED)
    starts = np.stack([rng.uniform(x0, x1, STARTS), rng.uniform(y0, y1, STARTS)], axis=-1)
    sample = np.sort(rng.choice(STARTS, SAMPLE, replace=False))

    print(f"gdviz.run on Himmelblau: {len(OPTIMIZERS)} optimizers x {STARTS} starts x {STEPS} steps, defaults")
    print(f"one at a time: {SAMPLE} sampled starts timed, extrapolated to {STARTS}; best of {REPEATS} repeats each")
    print()
    print("no schedule")
    plain = budget(surface, starts, sample, None)
    print()
    print(f"schedule {WARMUP_COSINE}")
    scheduled = budget(surface, starts, sample, WARMUP_COSINE)
    print()
    print(f"the vectorized batch with the schedule and without, {STARTS} starts x {STEPS} steps")
    scheduled_vs_plain(surface, starts)
    return 0 if plain and scheduled else 1


if __name__ == "__main__":
    sys.exit(main())
