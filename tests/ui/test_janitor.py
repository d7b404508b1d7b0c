"""Memory comes back when the class has gone: the caches are released once, after a quiet spell."""

import streamlit as st

from gdviz.ui import janitor


def _janitor(counts):
    seen, released = iter(counts), []
    return janitor.Janitor(lambda: next(seen), lambda: released.append(True), idle=60.0), released


def test_released_once_after_a_quiet_minute_and_again_after_the_next_class():
    j, released = _janitor([3, 0, 0, 0, 0, 2, 0, 0])
    for now in (0, 10, 40, 70, 80):  # sessions: 3, then none from t = 10
        j.look(now)
    assert released == [True]  # at t = 70, 60 s after the last one left; not again at t = 80
    for now in (90, 100, 170):  # a new class comes and goes
        j.look(now)
    assert released == [True, True]


def test_a_visitor_in_the_quiet_spell_restarts_the_clock_and_no_runtime_means_nothing_happens():
    j, released = _janitor([0, 1, 0, 0])
    for now in (0, 50, 60, 100):
        j.look(now)
    assert released == []  # empty at 0 and from 60 only: never 60 s in a row
    j, released = _janitor([None] * 3)
    for now in (0, 100, 200):
        j.look(now)
    assert released == []


def test_release_memory_empties_the_data_caches():
    calls = []

    @st.cache_data(max_size="1MB")
    def square(x):
        calls.append(x)
        return x * x

    square(3)
    square(3)
    janitor.release_memory()
    square(3)
    assert calls == [3, 3]  # computed again after the release
    assert janitor.connected_sessions() is None  # no server here: the watcher never starts


def test_reaping_closed_sessions_without_a_server_does_nothing():
    janitor.reap_closed_sessions()  # no runtime here: nothing to reap, and no error


def test_glibc_is_told_to_keep_two_heaps_and_map_large_blocks_on_their_own():
    import platform

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert janitor.tune_malloc() is True  # the deployments (Community Cloud, the Docker image) are glibc
    else:
        assert janitor.tune_malloc() is False


def test_the_watcher_measures_every_optimizers_cost_before_a_class_needs_it(monkeypatch):
    from gdviz import OPTIMIZERS
    from gdviz.surface import cost

    asked = []
    monkeypatch.setattr(cost, "loop_seconds", lambda: asked.append("loop"))
    monkeypatch.setattr(cost, "update_seconds", asked.append)
    janitor.measure_costs()
    assert asked == ["loop", *OPTIMIZERS]
