"""The server's heavy lane: one heavy run at a time in arrival order, a bounded queue, light work never waits,
and a waiting run learns its place and leaves the line when its script stops."""

import threading
import time

import pytest

from gdviz.ui import lane


class Holder:
    """A heavy run in its own thread that holds the lane until released."""

    def __init__(self, name: str, order: list, places: list | None = None, visitor: str = "the class"):
        self.held, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(name, order, places), daemon=True, name=visitor)
        self.thread.start()

    def _run(self, name, order, places):
        try:
            with lane.turn(3.0, name, on_wait=None if places is None else lambda p, s: places.append(p)):
                order.append(name)
                self.held.set()
                self.release.wait(5)
        except BaseException as e:  # noqa: BLE001 - reported to the test
            self.error = e
            self.held.set()

    def finish(self):
        self.release.set()
        self.thread.join(5)
        assert not self.thread.is_alive()


def _until(condition, seconds=5.0):
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_heavy_runs_take_turns_in_arrival_order_and_light_work_runs_beside_them():
    order: list[str] = []
    first = Holder("first", order)
    assert first.held.wait(5)
    places: list[int] = []
    second = Holder("second", order, places)
    _until(lambda: lane.waiting() == 1)
    third = Holder("third", order)
    _until(lambda: lane.waiting() == 2)
    with lane.turn(lane.HEAVY_SECONDS / 2):  # light: at once, beside the heavy one
        order.append("light")
    _until(lambda: places)  # the waiting run is told its place within a poll
    assert order == ["first", "light"] and places[0] == 1  # one run ahead of it: the running one
    first.finish()
    assert second.held.wait(5)
    assert order == ["first", "light", "second"]  # not third: arrival order
    second.finish()
    assert third.held.wait(5)
    third.finish()
    assert order == ["first", "light", "second", "third"]
    assert lane.waiting() == 0


def test_a_full_queue_refuses_at_once_with_a_sentence_and_the_line_moves_on():
    order: list[str] = []
    running = Holder("running", order)
    assert running.held.wait(5)
    waiting = [Holder(f"w{i}", order) for i in range(lane.MAX_WAITING)]
    _until(lambda: lane.waiting() == lane.MAX_WAITING)
    t0 = time.monotonic()
    busy = r"busy with \d+ long runs of other visitors .*This basin map did not start"
    with pytest.raises(lane.LaneFull, match=busy):
        with lane.turn(3.0, "This basin map"):
            pass
    assert time.monotonic() - t0 < lane.POLL  # refused without waiting
    running.finish()
    for w in waiting:
        assert w.held.wait(5)
        w.finish()
    assert order == ["running"] + [f"w{i}" for i in range(lane.MAX_WAITING)]


def test_a_run_whose_script_stops_while_waiting_leaves_the_line():
    order: list[str] = []
    running = Holder("running", order)
    assert running.held.wait(5)

    class Stopped(Exception):
        pass

    def stop_when_told(place, seconds):
        raise Stopped  # what Streamlit raises at a script's next st call once its session has gone

    with pytest.raises(Stopped):
        with lane.turn(3.0, "gone", on_wait=stop_when_told):
            order.append("gone")
    assert lane.waiting() == 0
    after = Holder("after", order)
    running.finish()
    assert after.held.wait(5)
    after.finish()
    assert order == ["running", "after"]


def test_a_few_seconds_of_work_never_waits_behind_a_long_run():
    order: list[str] = []
    done = threading.Event()

    def long_run():
        with lane.turn(60.0, "a search", long_run=True):
            order.append("search")
            done.wait(5)

    searching = threading.Thread(target=long_run, daemon=True)
    searching.start()
    _until(lambda: order == ["search"])
    with lane.turn(2.0, "a basin map"):  # heavy, but short: its own lane, free
        order.append("basin map")
    done.set()
    searching.join(5)
    assert order == ["search", "basin map"]


def test_a_second_of_work_never_waits_behind_seconds_of_race_but_behind_another_second():
    """Bounded work under QUICK_SECONDS (a sweep over h, a network's training) has a lane of its own: a light
    visitor's second of work is not held up by another's race (the Holder, 3 s), only by another second."""
    order: list[str] = []
    race = Holder("race", order)
    assert race.held.wait(5)

    def training():
        with lane.turn(lane.QUICK_SECONDS / 2, "a training"):
            order.append("training")

    with lane.turn(lane.QUICK_SECONDS / 2, "a sweep over h"):
        order.append("sweep")
        waiter = threading.Thread(target=training, daemon=True)
        waiter.start()
        _until(lambda: lane.waiting() == 1)  # the training waits for the sweep
        assert order == ["race", "sweep"]
    waiter.join(5)
    race.finish()
    assert order == ["race", "sweep", "training"] and lane.waiting() == 0


def test_a_run_that_would_wait_behind_more_than_a_minute_of_work_is_refused(monkeypatch):
    monkeypatch.setattr(lane, "MAX_AHEAD", 5.0)  # the Holders' runs are estimated at 3 s each
    order: list[str] = []
    running = Holder("running", order)
    assert running.held.wait(5)
    second = Holder("second", order)  # 3 s ahead of it: it waits
    _until(lambda: lane.waiting() == 1)
    with pytest.raises(lane.LaneFull, match=r"about 6 s of work"):  # 3 s running + 3 s waiting > 5 s
        with lane.turn(3.0, "This search"):
            pass
    running.finish()
    assert second.held.wait(5)
    second.finish()
    assert order == ["running", "second"] and lane.waiting() == 0


def test_a_long_run_pauses_between_chunks_while_other_pages_run_and_never_longer_than_its_pause():
    assert lane.courtesy(0.5) < 0.05  # nothing else runs: no pause
    with lane.page_running():  # the long run's own page
        assert lane.courtesy(0.5) < 0.05
        other = threading.Event()

        def click():
            with lane.page_running():
                other.wait(5)

        thread = threading.Thread(target=click)
        thread.start()
        _until(lambda: lane._pages == 2)
        waited = lane.courtesy(0.2)
        assert 0.2 <= waited < 1.0  # another visitor's page runs: the whole pause, no more
        threading.Timer(0.1, other.set).start()
        assert lane.courtesy(5.0) < 2.0  # it ends as soon as that page is done
        thread.join(5)
    assert lane._pages == 0


def test_a_visitor_who_just_had_a_turn_waits_behind_one_who_asks_for_the_first_time(monkeypatch):
    monkeypatch.setattr(lane, "_visitor", lambda: threading.current_thread().name)  # each Holder names its visitor
    order: list[str] = []
    first = Holder("heavy 1", order, visitor="heavy")
    assert first.held.wait(5)
    again = Holder("heavy 2", order, visitor="heavy")  # the same visitor, at once again
    _until(lambda: lane.waiting() == 1)
    light = Holder("light", order, visitor="light")  # another visitor, later
    _until(lambda: lane.waiting() == 2)
    first.finish()
    assert light.held.wait(5)  # the light visitor's first turn comes before the heavy one's second
    light.finish()
    assert again.held.wait(5)
    again.finish()
    assert order == ["heavy 1", "light", "heavy 2"]


def _page(visitor: str, busy: float, started: threading.Event, release: threading.Event, waited: list):
    """A page run of ``visitor`` in its own thread (named after the visitor): spends ``busy`` CPU seconds, says it
    started, and holds until released; ``waited`` gets the seconds it gave way before starting."""

    def run():
        t0 = time.monotonic()
        with lane.page_running():
            waited.append(time.monotonic() - t0)
            end = time.thread_time() + busy
            while time.thread_time() < end:
                pass
            started.set()
            release.wait(5)

    thread = threading.Thread(target=run, name=visitor, daemon=True)
    thread.start()
    return thread


def test_a_visitor_who_used_the_cpu_lately_lets_a_lighter_visitors_page_go_first_never_longer_than_give_way(
    monkeypatch,
):
    monkeypatch.setattr(lane, "_visitor", lambda: threading.current_thread().name)
    monkeypatch.setattr(lane, "_use", {})
    monkeypatch.setattr(lane, "GIVE_WAY", 1.0)
    heavy_started, heavy_release, heavy_waited = threading.Event(), threading.Event(), []
    # the heavy visitor's first page run: nobody has used anything yet, so it starts at once
    _page("heavy", lane.BUSY_USE + 0.2, heavy_started, heavy_release, heavy_waited)
    assert heavy_started.wait(5)
    heavy_release.set()
    _until(lambda: lane.recent_use("heavy") > lane.BUSY_USE)
    assert heavy_waited[0] < 0.05 and lane.recent_use("light") == 0.0

    light_started, light_release, light_waited = threading.Event(), threading.Event(), []
    light = _page("light", 0.0, light_started, light_release, light_waited)
    assert light_started.wait(5) and light_waited[0] < 0.05  # the light visitor never waits
    heavy_started.clear()
    heavy_release.clear()
    heavy = _page("heavy", 0.0, heavy_started, heavy_release, heavy_waited)
    assert not heavy_started.wait(0.3)  # the light visitor's page runs: the heavy one waits
    light_release.set()
    light.join(5)
    assert heavy_started.wait(5)  # as soon as that page is done
    heavy_release.set()
    heavy.join(5)
    assert 0.3 <= heavy_waited[1] < 0.9

    # a light page that outlasts GIVE_WAY: the heavy visitor's page starts anyway, GIVE_WAY later
    light_started.clear()
    light_release.clear()
    light = _page("light", 0.0, light_started, light_release, light_waited)
    assert light_started.wait(5)
    heavy_started.clear()
    heavy_release.clear()
    heavy = _page("heavy", 0.0, heavy_started, heavy_release, heavy_waited)
    assert heavy_started.wait(5)
    assert 1.0 <= heavy_waited[2] < 1.8
    heavy_release.set()
    light_release.set()
    heavy.join(5)
    light.join(5)
    assert lane._pages == 0 and not lane._running


def test_recent_use_halves_every_half_life(monkeypatch):
    monkeypatch.setattr(lane, "_use", {"a": (4.0, 100.0)})
    assert lane.recent_use("a", 100.0) == 4.0
    assert lane.recent_use("a", 100.0 + lane.HALF_LIFE) == pytest.approx(2.0)
    assert lane.recent_use("a", 100.0 + 3 * lane.HALF_LIFE) == pytest.approx(0.5)
    assert lane.recent_use("nobody", 100.0) == 0.0


def test_a_heavy_visitors_page_gives_way_at_its_checkpoints_never_inside_a_lanes_turn_and_never_more_than_give_way(
    monkeypatch,
):
    monkeypatch.setattr(lane, "_visitor", lambda: threading.current_thread().name)
    monkeypatch.setattr(lane, "_use", {"heavy": (10.0, time.monotonic())})
    monkeypatch.setattr(lane, "GIVE_WAY", 0.6)
    assert lane.checkpoint() == 0.0  # outside a page run: nothing to give way for
    light_started, light_release = threading.Event(), threading.Event()
    light = _page("light", 0.0, light_started, light_release, [])
    assert light_started.wait(5)
    waits: dict[str, float] = {}

    def heavy_page():
        with lane.page_running():  # starts after GIVE_WAY: the light page still runs
            waits["start"] = lane._run.waited
            with lane.turn(1.0, "heavy work"):  # a lighter visitor may be waiting for this lane: no way given
                waits["in turn"] = lane.checkpoint()
            waits["after"] = lane.checkpoint()  # the run's GIVE_WAY is spent

    thread = threading.Thread(target=heavy_page, name="heavy", daemon=True)
    thread.start()
    thread.join(5)
    assert 0.6 <= waits["start"] < 1.2 and waits["in turn"] == 0.0 and waits["after"] == 0.0

    light_release.set()
    light.join(5)

    def heavy_again():  # no lighter page runs as it starts; one starts in the middle of it
        with lane.page_running():
            waits["start again"] = lane._run.waited
            light_started.clear()
            light_release.clear()
            waits["light"] = _page("light", 0.0, light_started, light_release, [])
            assert light_started.wait(5)
            waits["checkpoint"] = lane.checkpoint()  # the whole GIVE_WAY: the light page is held
            waits["again"] = lane.checkpoint()  # spent

    thread = threading.Thread(target=heavy_again, name="heavy", daemon=True)
    thread.start()
    thread.join(5)
    light_release.set()
    waits["light"].join(5)
    assert waits["start again"] < 0.05 and 0.6 <= waits["checkpoint"] < 1.2 and waits["again"] == 0.0
    assert lane._pages == 0 and not lane._running


def test_a_lighter_page_waiting_for_a_lanes_turn_is_not_given_way_to(monkeypatch):
    monkeypatch.setattr(lane, "_visitor", lambda: threading.current_thread().name)
    monkeypatch.setattr(lane, "_use", {"heavy": (10.0, time.monotonic())})
    holder = Holder("the lane's run", [], visitor="someone")
    assert holder.held.wait(5)
    waiting = threading.Event()

    def light_page():
        with lane.page_running(), lane.turn(3.0, "light work", on_wait=lambda p, s: waiting.set()):
            pass

    light = threading.Thread(target=light_page, name="light", daemon=True)
    light.start()
    assert waiting.wait(5)  # the light page waits for its turn: it uses no CPU
    assert lane.give_way("heavy", 1.0) < 0.05
    holder.finish()
    light.join(5)
    assert not lane._blocked and not lane._running


def test_work_done_in_a_lanes_turn_does_not_count_in_a_visitors_recent_use(monkeypatch):
    monkeypatch.setattr(lane, "_visitor", lambda: "searcher")
    monkeypatch.setattr(lane, "_use", {})

    def busy(seconds):
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass

    with lane.page_running():
        with lane.turn(3.0, "a search"):
            busy(0.4)
        busy(0.1)
    assert 0.1 <= lane.recent_use("searcher") < 0.3  # the page's own 0.1 s, not the turn's 0.4


def test_unless_refused_gives_the_result_or_none_once_the_refusal_is_said():
    """A training page's refusals: a ValueError (what to change) and a full lane end the view; anything else is a
    bug and propagates."""

    def refuse(error):
        raise error

    assert lane.unless_refused(lambda: 42) == 42
    assert lane.unless_refused(lambda: refuse(ValueError("iterations must be from 1 to 5,000"))) is None
    assert lane.unless_refused(lambda: refuse(lane.LaneFull("The server is busy"))) is None
    with pytest.raises(KeyError):
        lane.unless_refused(lambda: refuse(KeyError("a bug")))
