"""The classifier pages' cached runs: the batch comparison's light runs lose nothing the chart shows."""

import numpy as np
import pytest

from gdviz.ui.linear.runs import batch_curve, train_2d, trend_window

DATA = ("blobs", 120, 0.3, 0)


@pytest.mark.parametrize(("optimizer", "batch"), [("sgd", None), ("adam", 32), ("momentum", 1)])
def test_a_batch_curve_is_the_full_runs_losses_without_its_snapshots(optimizer, batch):
    key = ("softmax", optimizer, (("lr", 0.05),), 157, batch, 1e-3, 3)
    losses, per_epoch, window = batch_curve(DATA, *key)
    run = train_2d(DATA, *key)
    np.testing.assert_array_equal(losses, run.losses)
    assert per_epoch == pytest.approx(run.iterations / run.epochs) and window == trend_window(run)
    assert len(run.snapshot_steps) > 2  # the stage's run has its snapshots; the curve did not pay for them


@pytest.mark.parametrize("steps", [157, 199, 201, 999, 1001, 1234])
@pytest.mark.parametrize(
    ("loss", "optimizer", "lr", "batch"),
    [
        ("softmax", "sgd", 0.5, None),
        ("softmax", "adam", 0.05, 64),
        ("svm", "momentum", 0.01, 1),
        ("svm", "sgd", 1e9, 8),
    ],
)
def test_a_batch_curve_shared_by_nearby_step_counts_is_each_ones_own(steps, loss, optimizer, lr, batch):
    """A curve cut from a longer run (trained first here) is the exact run's, bit for bit, including where a
    diverging run stops (the last case explodes within a few updates)."""
    key = (loss, optimizer, (("lr", lr),), steps, batch, 1e-3, 3)
    batch_curve(DATA, *key[:3], 2 * steps, *key[4:])
    losses, per_epoch, window = batch_curve(DATA, *key)
    run = train_2d(DATA, *key)
    np.testing.assert_array_equal(losses, run.losses)
    assert per_epoch == pytest.approx(run.iterations / run.epochs) and window == trend_window(run)
    if lr == 1e9:
        assert run.diverged and len(losses) < 10


def test_a_shorter_curve_is_cut_from_a_longer_run_already_trained(monkeypatch):
    from gdviz.ui.linear import runs as linear_runs

    calls = []
    real = linear_runs._train
    monkeypatch.setattr(linear_runs, "_train", lambda *a, **k: calls.append(a[4]) or real(*a, **k))
    settings = (("moons", 130, 0.2, 5), "softmax", "sgd", (("lr", 0.3),))
    for steps in (350, 317, 302, 351, 120, 100):
        batch_curve(*settings, steps, 16, 0.0, 0)
    assert calls == [350, 351, 100]  # 317 and 302 from 350; 120 from 351; 100 is more than 3 times shorter
    with_schedule = (*settings[:3], (("lr", 0.3), ("schedule", ("cosine", ()))))
    batch_curve(*with_schedule, 400, 16, 0.0, 0)
    batch_curve(*with_schedule, 317, 16, 0.0, 0)
    assert calls[3:] == [400, 317]  # a schedule's defaults follow the run's length: no sharing
