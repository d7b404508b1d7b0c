"""gdviz.viz.schedule: the learning rate against step draws each scheduled run's own ``lrs``, step 1 first,
named by optimizer and schedule; runs without a schedule are left out, and a classifier's run draws too."""

from __future__ import annotations

import numpy as np

import gdviz
from gdviz.linear.data import add_bias, blobs
from gdviz.viz.schedule import lr_figure, scheduled


def test_each_scheduled_run_is_drawn_from_its_own_learning_rates():
    s = gdviz.SURFACES["himmelblau"]
    runs = {
        "sgd": gdviz.run(s, "sgd", s.start, 30, lr=0.01, schedule=("step", {"step_size": 10, "gamma": 0.5})),
        "momentum": gdviz.run(s, "momentum", s.start, 30, lr=0.005),
        "adam": gdviz.run(s, "adam", s.start, 30, lr=0.1, schedule="cosine"),
    }
    assert list(scheduled(runs)) == ["sgd", "adam"]
    fig = lr_figure(runs)
    assert [t.name for t in fig.data] == ["SGD: step decay", "Adam: cosine annealing"]
    sgd, adam = fig.data
    np.testing.assert_array_equal(sgd.x, np.arange(1, 31))
    np.testing.assert_array_equal(sgd.y, [0.01] * 10 + [0.005] * 10 + [0.0025] * 10)
    np.testing.assert_array_equal(adam.y, runs["adam"].lrs)
    assert fig.layout.xaxis.title.text == "step"


def test_a_classifiers_run_draws_against_iteration():
    d = blobs(n=60, seed=0)
    run = gdviz.train_linear(
        add_bias(d.X),
        d.y,
        loss="softmax",
        optimizer="sgd",
        steps=20,
        lr=0.5,
        schedule=("onecycle", {"cycle_momentum": False}),
    )
    fig = lr_figure({"sgd": run}, x_title="iteration")
    (curve,) = fig.data
    np.testing.assert_array_equal(curve.y, run.lrs)
    assert curve.name == "SGD: one cycle" and fig.layout.xaxis.title.text == "iteration"


def test_a_sequential_schedule_is_named_by_its_parts_and_its_first_marker_is_not_clipped():
    s = gdviz.SURFACES["beale"]
    warmup = ("sequential", {"schedulers": (("linear", {"start_factor": 0.01}), ("cosine", {})), "milestones": (5,)})
    (curve,) = lr_figure({"sgd": gdviz.run(s, "sgd", s.start, 20, lr=0.05, schedule=warmup)}).data
    assert curve.name == "SGD: linear → cosine annealing"
    assert curve.cliponaxis is False  # the warm-up's first point sits on the x axis
