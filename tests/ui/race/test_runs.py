"""The race's cached runs: each optimizer's part is cached on its own, so a race in which one optimizer's
setting changed runs that optimizer only, and what it returns is what running every optimizer gives."""

import numpy as np
import pytest

import gdviz
from gdviz.ui.race import runs
from gdviz.ui.widgets import frozen_schedule

SURFACE = ("himmelblau", 10.0, "", 3.0)
START = (1.0, -1.5)


def _choice(name, lr, schedule=None):
    return (name, (("lr", lr),), frozen_schedule(schedule))


@pytest.fixture
def counted(monkeypatch):
    """The optimizers gdviz.run is called for, in order."""
    runs.race.clear()
    runs.racer.clear()
    called = []
    real = runs.run

    def run(surface, name, *args, **kwargs):
        called.append(name)
        return real(surface, name, *args, **kwargs)

    monkeypatch.setattr(runs, "run", run)
    return called


def test_a_new_setting_of_one_optimizer_runs_that_one_only(counted):
    choices = [_choice("sgd", 0.01), _choice("momentum", 0.01, ("cosine", {})), _choice("adam", 0.05)]
    runs.race(SURFACE, tuple(choices), START, 137)
    assert counted == ["sgd", "momentum", "adam"]
    choices[0] = _choice("sgd", 0.02)
    got, fans, errors = runs.race(SURFACE, tuple(choices), START, 137)
    assert counted[3:] == ["sgd"]
    assert list(got) == ["sgd", "momentum", "adam"] and fans == {} and errors == {}
    s = gdviz.SURFACES["himmelblau"]
    for (name, _, schedule), lr in zip(choices, [0.02, 0.01, 0.05], strict=True):
        want = gdviz.run(s, name, START, 137, lr=lr, schedule=runs.schedule_value(schedule))
        np.testing.assert_array_equal(got[name].points, want.points, strict=True)
        np.testing.assert_array_equal(got[name].losses, want.losses, strict=True)


def test_noise_fans_and_a_refused_optimizer_are_each_optimizers_own(counted):
    choices = (_choice("sgd", 0.01), _choice("adam", -1.0))  # adam refuses a negative lr
    got, fans, errors = runs.race(SURFACE, choices, START, 40, noise=0.5, seeds=4, seed=3)
    assert list(got) == ["sgd"] and list(fans) == ["sgd"] and list(errors) == ["adam"]
    assert fans["sgd"].points.shape == (41, 4, 2) and fans["sgd"].states == ()
    assert "learning rate must be ≥ 0" in errors["adam"]
    again = runs.race(SURFACE, (_choice("momentum", 0.01), *choices), START, 40, noise=0.5, seeds=4, seed=3)
    assert counted[-2:] == ["momentum", "momentum"]  # its run and its fan; sgd's and adam's refusal are kept
    np.testing.assert_array_equal(again[0]["sgd"].points, got["sgd"].points, strict=True)
    assert again[2] == errors
