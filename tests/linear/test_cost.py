"""A classifier's training estimate: the parts it sums (checked with known part costs, never by timing here), what it
leaves to train_linear's own sentences, and the probe of an optimizer's update with its history full."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from gdviz import OPTIMIZERS
from gdviz.linear import cost
from gdviz.linear.train import scoring_every

RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((200, 3)), RNG.integers(0, 3, 200)


@pytest.fixture
def known_parts(monkeypatch):
    """A loss of one batch 1 ms, a full-data scoring 10 ms, an update 0.1 ms: whatever this machine's speed."""
    timed = iter([])

    def least_cpu(fn, repeats=5):
        fn()  # the real call runs (its arguments must make sense); its time is the known one
        return next(timed)

    monkeypatch.setattr(cost, "least_cpu", least_cpu)
    monkeypatch.setattr(cost, "update_seconds", lambda optimizer, shape: 1e-4)

    def parts():
        nonlocal timed
        timed = iter([1e-3, 1e-2])  # the batch's loss, then the scoring

    return parts


@pytest.mark.parametrize(("batch", "snapshots"), [(None, 101), (200, 21), (32, 101), (1, 11)])
def test_the_estimate_sums_the_steps_and_the_scorings(known_parts, batch, snapshots):
    known_parts()
    steps = 500
    settings = dict(loss="softmax", optimizer="adam", steps=steps, batch_size=batch, snapshots=snapshots)
    got = cost.training_seconds(X, Y, **settings)
    full = batch in (None, 200)
    scorings = min(snapshots, steps + 1) + (0 if full else steps // scoring_every(200, batch, steps) + 1)
    assert got == pytest.approx(cost.OVERHEAD * (steps * (cost.LOOP + 1e-3 + 1e-4) + scorings * 1e-2), rel=1e-12)


@pytest.mark.parametrize(("loss", "optimizer"), [("hinge", "sgd"), ("softmax", "nope"), ("svm", "adafactor")])
def test_settings_train_linear_refuses_cost_nothing(loss, optimizer):
    """train_linear refuses these at once, in its own sentence; the estimate does not stand in its way."""
    assert cost.training_seconds(X, Y, loss=loss, optimizer=optimizer, steps=5000, batch_size=None) == 0.0


def test_the_update_probe_fills_lbfgs_history_before_it_times():
    """The probe's classifier is convex, so L-BFGS keeps every pair: its history (100 by default) is full when the
    timed updates run, as in a long training, whose updates walk all 100 pairs twice."""
    times, state = cost.probe_updates("lbfgs", (65, 10))
    n = 65 * 10
    held = (state.old_dirs.reshape(-1, n) * state.old_stps.reshape(-1, n)).sum(axis=-1) > 0
    assert held.sum() == OPTIMIZERS["lbfgs"].defaults()["history_size"] == 100
    assert len(times) == cost.FILL + cost.TIMED and cost.FILL >= 100


def test_a_class_asking_at_once_probes_each_optimizer_and_shape_once(monkeypatch):
    """Thirty visitors opening the digits with L-BFGS ask at the same moment: one probe, the others wait for it."""
    probed = []
    real = cost.probe_updates
    monkeypatch.setattr(cost, "probe_updates", lambda o, s: probed.append((o, s)) or real(o, s))
    monkeypatch.setattr(cost, "_measured", {})
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: cost.update_seconds("adam", (3, 3)), range(30)))
    assert probed == [("adam", (3, 3))] and len(set(answers)) == 1 and answers[0] >= 0
    cost.update_seconds("adam", (4, 3))
    assert probed == [("adam", (3, 3)), ("adam", (4, 3))]  # once per optimizer and shape
