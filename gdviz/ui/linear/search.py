"""The random-search page's long work: strategies run chunk by chunk with a progress bar each.

Results go to session state as they arrive, so a click on Stop (any rerun ends the running script)
keeps what was found so far, and a rerun redraws the results without searching again. A search is the
server's heaviest work: it takes its turn in the heavy lane (gdviz.ui.lane), showing its place in the
line while it waits, and a finished search is kept server-wide (``SHARED_RUNS`` strategy runs), so a class following the
teacher's link with the same settings gets it at once instead of searching thirty times.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import numpy as np
import streamlit as st

from ...linear.search import STRATEGIES, TITLES, SearchRun, batch_loss
from ...linear.timing import loss_timings
from ..lane import LaneFull, courtesy, turn

BUDGETS = (50, 100, 200, 500, 1000, 2000, 5000, 10000)  # loss evaluations each strategy may spend

RESULTS, RAN_WITH, RAN_NAMES, TIMINGS = "rs.results", "rs.ran_with", "rs.ran_names", "rs.timings"
GO, TIME = "rs.go", "rs.time_requested"
LABELS = {"scale": "Scale of a random W", "step_size": "Local search: step size", "lr": "Gradient: learning rate"}
USES = {"random": ("scale",), "local": ("scale", "step_size"), "gradient": ("scale", "lr")}  # what each must have > 0


def request(flag: str) -> None:
    """Button callback: ask this run for the work (a flag survives the frame's rerun, a button's value not)."""
    st.session_state[flag] = True


def requested(flag: str) -> bool:
    return bool(st.session_state.pop(flag, False))


def settings_problem(names: list[str], settings: dict) -> str | None:
    """Why the chosen strategies cannot run with ``settings``, in one sentence; None when they can."""
    bad = [k for k in LABELS if any(k in USES[n] for n in names) and not settings[k] > 0]
    if not bad:
        return None
    what = " and ".join(f"“{LABELS[k]}” (now {settings[k]:g})" for k in bad)
    verb = "is" if len(bad) == 1 else "are"
    return f"The search cannot run until {what} {verb} more than 0; your other settings are kept."


TIMING_SECONDS = 1.5  # the four forms of the loss timed on the notebook's data: heavy work, in the lane
SHARED_RUNS = 24  # finished strategy runs kept server-wide (each a W of 3,073 × 10 and its curve: ~0.2 MB)
_shared: OrderedDict[tuple, SearchRun] = OrderedDict()
_shared_lock = threading.Lock()


def _shared_key(name: str, settings: dict) -> tuple:
    return (name, *sorted(settings.items()))


def _finished(name: str, settings: dict) -> SearchRun | None:
    key = _shared_key(name, settings)
    with _shared_lock:
        if key in _shared:
            _shared.move_to_end(key)
        return _shared.get(key)


def _keep(name: str, settings: dict, run: SearchRun) -> None:
    with _shared_lock:
        _shared[_shared_key(name, settings)] = run
        while len(_shared) > SHARED_RUNS:
            _shared.popitem(last=False)


_per_evaluation: dict[tuple, float] = {}  # (loss, data shape) -> seconds, measured once per process


def _seconds_per_evaluation(X, y, loss: str) -> float:
    """One candidate's loss on the data the search runs on, timed the first time (the search's unit of work)."""
    key = (loss, X.shape)
    if key not in _per_evaluation:
        W = np.zeros((1, X.shape[1], int(y.max()) + 1), dtype=X.dtype)
        t0 = time.perf_counter()
        batch_loss(W, X, y, loss)
        _per_evaluation[key] = time.perf_counter() - t0
    return _per_evaluation[key]


def run_strategies(X, y, names: list[str], settings: dict) -> None:
    """Run each chosen strategy on the same budget, updating a progress bar after every chunk; strategies this
    server already ran with these settings come from ``SHARED`` at once, the rest take a turn in the lane."""
    results: dict[str, SearchRun] = {}
    st.session_state[RESULTS], st.session_state[RAN_WITH] = results, dict(settings)
    st.session_state[RAN_NAMES] = list(names)
    todo = []
    for name in names:
        found = _finished(name, settings)
        if found is None:
            todo.append(name)
        else:
            results[name] = found
    if len(todo) < len(names):
        st.caption("Searched on this server already with these settings: those results are shared, not searched again.")
    if not todo:
        return
    seconds = settings["budget"] * len(todo) * _seconds_per_evaluation(X, y, settings["loss"])
    place = st.empty()

    def waiting(ahead: int, work: float) -> None:
        place.info(
            f"Waiting for the server: {ahead} long run{'' if ahead == 1 else 's'} ahead of yours (about {work:,.0f} s "
            "of work). Your search starts on its own; Stop leaves the line."
        )

    try:
        with turn(seconds, "Your search", on_wait=waiting, long_run=True):
            place.empty()
            _search(X, y, todo, settings, results)
    except LaneFull as e:
        place.empty()
        st.warning(f"{e} Your settings are kept.")


def _search(X, y, names: list[str], settings: dict, results: dict[str, SearchRun]) -> None:
    common = {k: settings[k] for k in ("budget", "loss", "reg", "seed", "scale")}
    extra = {"random": {}, "local": {"step_size": settings["step_size"]}, "gradient": {"lr": settings["lr"]}}
    for name in names:
        bar = st.progress(0.0, text=f"{TITLES[name]}: starting…")
        for run in STRATEGIES[name](X, y, **common, **extra[name]):
            results[name] = run
            bar.progress(
                run.fraction,
                text=f"{TITLES[name]}: {int(run.evaluations[-1]):,} of {run.budget:,} evaluations, "
                f"best loss {run.final_loss:.4f}",
            )
            courtesy()  # other visitors' clicks first: a search is the one explicitly started long run
        if results[name].done:
            _keep(name, settings, results[name])


def result_rows(results: dict[str, SearchRun]) -> dict[str, list]:
    return {
        "strategy": [TITLES[n] for n in results],
        "evaluations": [f"{int(r.evaluations[-1]):,} of {r.budget:,}" for r in results.values()],
        "best loss": [round(r.final_loss, 5) for r in results.values()],
        "seconds": [round(r.seconds, 2) for r in results.values()],
        "ms per evaluation": [round(1e3 * r.seconds / max(int(r.evaluations[-1]), 1), 2) for r in results.values()],
    }


def timing_table(X, y, loss: str) -> dict[str, list] | None:
    """Time the loss written four ways on the notebook's data (on request: it takes about a second)."""
    st.button("Time the loss: loops, vectorized, batched", key="rs.time", on_click=request, args=(TIME,))
    if requested(TIME):
        W = 1e-4 * np.random.default_rng(0).standard_normal((X.shape[1], int(y.max()) + 1)).astype(X.dtype)
        try:
            with st.spinner("Timing…"), turn(TIMING_SECONDS, "The timing"):
                st.session_state[TIMINGS] = (loss, loss_timings(X, y, W, loss))
        except LaneFull as e:
            st.warning(str(e))
    if TIMINGS not in st.session_state:
        return None
    timed_loss, rows = st.session_state[TIMINGS]
    base = rows[1].seconds
    return {
        "form": [r.name for r in rows],
        "ms per evaluation": [round(1e3 * r.seconds, 1) for r in rows],
        "× vectorized loss + gradient": [f"{r.seconds / base:.2g}×" for r in rows],
        "measured": [r.how for r in rows],
        "loss": [timed_loss] * len(rows),
    }
