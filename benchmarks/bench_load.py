"""A class of 30: concurrent sessions drive every page over Streamlit's websocket, as browsers would.

Starts ``streamlit run app.py`` on a free local port, times one session alone (the baseline), then N
sessions at once for a few minutes. Each follows the lecture page by page, pausing to think between
clicks; benchmarks/_st_client.py speaks the protocol. Every session sets values of its own (steps
301 + i on the race, linear and digits pages, 11 + i % 40 rows on the gradient check, seed 1000 + i
on random search, a formula with the variable k<i>) and every rerun is checked to show its values
and never another session's. Budgets: no errors (exception elements, websocket errors, timeouts,
missing widgets, server tracebacks), peak server RSS (process tree, /proc, every second) < 1.5 GB,
no cross-talk. Exits 1 when one is broken.

A click on the random search's Run is the one explicitly started long run: its latency is reported apart
(with how often the server's heavy lane said it was full), and every other interaction makes the p95.
After the class has left, the server's memory is sampled again (``--after`` seconds later) against its
idle memory before the class. ``--heavy N`` adds a second scenario: N sessions that send the heaviest
settings the pages accept, again and again, beside one light visitor whose latencies are reported.

``--shared``: the class follows the teacher's link instead (every student the teacher's values and choices, all
starting on the first page): what a lesson shares, against the worst case above.

Run: python benchmarks/bench_load.py [--sessions 30] [--minutes 3] [--think 3] [--after 150] [--heavy 5] [--shared]
    [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import parse_qsl

import _st_client as harness
import pyarrow as pa
from _st_client import Run, StClient, user_key
from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
from gdviz.ui.nav import PAGES as NAV  # noqa: E402

RSS_BUDGET_MB = 1536
PAGES = tuple(p.url_path for p in NAV)  # "" is home; a page without a visit_<path> below is only opened
FIRST_STEPS = 301  # student i sets steps 301 + i: no page's default, no preset's
VAR = re.compile(r"\bk(\d{3})\b")  # student i's formula variable k<i>, wherever it shows
STEPS_SHOWN = re.compile(r"(?:step|iteration) \d+ of ([\d,]+)\*\*|([\d,]+) iterations, [\d.]+ epochs")
FORMULA_SHOWN = re.compile(r"f = `([^`]*)`")
STALE_SEARCH = "The settings changed since this search"
LANE_FULL = "The server is busy with"  # gdviz.ui.lane.LaneFull: the heavy lane's queue was full
LONG = "long run (random search Run)"  # the latency key of the explicitly started long runs


class Stop(Exception):
    """The visit ends early: time is up, or the connection was lost (and counted)."""


class Tally:
    """Latencies per page, errors by kind, and the cross-talk checks of one run of the class."""

    def __init__(self, sessions: int = 1):
        self.tokens = range(FIRST_STEPS, FIRST_STEPS + sessions)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.actions: list[tuple[float, str]] = []  # (seconds, what was done where), every interaction
        self.errors: Counter = Counter()
        self.samples: list[str] = []
        self.checks: Counter = Counter()  # kind of check -> how many were made
        self.violations: list[str] = []
        self.results: dict[tuple, set] = defaultdict(set)  # random search (seed, budgets) -> best losses seen
        self.cached = 0  # messages resolved from the client's cache (the server sent a reference)
        self.refused = 0  # long runs the heavy lane refused at once (its queue was full)

    def error(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        self.samples.append(text)

    def check(self, kind: str, ok: bool, text: str) -> None:
        self.checks[kind] += 1
        if not ok:
            self.violations.append(text)

    def check_results(self) -> None:
        """A seed and budget found the same losses every time, and no two seeds the same ones."""
        owner = {}
        for (seed, budgets), found in self.results.items():
            self.check("search results", len(found) == 1, f"seed {seed}, {budgets}: {len(found)} different results")
            for losses in found:
                first = owner.setdefault(losses, seed)
                self.check("search results", first == seed, f"seeds {first} and {seed}: the same search results")


class Student:
    """Session i: every page in turn from its own start, a few settings each, its own values checked."""

    def __init__(self, i: int, port: int, tally: Tally, think: float, timeout: float, shared: bool = False):
        self.i, self.port, self.tally, self.think, self.timeout = i, port, tally, think, timeout
        self.rng = random.Random(i)
        k = self.k = 0 if shared else i  # whose values and choices: a shared class makes student 0's, as the teacher
        self.steps, self.rows, self.seed, self.var = FIRST_STEPS + k, 11 + k % 40, 1000 + k, f"k{k:03d}"
        self.formula = f"(x + y) * z * {self.var}"
        self.client: StClient | None = None
        self.page, self.mine, self.until = "", {}, 0.0

    async def lecture(self, until: float, start: int, full_round: bool = False) -> None:
        """Visit the pages in turn from PAGES[start] until ``until`` (monotonic); ``full_round``: all once first."""
        order, visit = PAGES[start:] + PAGES[:start], 0
        self.until = float("inf") if full_round else until
        while visit == 0 or time.monotonic() < until:
            for page in order:
                self.page, self.mine = page, {}  # a page's widgets start afresh on each visit
                try:
                    await getattr(self, f"visit_{page or 'home'}", self.visit_home)(visit)
                except Stop:
                    pass
                except KeyError as e:
                    self.tally.error("missing widget", f"session {self.i} on {page or 'home'}: {e}")
            self.until, visit = until, visit + 1
        if self.client:
            await self.client.__aexit__()

    async def act(self, long: bool = False, **rerun) -> Run:
        """One user action and the rerun it causes, timed and checked; then a pause to think."""
        if time.monotonic() > self.until:
            raise Stop
        who = f"session {self.i} on {self.page or 'home'}"
        try:
            if self.client is None:
                host = f"127.0.0.1:{self.port}"
                self.client = await StClient(f"ws://{host}/_stcore/stream", f"http://{host}", self.timeout).__aenter__()
                if "page" not in rerun:  # reconnected mid-visit: open the page again first
                    await self.rerun(page=self.page)
            run = await self.rerun(long, **rerun)
        except (TimeoutError, WebSocketException, OSError, RuntimeError) as e:
            kind = "timeout" if isinstance(e, TimeoutError) else "websocket"
            self.tally.error(kind, f"{who}: {type(e).__name__} {e}")
            client, self.client = self.client, None
            if client:
                await client.ws.close()
            raise Stop from e
        await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))
        return run

    async def rerun(self, long: bool = False, **rerun) -> Run:
        run = await self.client.rerun(**rerun)
        self.tally.latencies[LONG if long else self.page].append(run.seconds)
        what = ", ".join(f"{k}={str(v)[:40]}" for k, v in rerun.items())
        self.tally.actions.append((run.seconds, f"{self.page or 'home'}: {what}"))
        self.tally.cached += run.cached
        for text in run.exceptions:
            self.tally.error("exception", f"session {self.i} on {self.page or 'home'}: {text}")
        self.inspect(run)
        return run

    def inspect(self, run: Run) -> None:
        """Cross-talk: this session's values where it set them, no other session's values anywhere."""
        who, check = f"session {self.i} on {self.page or 'home'}", self.tally.check
        texts = run.texts() + [user_key(w) for w in self.client.rendered] + run.query_strings
        for var in (v for t in texts for v in VAR.findall(t)):
            check("formula variable", f"k{var}" == self.var, f"{who}: another session's variable k{var}")
        shown = "\n".join(run.texts())
        if "diverged" not in shown:  # a diverged run stops early and shows fewer steps
            for a, b in STEPS_SHOWN.findall(shown):
                n = int((a or b).replace(",", ""))
                if "steps" in self.mine:
                    check("steps shown", n == self.mine["steps"], f"{who}: shows {n} steps, set {self.mine['steps']}")
                elif n in self.tally.tokens:  # before setting them: the default, or its own from an earlier visit
                    check("steps shown", n == self.steps, f"{who}: shows another session's {n} steps")
        if "formula" in self.mine:
            check(
                "formula shown",
                FORMULA_SHOWN.findall(shown) == [self.formula],
                f"{who}: formula {FORMULA_SHOWN.findall(shown)}",
            )
        if "rows" in self.mine:
            rows = [_table(el).num_rows for kind, el in run.elements if kind == "dataframe"][:1]
            check("rows checked", rows == [self.rows], f"{who}: {rows} rows checked, set {self.rows}")
        for table in (_table(el) for kind, el in run.elements if kind == "dataframe"):
            if "best loss" in table.column_names:  # a search's results, on any visit: its own seed's
                budgets = tuple(table.column("evaluations").to_pylist())  # "200 of 200": the budget it ran with
                self.tally.results[self.seed, budgets].add(tuple(table.column("best loss").to_pylist()))
        for key, value in self.mine.get("widgets", {}).items():
            check(
                "widget value", self.client.value(key) == value, f"{who}: {key} = {self.client.value(key)}, set {value}"
            )
            for qs in run.query_strings:
                for k, v in parse_qsl(qs):
                    if k in (key, key.rsplit(".", 1)[-1]):
                        check("query string", _same(v, value), f"{who}: query string {k}={v}, set {value}")

    async def set_mine(self, key: str, value, **shown) -> Run:
        """Set this session's own value of ``key``; from now on the page must show it (``shown``)."""
        self.mine.setdefault("widgets", {})[key] = value
        self.mine.update(shown)
        return await self.act(set_={key: value})

    def pick(self, key: str, visit: int, skip=()) -> str:
        options = [o for o in self.client.options(key) if o not in skip]
        return options[(self.k + visit) % len(options)]

    async def visit_home(self, visit: int) -> None:
        await self.act(page=self.page)

    async def visit_race(self, visit: int) -> None:
        await self.act(page="race")
        if visit % 2 == 0:  # a classic race, or a surface of one's own
            presets = sorted(k for w in self.client.rendered if (k := user_key(w)).startswith("preset."))
            await self.act(click=presets[(self.k + visit) % len(presets)])
        else:
            await self.act(set_={"surface": self.pick("surface", visit, skip=("Custom f(x, y)",))})
        await self.set_mine("steps", self.steps, steps=self.steps)
        extra = self.pick("optimizers", visit)
        chosen = [o for o in self.client.value("optimizers") if o != extra] or [extra]
        await self.act(set_={"optimizers": chosen + ([extra] if extra not in chosen and len(chosen) < 5 else [])})
        if self.client.value("view") != ["Race"]:  # a revisit opens the view this session left
            await self.act(set_={"view": ["Race"]})
        await self.act(set_={"race_stage": {"step": 1 + visit % 50}})  # the stage rests on a step (its fragment reruns)
        await self.act(set_={"view": [self.pick("view", visit, skip=("Race",))]})

    async def visit_linear(self, visit: int) -> None:
        await self.act(page="linear")
        await self.set_mine("lc.steps", self.steps, steps=self.steps)
        await self.act(set_={"lc.batch": self.pick("lc.batch", visit)})
        await self.act(set_={"lc.optimizer": self.pick("lc.optimizer", visit)})
        if any(user_key(w) == "lc.per" for w in self.client.rendered):  # Adafactor is refused in a sentence: no chart
            await self.act(set_={"lc.per": ["epoch"]})

    async def visit_digits(self, visit: int) -> None:
        await self.act(page="digits")
        await self.set_mine("digits.steps", self.steps, steps=self.steps)
        await self.act(set_={"digits.batch": self.pick("digits.batch", visit)})
        await self.act(set_={"digits.reg": (0.0, 1e-3, 0.1)[(self.k + visit) % 3]})

    async def visit_gradient_check(self, visit: int) -> None:
        await self.act(page="gradient_check")
        await self.set_mine("gc.num", [float(self.rows)], rows=self.rows)
        await self.act(set_={"gc.method": self.pick("gc.method", visit)})
        await self.act(set_={"gc.bug": self.pick("gc.bug", visit)})
        await self.act(set_={"gc.h": [self.pick("gc.h", visit)]})

    async def visit_random_search(self, visit: int) -> None:
        await self.act(page="random_search")
        await self.set_mine("rs.seed", self.seed)
        await self.act(set_={"rs.budget": [("100", "200")[(self.k + visit) % 2]]})  # the default, or half of it
        run = await self.act(click="rs.run", long=True)
        who = f"session {self.i} on random_search"
        if LANE_FULL in "\n".join(run.texts()):
            self.tally.refused += 1
            return
        self.tally.check(
            "search results", STALE_SEARCH not in "\n".join(run.texts()), f"{who}: the search ran with other settings"
        )
        self.tally.check(
            "search results", any(k == "dataframe" for k, _ in run.elements), f"{who}: no results after Run"
        )
        await self.act(click="rs.stop")  # nothing runs: the rerun redraws the results kept in the session

    async def visit_backprop(self, visit: int) -> None:
        await self.act(page="backprop")
        circuits = sorted(k for w in self.client.rendered if (k := user_key(w)).startswith("bp.preset."))
        await self.act(click=circuits[(self.k + visit) % len(circuits)])
        await self.set_mine("bp.text", self.formula, formula=self.formula)
        await self.act(set_={f"bp.v.{self.var}": 0.5 + self.k})
        await self.act(click="bp_step_fwd")
        await self.act(click="bp_step_fwd")
        await self.act(click="bp.jump")


def _table(dataframe) -> pa.Table:
    return pa.ipc.open_stream(dataframe.arrow_data.data).read_all()


def _same(text: str, value) -> bool:
    """A query-string value against the widget value set (a number, a string, or a one-element list)."""
    value = value[0] if isinstance(value, list) and len(value) == 1 else value
    try:
        return float(text) == float(value)
    except (TypeError, ValueError):
        return text == str(value)


async def run_class(
    port: int, n: int, seconds: float, think: float, timeout: float, tally: Tally, shared: bool = False
) -> float:
    """N students joining over a few seconds (a class opening the link), each starting on its own page, or with
    ``shared`` all following the teacher: from the first page, with the teacher's values and choices; one
    student alone sees every page at least once. Returns the wall-clock seconds."""
    t0 = time.monotonic()

    async def one(i: int) -> None:
        await asyncio.sleep(i * 3.0 / n)
        student = Student(i, port, tally, think, timeout, shared)
        await student.lecture(t0 + seconds, start=0 if shared else i % len(PAGES), full_round=n == 1)

    await asyncio.gather(*(one(i) for i in range(n)))
    tally.check_results()
    return time.monotonic() - t0


def pct(xs: list[float], q: float) -> float:
    """The q-quantile of ``xs`` seconds in milliseconds, by nearest rank."""
    return sorted(xs)[max(0, math.ceil(q * len(xs)) - 1)] * 1e3 if xs else float("nan")


def p95_budget(think: float) -> float:
    """The issue's budget for every interaction but a long run, in ms: 2 s at a click every 3 s, 0.5 s at 10 s."""
    return 500.0 if think >= 10 else 2000.0


def short(t: Tally) -> list[float]:
    return [x for page, xs in t.latencies.items() if page != LONG for x in xs]


def report(args, base: Tally, cls: Tally, base_s: float, cls_s: float, mem: dict, tracebacks: int, cpu) -> bool:
    every, alone = short(cls), short(base)
    who = "the teacher's values and choices, shared" if args.shared else "values of each student's own"
    print(f"\ngdviz under load: {os.cpu_count()} CPUs, think time {args.think:g} s between a student's clicks, {who}")
    latency = f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(f"{'run (all but long runs)':<24}{'sessions':>9}{'seconds':>9}{'interactions':>14}{'per s':>7}{latency}")
    for name, n, secs, xs in (("baseline (alone)", 1, base_s, alone), ("class", args.sessions, cls_s, every)):
        print(
            f"{name:<24}{n:>9}{secs:>9.0f}{len(xs):>14}{len(xs) / secs:>7.1f}"
            f"{pct(xs, 0.5):>9.0f}{pct(xs, 0.95):>9.0f}{pct(xs, 1):>9.0f}"
        )
    print(f"(seconds: until the last interaction begun before the end of {args.minutes * 60:g} s had finished)")
    print(f"\n{'page (class)':<30}{'n':>5}{latency}{'p50 alone':>11}{'× alone':>8}")
    for page in (*PAGES, LONG):
        xs, ys = cls.latencies.get(page, []), base.latencies.get(page, [])
        ratio = pct(xs, 0.5) / pct(ys, 0.5) if xs and ys else float("nan")
        print(
            f"{page or 'home':<30}{len(xs):>5}{pct(xs, 0.5):>9.0f}{pct(xs, 0.95):>9.0f}{pct(xs, 1):>9.0f}"
            f"{pct(ys, 0.5):>11.0f}{ratio:>8.1f}"
        )
    print(f"long runs the heavy lane refused at once (its queue full): {cls.refused} of {len(cls.latencies[LONG])}")
    errors = base.errors + cls.errors
    n_errors = sum(errors.values()) + tracebacks
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
    checks, violations = base.checks + cls.checks, base.violations + cls.violations
    print(f"\nerrors: {n_errors} ({kinds}; server tracebacks {tracebacks})  budget 0")
    for line in (base.samples + cls.samples)[:5]:
        print(f"  {line}")
    budget = p95_budget(args.think)
    print(f"p95 of every interaction but long runs: {pct(every, 0.95):.0f} ms  budget ≤ {budget:.0f} ms")
    back = mem["after"] - mem["idle"]
    print(
        f"server RSS: idle {mem['idle']:.0f} MB, peak {mem['peak']:.0f} MB (budget ≤ {RSS_BUDGET_MB} MB), "
        f"{args.after:g} s after the class left {mem['after']:.0f} MB: {back:+.0f} MB over idle (budget ≤ 200 MB)"
    )
    print(f"messages the server sent as references to the client's cache: {base.cached + cls.cached}")
    kinds = ", ".join(f"{k} {v}" for k, v in checks.most_common())
    print(f"cross-talk: {checks.total()} checks ({kinds}), {len(violations)} violations  budget 0")
    for line in list(dict.fromkeys(violations))[:8]:
        print(f"  {line}")
    print(f"p50(class of {args.sessions}) / p50(alone) = {pct(every, 0.5) / pct(alone, 0.5):.1f}")
    server, client, machine = cpu
    n_all = sum(len(xs) for xs in cls.latencies.values())
    print(
        f"CPU seconds during the class ({cls_s:.0f} s × {os.cpu_count()} cores): server {server:.0f} "
        f"({server / max(n_all, 1):.2f} per interaction), this benchmark's clients {client:.0f}, "
        f"other processes on the machine {machine - server - client:.0f}"
    )
    ok = n_errors == 0 and mem["peak"] <= RSS_BUDGET_MB and not violations and checks.total() > 0
    ok = ok and pct(every, 0.95) <= budget and back <= 200
    print("all budgets met" if ok else "BUDGET BROKEN")
    return ok


class Heavy(Student):
    """A session that asks for the heaviest work the pages accept, again and again (a new seed each time)."""

    async def lecture(self, until: float, start: int, full_round: bool = False) -> None:
        self.until, n = until, 0
        try:
            while time.monotonic() < until:
                self.page = "race"
                await self.act(page="race")
                await self.act(set_={"optimizers": self.client.options("optimizers")})
                await self.act(set_={"steps": 1000, "noise": 1.0, "seeds": [20.0], "seed": 1 + self.i * 1000 + n})
                self.page = "random_search"
                await self.act(page="random_search")
                await self.act(set_={"rs.seed": 5000 + self.i * 1000 + n, "rs.budget": ["1000"]})
                await self.act(click="rs.run", long=True)
                n += 1
        except (Stop, KeyError) as e:
            if isinstance(e, KeyError):
                self.tally.error("missing widget", f"heavy session {self.i}: {e}")
        if self.client:
            await self.client.__aexit__()


async def heavy_scenario(port: int, n: int, seconds: float, think: float, timeout: float) -> tuple[Tally, Tally]:
    """N heavy sessions (no pause) beside one light visitor following the lecture; their tallies."""
    heavy, light = Tally(n), Tally(1)
    t0 = time.monotonic()
    await asyncio.gather(
        *(Heavy(100 + i, port, heavy, 0.0, timeout).lecture(t0 + seconds, 0) for i in range(n)),
        Student(0, port, light, think, timeout).lecture(t0 + seconds, 0),
    )
    return heavy, light


async def main(args) -> bool:
    port = args.port or harness.free_port()
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "w") as log:
            server = harness.start_server(ROOT, port, log)
            peak = [0.0]
            sampler = asyncio.create_task(harness.sample_memory(server.pid, peak))
            try:
                base, cls = Tally(), Tally(args.sessions)
                print(f"server on port {port}; one session alone for {args.baseline:g} s (and every page once)")
                base_s = await run_class(port, 1, args.baseline, 0.0, args.timeout, base)
                await asyncio.sleep(5)
                idle = harness.tree_usage(server.pid)[0]
                if args.sessions:
                    print(f"{args.sessions} sessions for {args.minutes * 60:g} s")
                    used0 = harness.tree_usage(server.pid)[1], time.process_time(), harness.machine_busy()
                    cls_s = await run_class(
                        port, args.sessions, args.minutes * 60, args.think, args.timeout, cls, args.shared
                    )
                    used = harness.tree_usage(server.pid)[1], time.process_time(), harness.machine_busy()
                    cpu = [b - a for a, b in zip(used0, used, strict=True)]
                    print(f"the class has left; the server's memory in {args.after:g} s")
                    await asyncio.sleep(args.after)
                    mem = {"idle": idle, "peak": peak[0], "after": harness.tree_usage(server.pid)[0]}
                heavy = None
                if args.heavy:
                    print(f"{args.heavy} heavy sessions beside one light visitor for {args.minutes * 60:g} s")
                    heavy = await heavy_scenario(port, args.heavy, args.minutes * 60, args.think, args.timeout)
            finally:
                sampler.cancel()
                harness.stop_server(server)
        text = log_path.read_text(errors="replace")
        if "Traceback" in text:
            print("server log:\n" + text[-3000:])
        ok = text.count("Traceback") == 0
        if args.sessions:
            ok = report(args, base, cls, base_s, cls_s, mem, text.count("Traceback"), cpu)
        if heavy:
            ok = report_heavy(args, *heavy) and ok
        return ok


def report_heavy(args, heavy: Tally, light: Tally) -> bool:
    xs, errors = short(light), sum((heavy.errors + light.errors).values())
    long = heavy.latencies[LONG]
    print(
        f"\n{args.heavy} heavy sessions: {len(long)} long runs "
        f"(p50 {pct(long, 0.5):.0f} ms, max {pct(long, 1):.0f} ms), "
        f"{heavy.refused} refused at once; their other interactions p95 {pct(short(heavy), 0.95):.0f} ms"
    )
    print(
        f"the light visitor beside them: {len(xs)} interactions, p50 {pct(xs, 0.5):.0f} ms, "
        f"p95 {pct(xs, 0.95):.0f} ms  budget ≤ 1000 ms; errors {errors}  budget 0"
    )
    for page, ys in sorted(light.latencies.items()):
        print(f"  {page or 'home'}: {len(ys)} interactions, p50 {pct(ys, 0.5):.0f} ms, p95 {pct(ys, 0.95):.0f} ms")
    print("  its slowest:")
    for seconds, what in sorted(light.actions, reverse=True)[:6]:
        print(f"    {seconds * 1e3:6.0f} ms  {what}")
    for line in (heavy.samples + light.samples)[:5]:
        print(f"  {line}")
    ok = pct(xs, 0.95) <= 1000 and errors == 0
    print("heavy scenario: budgets met" if ok else "heavy scenario: BUDGET BROKEN")
    return ok


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=30, help="0: no class (with --heavy: that scenario alone)")
    p.add_argument("--minutes", type=float, default=3.0)
    p.add_argument("--think", type=float, default=3.0, help="mean seconds a student waits between clicks")
    p.add_argument("--baseline", type=float, default=20.0, help="seconds of the single-session baseline")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds an interaction may take")
    p.add_argument("--port", type=int, default=0, help="0: a free one")
    p.add_argument("--after", type=float, default=150.0, help="seconds after the class left to measure memory")
    p.add_argument("--heavy", type=int, default=0, help="then N heavy sessions beside one light visitor")
    p.add_argument("--shared", action="store_true", help="the class follows the teacher: the same values and choices")
    p.add_argument("--quick", action="store_true", help="a smoke run: 30 s of class, 10 s of baseline")
    a = p.parse_args()
    if a.quick:
        a.minutes, a.baseline, a.after = 0.5, 10.0, 5.0
    sys.exit(0 if asyncio.run(main(a)) else 1)
