"""Projection mode's cost: ``project(fig)`` against building the figure, on the two biggest figures.

1. The race: 3 optimizers × 300 steps on Himmelblau, animated (about 200 frames).
2. The linear classifier: 300 points, 3 classes, 500 mini-batch iterations, 101 snapshots (frames).

The runs are computed once, outside the timings; each time is the best of a few repeats. Budget:
``project`` well under the build (ratio < 0.5). JSON (what st.plotly_chart sends) is timed beside them.

Run: python benchmarks/bench_projection.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from _timing import best_of  # noqa: E402

import gdviz  # noqa: E402
from gdviz.linear.data import add_bias, blobs  # noqa: E402
from gdviz.linear.train import smoothed  # noqa: E402
from gdviz.surface.presets import STARTING_HYPER  # noqa: E402
from gdviz.viz import project, race_figure  # noqa: E402
from gdviz.viz.classifier import classifier_figure  # noqa: E402

REPEATS, BUDGET = 7, 0.5


def race_build():
    s = gdviz.SURFACES["himmelblau"]
    runs = {n: gdviz.run(s, n, s.start, 300, **STARTING_HYPER[n]) for n in ("sgd", "momentum", "adam")}
    return lambda: race_figure(s, runs, at=0)


def classifier_build():
    d = blobs(n=300, seed=0)
    run = gdviz.train_linear(add_bias(d.X), d.y, loss="svm", optimizer="sgd", steps=500, batch_size=32, lr=0.1)
    assert len(run.snapshot_steps) == 101
    return lambda: classifier_figure(
        d.X,
        d.y,
        d.class_names,
        run.snapshot_W,
        run.snapshot_steps,
        run.snapshot_loss,
        run.losses,
        box=((-2.0, 2.0), (-2.0, 2.0)),
        trend=smoothed(run.losses, 10),
        epoch_steps=run.eval_steps,
        epoch_losses=run.eval_loss,
    )


def main() -> None:
    print(f"best of {REPEATS} repeats; budget: project / build < {BUDGET}")
    print(f"{'figure':<40}{'build ms':>10}{'project ms':>12}{'ratio':>8}{'json ms':>10}{'projected json ms':>19}")
    worst = 0.0
    for name, build in (("race, 3 × 300 steps", race_build()), ("classifier, 101 snapshots", classifier_build())):
        built, fig = best_of(build, REPEATS)
        projected, out = best_of(lambda fig=fig: project(fig), REPEATS)
        json_s, _ = best_of(fig.to_json, REPEATS)
        json_p, _ = best_of(out.to_json, REPEATS)
        frames = len(fig.to_dict()["frames"])
        ratio = projected / built
        worst = max(worst, ratio)
        label = f"{name} ({frames} frames)"
        ms = f"{built * 1e3:>10.1f}{projected * 1e3:>12.1f}{ratio:>8.2f}{json_s * 1e3:>10.1f}{json_p * 1e3:>19.1f}"
        print(f"{label:<40}{ms}")
    print(f"worst ratio {worst:.2f}: {'within' if worst < BUDGET else 'OVER'} the budget of {BUDGET}")


if __name__ == "__main__":
    main()
