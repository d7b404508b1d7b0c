"""Memory comes back when the class has gone: once no visitor has been connected for ``IDLE_SECONDS``,
every st.cache_data entry goes, and the freed memory is handed back to the operating system. The same
watcher thread first measures what each optimizer costs (``measure_costs``), before a class needs it.

The caches are bounded (250 MB together) but keep their entries while the server lives; after a
lesson that is up to 250 MB nobody will ask for again. One watcher thread per server process looks
every ``EVERY`` seconds at how many sessions are connected, and has Streamlit forget the sessions whose
tab closed more than ``server.disconnectedSessionTTL`` seconds ago (.streamlit/config.toml): Streamlit
keeps them in a time-to-live cache that drops an expired entry only when another is written, so after
the last tab of a lesson closed, thirty sessions' settings and results would stay until the next visit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
import time
from collections.abc import Callable

import streamlit as st

from ..optimizers import OPTIMIZERS
from ..surface import cost
from .lane import courtesy

IDLE_SECONDS = 60.0  # no session connected this long: the caches go
EVERY = 10.0  # seconds between two looks

_log = logging.getLogger(__name__)


def connected_sessions() -> int | None:
    """Sessions with an open websocket now; None where Streamlit's runtime cannot tell (no server: AppTest)."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    try:
        return runtime.get_instance()._session_mgr.num_active_sessions()  # no public API says it (1.67)
    except AttributeError:
        return None


def reap_closed_sessions() -> None:
    """Have Streamlit drop the closed sessions whose reconnection time is over (on its own event loop, which
    owns that storage). Nothing happens where the runtime is not the one this was written against (1.67)."""
    from streamlit import runtime

    if not runtime.exists():
        return
    rt = runtime.get_instance()
    storage = getattr(getattr(rt, "_session_mgr", None), "_session_storage", None)
    expire = getattr(getattr(storage, "_cache", None), "expire", None)
    loop = getattr(getattr(rt, "_async_objs", None), "eventloop", None)
    if expire is not None and loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(expire)


def _glibc():
    """The C library when it is glibc (it has malloc_trim and mallopt), else None (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


M_ARENA_MAX, M_MMAP_THRESHOLD = -8, -3  # glibc's mallopt parameters (malloc.h)
ARENAS = 2  # heaps shared by every thread of the process
MMAP_BYTES = 1 << 20  # blocks this large or larger come straight from the system and go straight back


def tune_malloc() -> bool:
    """Keep glibc from holding a class's freed memory: at most ``ARENAS`` heaps, and every block of a megabyte or
    more (an array of 130,000 floats) mapped on its own. By default each of a class's thirty script threads gets
    a heap of its own (up to 8 per core) and the threshold for a mapped block climbs to 32 MB as arrays are freed,
    so a lesson's arrays land in the heaps; after the class there 250 MB were free but scattered between live
    blocks, and malloc_trim gave back none of it. Called once, before the class's threads start; False where the
    C library is not glibc."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, ARENAS)) and bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_BYTES))


def release_memory() -> None:
    """Drop every cached data entry and give the freed heap back to the system (glibc's malloc_trim)."""
    st.cache_data.clear()
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def measure_costs() -> None:
    """Before a class arrives, probe every optimizer's update cost once (gdviz.surface.cost: a few seconds in all,
    pausing while pages run), so the race's cost check never makes a visitor wait for a probe. Without it the
    first students to race each optimizer paid for its probe: under a class's first minute, half of the race
    page's server time."""
    cost.loop_seconds()
    for name in OPTIMIZERS:
        courtesy()
        cost.update_seconds(name)


class Janitor:
    """Calls ``release`` once after ``idle`` seconds in which ``count`` said 0 each time it was asked."""

    def __init__(self, count: Callable[[], int | None], release: Callable[[], None], idle: float = IDLE_SECONDS):
        self.count, self.release, self.idle = count, release, idle
        self.empty_since: float | None = None
        self.released = False

    def look(self, now: float) -> None:
        n = self.count()
        if n is None or n > 0:
            self.empty_since, self.released = None, False
            return
        self.empty_since = now if self.empty_since is None else self.empty_since
        if not self.released and now - self.empty_since >= self.idle:
            self.release()
            self.released = True  # once per quiet spell: nothing is cached again until someone comes


_started = threading.Lock()
_thread: threading.Thread | None = None


def keep_tidy() -> None:
    """Start the server's watcher (once per process; every page calls this)."""
    global _thread
    with _started:
        if _thread is not None or connected_sessions() is None:
            return
        janitor = Janitor(connected_sessions, release_memory)

        def watch() -> None:
            try:
                measure_costs()
            except Exception:  # the watcher must live on: a probe missed now is taken when a race needs it
                _log.exception("gdviz cost probes")
            while True:
                time.sleep(EVERY)
                try:
                    reap_closed_sessions()
                    janitor.look(time.monotonic())
                except Exception:  # a watcher must never die of one bad look
                    _log.exception("gdviz janitor")

        _thread = threading.Thread(target=watch, name="gdviz-janitor", daemon=True)
        _thread.start()
