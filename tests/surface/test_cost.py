"""The cost estimate that guards a shared server: linear in what it should be, dearer for dear formulas."""

import threading

import pytest

import gdviz
from gdviz.surface import cost
from gdviz.surface.problems import race_problems


def test_a_run_costs_steps_times_the_loop_and_one_evaluation_of_the_batch():
    s = gdviz.SURFACES["himmelblau"]
    one = cost.run_seconds(s, 1000)
    assert one == pytest.approx(1000 * (cost.loop_seconds() + cost.eval_seconds(s, 1)))
    assert cost.run_seconds(s, 2000, runs=3) == pytest.approx(6 * one)
    assert cost.run_seconds(s, 1000, batch=0) == one  # an empty batch still runs the loop


def test_a_dear_formula_is_estimated_dear():
    cheap = gdviz.custom_surface("x**2 + y**2")
    tower = gdviz.custom_surface("x**y**x**y**x**y**x**y**x**y**x**y**x**y**x**y**x")
    assert cost.eval_seconds(tower, 64) > 3 * cost.eval_seconds(cheap, 64)


def test_only_work_over_the_budget_is_refused_with_what_to_change():
    assert cost.too_costly(cost.BUDGET, "A race", "lower the steps") is None
    assert "about 4.3 s (the limit is 4 s)" in cost.too_costly(4.3, "A race", "lower the steps")  # not "about 4 s"
    sentence = cost.too_costly(70.4, "A race", "lower the steps")
    assert sentence.startswith("A race would keep the shared server busy for about 70 s")
    assert "lower the steps" in sentence and f"{cost.BUDGET:g} s" in sentence


def test_the_race_check_counts_optimizers_steps_and_the_fan(monkeypatch):
    monkeypatch.setattr(cost, "loop_seconds", lambda: 1e-4)  # a machine of known speed
    monkeypatch.setattr(cost, "eval_seconds", lambda surface, batch: 1e-6 * batch)
    s = gdviz.SURFACES["himmelblau"]
    assert race_problems(s, s.start, 300, 0.0, 3) == []  # the default race: 0.09 s
    (refused,) = race_problems(s, s.start, 5000, 1.0, 9, 20)  # 9 × 5,000 × (1 + a batch of 20): about 10 s
    assert "9 optimizers × 5,000 steps × 21 paths" in refused and "about 10 s" in refused
    assert "fewer other seeds" in refused
    assert race_problems(s, s.start, 5000, 0.0, 7, 20) == []  # no noise, no fan: 7 × 5,000 steps, 3.5 s
    (refused,) = race_problems(s, s.start, 5000, 0.0, 9, 20)  # 4.5 s
    assert "9 optimizers × 5,000 steps)" in refused and "seeds" not in refused


def test_each_optimizers_own_update_is_counted_per_start():
    """A basin map's 10,000 starts cost each optimizer's update 10,000 times: L-BFGS's two-loop recursion over its
    history is estimated far dearer than NAdam's moving averages, and a named optimizer only adds to the estimate."""
    s = gdviz.SURFACES["himmelblau"]
    (fixed, per_start), (_, nadam) = cost.update_seconds("lbfgs"), cost.update_seconds("nadam")
    assert per_start > 5 * nadam and fixed > 0
    plain = cost.run_seconds(s, 300, 10_000)
    lbfgs = cost.run_seconds(s, 300, 10_000, optimizers=["lbfgs"])
    assert lbfgs == pytest.approx(plain + 300 * (fixed + 10_000 * per_start))
    assert cost.too_costly(lbfgs, "A basin map", "pick a smaller grid") is not None


def test_the_race_check_counts_each_named_optimizers_update(monkeypatch):
    monkeypatch.setattr(cost, "loop_seconds", lambda: 1e-4)
    monkeypatch.setattr(cost, "eval_seconds", lambda surface, batch: 1e-6 * batch)
    monkeypatch.setattr(cost, "update_seconds", lambda name: (1e-3, 0.0) if name == "lbfgs" else (0.0, 0.0))
    s = gdviz.SURFACES["himmelblau"]
    assert race_problems(s, s.start, 4000, 0.0, ["sgd", "adam"]) == []  # 2 × 4,000 × 0.1 ms: 0.8 s
    (refused,) = race_problems(s, s.start, 4000, 0.0, ["sgd", "lbfgs"])  # and 4,000 × 1 ms for L-BFGS: 4.8 s
    assert "2 optimizers × 4,000 steps" in refused and "about 5 s" in refused
    assert race_problems(s, s.start, 4000, 0.0, 2) == []  # a count alone knows no optimizer's update


def test_a_class_asking_at_once_probes_each_optimizer_once_and_reads_the_others_meanwhile(monkeypatch):
    calls, started, release = [], threading.Event(), threading.Event()

    def probe(optimizer, starts, hyper):
        calls.append(optimizer)
        started.set()
        release.wait(5)  # the probe is under way until the test lets it finish
        return 1e-5 * starts

    monkeypatch.setattr(cost, "_probe", probe)
    monkeypatch.setattr(cost, "_measured", {"sgd": (1e-6, 0.0)})  # measured before
    threads = [threading.Thread(target=cost.update_seconds, args=("adam",)) for _ in range(8)]
    for t in threads:
        t.start()
    assert started.wait(5)
    got = []
    reader = threading.Thread(target=lambda: got.append(cost.update_seconds("sgd")))
    reader.start()
    reader.join(5)
    assert got == [(1e-6, 0.0)]  # read while adam's probe was under way
    release.set()
    for t in threads:
        t.join(5)
    assert calls == ["adam", "adam"]  # one start, then _PROBE_BATCH starts; once for all eight
