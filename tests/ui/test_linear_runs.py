"""The classifier pages' cached runs: the batch comparison's light runs lose nothing the chart shows."""

import numpy as np
import pytest

from gdviz.ui.linear_runs import batch_curve, train_2d, trend_window

DATA = ("blobs", 120, 0.3, 0)


@pytest.mark.parametrize(("optimizer", "batch"), [("sgd", None), ("adam", 32), ("momentum", 1)])
def test_a_batch_curve_is_the_full_runs_losses_without_its_snapshots(optimizer, batch):
    key = ("softmax", optimizer, (("lr", 0.05),), 157, batch, 1e-3, 3)
    losses, per_epoch, window = batch_curve(DATA, *key)
    run = train_2d(DATA, *key)
    np.testing.assert_array_equal(losses, run.losses)
    assert per_epoch == pytest.approx(run.iterations / run.epochs) and window == trend_window(run)
    assert len(run.snapshot_steps) > 2  # the stage's run has its snapshots; the curve did not pay for them
