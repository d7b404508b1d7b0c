"""The server's lanes for heavy work: one at a time each, fair to visitors, and a short queue.

A class shares two cores. Work estimated at ``HEAVY_SECONDS`` or more takes its turn in a lane, so five
visitors' heavy settings never take both cores from the clicks of twenty-five others; light work never
enters one. There are two lanes: bounded work (a long race, a basin map, a sweep, the gradient check's
sweep over h: the pages refuse more than a few seconds) and the explicitly started long runs
(``long_run=True``: a random search at the notebook's scale, a minute or more), so a basin map never
waits behind a minute of search. In a lane the next to run is the waiting visitor whose last turn began
longest ago (arrival order among equals), so one visitor's stream of heavy work cannot keep another's
single request waiting. Each queue is bounded: when ``MAX_WAITING`` runs already wait, or the
work ahead is estimated at more than ``MAX_AHEAD`` seconds, a new one is refused at once with a sentence
saying how long it would wait (``LaneFull``), instead of joining a line that would outlast the lesson (five
visitors starting random searches at the notebook's full scale waited up to three minutes behind four).

While a run waits, ``on_wait(place, seconds)`` is called at least every ``POLL`` seconds with its place
in the line (1: next) and the estimated seconds of work ahead of it, so a page can show both. A page's
script stopped while waiting (the visitor left, or clicked something else) leaves the line, and so
frees its place for the next.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TypeVar

import streamlit as st

T = TypeVar("T")

HEAVY_SECONDS = 0.5  # work estimated at this or more takes its turn in a lane
QUICK_SECONDS = 2.0  # bounded work estimated under this takes the quick lane, more the heavy one
MAX_WAITING = 4  # runs that may wait behind the running one; the next is refused
MAX_AHEAD = 60.0  # estimated seconds of work a new run may wait behind; more, and it is refused
POLL = 0.25  # seconds between two calls of a waiting run's on_wait
FORGET = 600.0  # seconds after which a visitor's last turn no longer counts against them


_run = threading.local()  # this thread's page run: the seconds it gave way, and whether it holds a lane's turn


class LaneFull(RuntimeError):
    """The lane's queue is full; ``str(e)`` is the sentence to show."""


def _visitor() -> str:
    """The session asking (its Streamlit session id), or "" outside a server's script run."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else ""


class _Lane:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[int] = deque()
        self._estimates: dict[int, float] = {}
        self._owners: dict[int, str] = {}  # ticket -> the visitor who asked
        self._served: dict[str, float] = {}  # visitor -> when their last turn began (monotonic)
        self._running: int | None = None
        self._started = 0.0
        self._tickets = itertools.count()

    def _line(self) -> list[int]:
        """The waiting tickets in the order they will run: fair to visitors, the one whose last turn began
        longest ago (or who never had one) first, then in arrival order. A visitor asking again and again for
        heavy work goes behind one who asks once: five visitors' heaviest settings, each a new race the moment
        the last one ended, kept a light visitor's basin map waiting behind all of them."""
        return sorted(self._waiting, key=lambda t: (self._served.get(self._owners[t], -1.0), t))

    def _ahead(self, ticket: int) -> tuple[int, float]:
        """(place in line counting the running run, estimated seconds of work before ``ticket`` starts)."""
        before = list(itertools.takewhile(lambda t: t != ticket, self._line()))
        seconds = sum(self._estimates[t] for t in before)
        if self._running is not None:
            seconds += max(self._estimates[self._running] - (time.monotonic() - self._started), 0.0)
        return len(before) + (self._running is not None), seconds

    @contextlib.contextmanager
    def turn(
        self, seconds: float, what: str, on_wait: Callable[[int, float], None] | None, visitor: str
    ) -> Iterator[None]:
        with self._cond:
            n, wait = self._ahead(-1)
            if len(self._waiting) >= MAX_WAITING or wait > MAX_AHEAD:
                raise LaneFull(
                    f"The server is busy with {n} long run{'' if n == 1 else 's'} of other visitors (about "
                    f"{wait:,.0f} s of work): {what} did not start. Try again in a minute, or ask for less work."
                )
            ticket = next(self._tickets)
            self._waiting.append(ticket)
            self._estimates[ticket], self._owners[ticket] = seconds, visitor
        _blocked.add(threading.get_ident())  # a page waiting for its turn is not running: none gives way to it
        try:
            while True:
                with self._cond:
                    if self._running is None and self._line()[0] == ticket:
                        self._waiting.remove(ticket)
                        self._running, self._started = ticket, time.monotonic()
                        self._served[visitor] = self._started
                        self._forget(self._started)
                        break
                    self._cond.wait(POLL)
                    place, wait = self._ahead(ticket)
                if on_wait is not None:
                    on_wait(place, wait)  # outside the lock: it draws, and may raise when the script stops
        except BaseException:
            with self._cond:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                del self._estimates[ticket], self._owners[ticket]
                self._cond.notify_all()
            raise
        finally:
            _blocked.discard(threading.get_ident())
        _run.turns = getattr(_run, "turns", 0) + 1  # checkpoint() gives no way while this thread holds a turn
        cpu = time.thread_time()
        try:
            yield
        finally:
            _run.turns -= 1
            _run.in_turns = getattr(_run, "in_turns", 0.0) + time.thread_time() - cpu  # already took its turn
            with self._cond:
                self._running = None
                del self._estimates[ticket], self._owners[ticket]
                self._cond.notify_all()

    def _forget(self, now: float) -> None:
        """Visitors served more than ``FORGET`` seconds ago count as never served (and their entries go)."""
        for who in [w for w, t in self._served.items() if now - t > FORGET]:
            del self._served[who]

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)


# deliberately one set per server process: every session's heavy work shares them
_QUICK, _HEAVY, _LONG = _Lane(), _Lane(), _Lane()


def turn(
    seconds: float,
    what: str = "This run",
    on_wait: Callable[[int, float], None] | None = None,
    *,
    long_run: bool = False,
):
    """Around work estimated at ``seconds``: heavy work runs in its lane (by its size, or the long runs' with
    ``long_run``), waiting its turn or refused with ``LaneFull`` when the queue is full; light work runs at once."""
    if seconds < HEAVY_SECONDS:
        return contextlib.nullcontext()
    chosen = _LONG if long_run else _QUICK if seconds < QUICK_SECONDS else _HEAVY
    return chosen.turn(seconds, what, on_wait, _visitor())


def unless_refused(make: Callable[[], T]) -> T | None:
    """``make()`` (a page's training), or None once its refusal is on the page: a ValueError's reason as an error
    (settings it cannot train, or would train too long), a full lane's sentence as a warning; the settings are kept."""
    try:
        return make()
    except ValueError as e:
        st.error(f"This cannot train: {e}. Your other settings are kept.")
    except LaneFull as e:
        st.warning(f"{e} Your settings are kept.")
    return None


def waiting() -> int:
    """How many heavy runs wait for their turn now, in every lane."""
    return _QUICK.waiting() + _HEAVY.waiting() + _LONG.waiting()


# --- courtesy: a long run yields the CPU to the clicks of other visitors ----------------------------------

COURTESY = 0.25  # the longest pause a long run takes between two of its chunks while other pages run
_pages = 0  # page runs in progress on this server (app_frame counts them)
_pages_lock = threading.Lock()


def courtesy(pause: float = COURTESY) -> float:
    """Between two chunks of a long run: while other pages run (besides the long run's own), wait up to ``pause``
    seconds for them, so a class's clicks get the CPU before a minute of search does; returns the seconds waited.
    A long run still gets a chunk in after every pause, so it always finishes, at worst a few times later."""
    t0 = time.monotonic()
    while _pages > 1 and time.monotonic() - t0 < pause:
        time.sleep(0.01)
    return time.monotonic() - t0


# --- fair share: a visitor who used the CPU lately lets lighter visitors' pages go first ------------------
# Python runs one thread at a time: five visitors asking for the heaviest settings without pause kept five page
# runs going at once, and a sixth visitor's click got a sixth of the interpreter (a 0.3 s click took 2 s). A page
# run of a visitor whose recent CPU use is over BUSY_USE and more than twice that of a visitor whose page is
# running now waits, before it starts and at its checkpoints, until that lighter page is done (at most GIVE_WAY in
# all). Lighter visitors never wait for heavier ones, and a heavy visitor's page is only ever delayed, never refused.
# Work done in a lane's turn does not count: it already took its turn (a student who ran a search would otherwise
# wait at every click after).

HALF_LIFE = 20.0  # seconds after which a page run's CPU counts half in its visitor's recent use
BUSY_USE = 1.0  # CPU seconds of recent use under which a visitor never waits (a class's student: about 0.2 a click)
GIVE_WAY = 2.0  # the longest a page run waits in all (at its start and its checkpoints) for lighter visitors
_use: dict[str, tuple[float, float]] = {}  # visitor -> (CPU seconds of recent use, when last counted)
_running: dict[int, str] = {}  # page runs in progress: thread -> visitor
_blocked: set[int] = set()  # threads of page runs waiting for a lane's turn


def recent_use(visitor: str, now: float | None = None) -> float:
    """``visitor``'s CPU seconds in page runs, each counted less the longer ago it ended (halved every HALF_LIFE s)."""
    seconds, at = _use.get(visitor, (0.0, 0.0))
    return seconds * 0.5 ** (((time.monotonic() if now is None else now) - at) / HALF_LIFE)


def _count(visitor: str, seconds: float) -> None:
    now = time.monotonic()
    _use[visitor] = (recent_use(visitor, now) + seconds, now)
    for who in [w for w in _use if recent_use(w, now) < 1e-3]:  # visitors long idle, or gone
        del _use[who]


def _lighter_running(visitor: str) -> bool:
    """Whether a page of a visitor using less than half of ``visitor``'s recent CPU is running now (not waiting for a
    lane's turn: giving way to it would leave the CPU idle)."""
    mine = recent_use(visitor)
    if mine < BUSY_USE:
        return False
    with _pages_lock:
        others = [who for thread, who in _running.items() if who != visitor and thread not in _blocked]
    return any(2 * recent_use(who) < mine for who in others)


def give_way(visitor: str, limit: float | None = None) -> float:
    """Before a page run of ``visitor``: wait while lighter visitors' pages run, up to ``limit`` seconds (GIVE_WAY);
    the seconds waited."""
    t0, limit = time.monotonic(), GIVE_WAY if limit is None else limit
    while time.monotonic() - t0 < limit and _lighter_running(visitor):
        time.sleep(0.01)
    return time.monotonic() - t0


def checkpoint() -> float:
    """Inside a page run, between two pieces of work that hold no lock another visitor may wait for (before a figure
    is drawn): give way to lighter visitors' pages, for what is left of the run's GIVE_WAY; the seconds waited.
    Nothing inside a lane's turn (a lighter visitor may be waiting for that lane) or outside a page run."""
    visitor = _running.get(threading.get_ident())
    left = GIVE_WAY - getattr(_run, "waited", 0.0)
    if visitor is None or left <= 0 or getattr(_run, "turns", 0):
        return 0.0
    waited = give_way(visitor, left)
    _run.waited += waited
    return waited


@contextlib.contextmanager
def page_running() -> Iterator[None]:
    """Around a page run: gives way to lighter visitors first (``give_way``), then counts the run, so a long run
    pauses for it (``courtesy``) and heavier visitors wait for it, and adds its CPU to its visitor's recent use.
    Within the run, ``checkpoint`` gives way again, up to GIVE_WAY in all."""
    global _pages
    visitor, me = _visitor(), threading.get_ident()
    _run.waited, _run.in_turns = give_way(visitor), 0.0
    with _pages_lock:
        _pages += 1
        _running[me] = visitor
    t0 = time.thread_time()
    try:
        yield
    finally:
        with _pages_lock:
            _pages -= 1
            del _running[me]
            _count(visitor, time.thread_time() - t0 - _run.in_turns)
