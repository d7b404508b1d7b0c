"""What a run will cost the server, estimated before it starts from this machine's own measured speed.

A run steps every start of a batch together, so its time is ``steps × (the loop's own cost per step +
one gradient evaluation of the whole batch + the optimizer's update of the whole batch)``. All are
measured here: once per process for the loop, once per surface and batch size for the gradient (a typed
formula may cost a thousand times more than a built-in surface), once per optimizer for its update of
one start (L-BFGS's two-loop recursion over its history costs many times Adam's). A page refuses, with
a sentence, work estimated above ``BUDGET`` seconds: a class shares one server, and one visitor's
five-minute race is everyone's wait.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Sequence

import numpy as np

from ..optimizers import OPTIMIZERS
from ..optimizers.line_search import needs_oracle
from .functions import SURFACES, Surface, quadratic
from .trajectory import run

BUDGET = 4.0  # seconds of work one interaction may ask for
_PROBE_STEPS = 200
_PROBE_BATCH = 256  # starts of the update probe: enough that one start's share shows above the loop's
_PROBE_UPDATES = 110  # steps of it: L-BFGS's history (100 by default) is full for most of them


def least_cpu(fn, repeats: int = 5) -> float:
    """The least CPU time of this thread over ``repeats`` calls: on a server busy with other visitors' threads
    (and their hold on the GIL) wall time says how busy it is, not what the work costs."""
    times = []
    for _ in range(repeats):
        t0 = time.thread_time()
        fn()
        times.append(time.thread_time() - t0)
    return min(times)


@functools.cache
def loop_seconds() -> float:
    """The loop's own cost of one step: a run on a cheap surface (one start, NAdam: the costliest
    bookkeeping) less its gradient evaluations, which ``eval_seconds`` adds back for the real surface."""
    s = quadratic(10.0)
    total = least_cpu(lambda: run(s, "nadam", s.start, _PROBE_STEPS, lr=0.01))
    return max(total / _PROBE_STEPS - eval_seconds(s, 1), 0.0)


@functools.lru_cache(maxsize=256)  # surfaces compare by identity; the race's are cached objects
def eval_seconds(surface: Surface, batch: int) -> float:
    """One gradient evaluation of ``batch`` points spread over the surface's domain (f too: runs record it)."""
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(0)
    p = np.stack([rng.uniform(x0, x1, batch), rng.uniform(y0, y1, batch)], axis=-1)

    def once():
        with np.errstate(all="ignore"):
            surface.grad(p)
            surface.f(p)

    return least_cpu(once, repeats=3)


def _probe(optimizer: str, starts: int, hyper: dict) -> float:
    """Seconds per step of ``optimizer``'s own update with ``hyper`` for ``starts`` starts, beyond the loop and the
    gradient: a noisy run (so nothing converges and skips its work) on a cheap surface; never below 0. A line search
    takes no noise: it runs from starts spread over Rosenbrock with its tolerances 0, so it keeps searching, and the
    f and ∇f of its trial points count as its update's."""
    if needs_oracle(OPTIMIZERS[optimizer](**hyper)):
        s, rng = SURFACES["rosenbrock"], np.random.default_rng(0)
        points = np.stack([rng.uniform(lo, hi, starts) for lo, hi in s.domain], axis=-1)
        tolerances = [k for k in ("tolerance_grad", "tolerance_change") if k in OPTIMIZERS[optimizer].defaults()]
        hyper = {**hyper, **dict.fromkeys(tolerances, 0.0)}
        noise = 0.0
    else:
        s, noise = quadratic(10.0), 1.0
        points = np.tile(s.start, (starts, 1))
    total = least_cpu(lambda: run(s, optimizer, points, _PROBE_UPDATES, noise=noise, **hyper), repeats=2)
    return max(total / _PROBE_UPDATES - eval_seconds(s, starts) - loop_seconds(), 0.0)


_measured: dict[str, tuple[float, float]] = {}
_probing: dict[str, threading.Lock] = {}  # one lock per optimizer, held while it is probed
_probing_lock = threading.Lock()


def update_seconds(optimizer: str) -> tuple[float, float]:
    """``_update_seconds``, measured once per optimizer: a class opening a fresh server's race asks for the same
    optimizers at once, and thirty probes side by side would each take thirty times as long, so the first asks
    and the others wait for its answer. A measured optimizer is read without any lock: one probe under way
    (the server's start-up probes, gdviz.ui.janitor) never holds up a race of optimizers measured already."""
    if optimizer in _measured:
        return _measured[optimizer]
    with _probing_lock:
        lock = _probing.setdefault(optimizer, threading.Lock())
    with lock:
        if optimizer not in _measured:
            _measured[optimizer] = _update_seconds(optimizer)
    return _measured[optimizer]


def _update_seconds(optimizer: str) -> tuple[float, float]:
    """``optimizer``'s update cost per step beyond what ``loop_seconds`` counts, as (fixed, per start): measured
    once per process with 1 and with ``_PROBE_BATCH`` starts. L-BFGS's two-loop recursion walks its history in
    Python: about a millisecond a step whatever the batch, then some 18 µs per start. A record offering a choice
    (L-BFGS's line search) is probed with each, and each part counts its costlier one."""
    spec, costs = OPTIMIZERS[optimizer], []
    choices = [{h.name: c} for h in spec.hyper if h.kind == "choice" for c in h.choices if c != h.default]
    for hyper in ({**spec.start, **choice} for choice in [{}, *choices]):
        one, many = _probe(optimizer, 1, hyper), _probe(optimizer, _PROBE_BATCH, hyper)
        costs.append((one, max(many - one, 0.0) / (_PROBE_BATCH - 1)))
    return max(fixed for fixed, _ in costs), max(per_start for _, per_start in costs)


def run_seconds(surface: Surface, steps: int, batch: int = 1, runs: int = 1, optimizers: Sequence[str] = ()) -> float:
    """The estimated time of ``runs`` runs of ``steps`` steps, each stepping ``batch`` starts together; name
    the ``optimizers`` that run (one per run) and each one's own update cost is counted too."""
    batch = max(int(batch), 1)
    updates = sum(fixed + per_start * batch for fixed, per_start in map(update_seconds, optimizers))
    return steps * (runs * (loop_seconds() + eval_seconds(surface, batch)) + updates)


def too_costly(seconds: float, what: str, change: str) -> str | None:
    """The sentence a page shows for work above the budget, or None."""
    if seconds <= BUDGET:
        return None
    about = f"{seconds:.1f}" if round(seconds) <= BUDGET else f"{seconds:,.0f}"  # not "about 4 s (the limit is 4 s)"
    return f"{what} would keep the shared server busy for about {about} s (the limit is {BUDGET:g} s): {change}."
