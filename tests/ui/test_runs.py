"""Heavy work takes turns server-wide; light work never waits behind it."""

import threading
import time

from gdviz.ui import runs


def _hold(seconds: float, held: threading.Event, release: threading.Event) -> None:
    with runs.taking_turns(seconds):
        held.set()
        release.wait(5)


def test_heavy_work_waits_its_turn_and_light_work_does_not():
    held, release = threading.Event(), threading.Event()
    first = threading.Thread(target=_hold, args=(10.0, held, release))
    first.start()
    assert held.wait(5)
    order = []

    def heavy():
        with runs.taking_turns(10.0):
            order.append("heavy")

    second = threading.Thread(target=heavy)
    second.start()
    with runs.taking_turns(runs.HEAVY_SECONDS / 2):  # light: runs at once, beside the heavy one
        order.append("light")
    time.sleep(0.1)
    assert order == ["light"]  # the second heavy run is still waiting for the first
    release.set()
    first.join(5)
    second.join(5)
    assert order == ["light", "heavy"]
