"""A headless Streamlit client: one browser tab's side of the websocket protocol, no browser.

``StClient(url)`` connects to ``/_stcore/stream`` (with ``websockets``, a dependency of streamlit 1.67,
which serves through starlette: tornado is no longer installed) and speaks the installed package's protobufs the
way the frontend does: every rerun sends a ``rerun_script`` BackMsg carrying the FULL widget state
(each rendered widget's id and current value, defaults included), the query string the server last
set, the page, and the hashes of the cached messages it holds. A widget drawn inside an ``st.fragment``
reruns only its fragment (the BackMsg names the fragment), as in the browser; the rest of the page stays.
``await c.rerun(...)`` returns a
``Run`` once the script finishes (reruns chained by callbacks or ``st.rerun`` included): the
elements of the last script run, every exception element, and the seconds it took. Below it: the
server side of a benchmark (start, health, stop, the resident memory of its process tree).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider
from websockets.asyncio.client import connect

DONE = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


def user_key(widget_id: str) -> str:
    """The user key a widget id ends with (``$$ID-<hash>-steps`` -> ``steps``); "" when unkeyed."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 else ""


def _initial(kind: str, w) -> tuple[str, object] | None:
    """(WidgetState field, value) a freshly mounted widget reports, as the frontend's widgets do."""
    if kind == "number_input":
        field_ = "int_value" if w.data_type == NumberInput.INT else "double_value"
        value = w.value if w.set_value else (w.default if w.HasField("default") else None)
        return None if value is None else (field_, int(value) if field_ == "int_value" else float(value))
    if kind in ("selectbox", "radio"):
        if w.set_value:
            return ("string_value", w.raw_value) if w.HasField("raw_value") else None
        return ("string_value", w.options[w.default]) if w.HasField("default") else None
    if kind == "multiselect":
        return "string_array_value", list(w.raw_values) if w.set_value else [w.options[i] for i in w.default]
    if kind == "button_group":
        return "string_array_value", list(w.raw_values) if w.set_value else [w.options[i].content for i in w.default]
    if kind == "slider" and w.type == Slider.SELECT_SLIDER:
        return "string_array_value", list(w.raw_value) if w.set_value else [w.options[int(i)] for i in w.default]
    if kind == "slider":
        return "double_array_value", list(w.value if w.set_value else w.default)
    if kind in ("text_input", "text_area"):
        value = w.value if w.set_value else (w.default if w.HasField("default") else None)
        return None if value is None else ("string_value", value)
    if kind == "checkbox":
        return "bool_value", bool(w.value if w.set_value else w.default)
    return None  # buttons report only clicks (triggers); charts only selections


@dataclass
class Run:
    """What one interaction brought back: the last script run's elements, in delta-path order."""

    seconds: float
    elements: list = field(default_factory=list)  # (kind, proto) of the final script run
    exceptions: list[str] = field(default_factory=list)  # "Type: message" of exception elements, all runs
    query_strings: list[str] = field(default_factory=list)  # page_info_changed, in order
    cached: int = 0  # messages the server sent as a reference to this client's cached copy

    def texts(self) -> list[str]:
        """Every string a reader sees: titles, markdown, captions, alerts, metrics, code, widget labels."""
        out = []
        for _, el in self.elements:
            for name in ("body", "label", "title", "text", "help", "code_text"):
                if name in el.DESCRIPTOR.fields_by_name and isinstance(getattr(el, name), str):
                    out.append(getattr(el, name))
        return [t for t in out if t]


class StClient:
    """One session. ``widgets`` maps widget id -> (field, value): the state the next rerun sends."""

    def __init__(self, url: str, page_url: str = "", timeout: float = 120.0):
        self.url, self.page_url, self.timeout = url, page_url, timeout
        self.ws = None
        self.widgets: dict[str, tuple[str, object]] = {}
        self.rendered: dict[str, tuple[str, object]] = {}  # widget id -> (kind, proto) as last drawn
        self.fragment: dict[str, str] = {}  # widget id -> the id of the st.fragment that drew it ("" for none)
        self.elements: dict[tuple, tuple] = {}  # delta path -> (kind, proto) on screen after the last run
        self.pages: dict[str, str] = {}  # url path ("" = default page) -> page_script_hash
        self.page_hash, self.page_path = "", ""
        self.query_string = ""
        self._cache: dict[str, tuple[bytes, int]] = {}  # hash -> (message, run it was last used in)
        self._max_age, self._runs = 2, 0

    async def __aenter__(self) -> StClient:
        self.ws = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    def key_id(self, key: str) -> str:
        """The id of the rendered widget whose user key is ``key`` (KeyError if none is on screen)."""
        ids = [i for i in self.rendered if user_key(i) == key]
        if len(ids) != 1:
            raise KeyError(f"widget {key!r}: {len(ids)} on screen")
        return ids[0]

    def value(self, key: str):
        return self.widgets.get(self.key_id(key), (None, None))[1]

    def options(self, key: str) -> list[str]:
        """The formatted options of a choice widget on screen (what its wire value is made of)."""
        el = self.rendered[self.key_id(key)][1]
        return [o if isinstance(o, str) else o.content for o in el.options]

    async def rerun(
        self, *, page: str | None = None, set_: dict | None = None, click: str | None = None, page_name: str = ""
    ) -> Run:
        """Rerun as after one user action: open ``page`` (a url path), change widgets by user key
        (``set_`` maps key -> wire value, e.g. a formatted option or a list of them), or ``click`` a button."""
        state = BackMsg()
        cs = state.rerun_script
        if page is not None:  # a page change: the old page's query string goes, as in the browser
            self.page_hash, self.query_string, self.page_path = self.pages.get(page, ""), "", page
            page_name = page_name or (page if not self.page_hash else "")  # a deep link before the page list is known
        cs.page_script_hash, cs.page_name, cs.query_string = self.page_hash, page_name, self.query_string
        values = dict(self.widgets)
        for key, v in (set_ or {}).items():
            wid = self.key_id(key)
            values[wid] = (values.get(wid, (_wire_field(v), None))[0], v)
        for wid, (f, v) in values.items():
            _put(cs.widget_states.widgets.add(), wid, f, v)
        if click is not None:
            cs.widget_states.widgets.add(id=self.key_id(click), trigger_value=True)
        acted = {self.key_id(k) for k in [*(set_ or {}), *([click] if click is not None else [])]}
        fragments = {self.fragment.get(w, "") for w in acted}
        if page is None and len(fragments) == 1 and "" not in fragments:  # the browser reruns only that fragment
            cs.fragment_id = fragments.pop()
        cs.cached_message_hashes.extend(self._cache)
        ci = cs.context_info
        ci.timezone, ci.timezone_offset, ci.locale, ci.is_embedded, ci.color_scheme = "UTC", 0, "en-US", False, "light"
        ci.url = f"{self.page_url}/{self.page_path}" + (f"?{self.query_string}" if self.query_string else "")
        self.widgets = values
        t0 = time.perf_counter()
        await self.ws.send(state.SerializeToString())
        run = Run(0.0)
        await asyncio.wait_for(self._receive(run, bool(cs.fragment_id)), self.timeout)
        run.seconds = time.perf_counter() - t0
        return run

    async def _receive(self, run: Run, fragment_run: bool) -> None:
        elements: dict[tuple, tuple] = dict(self.elements) if fragment_run else {}  # a fragment redraws its part
        rendered: set[str] = set(self.rendered) if fragment_run else set()
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            if msg.WhichOneof("type") == "ref_hash":  # a message we declared cached: use our copy
                ref, ref_msg = msg.ref_hash, msg
                if ref not in self._cache:
                    raise RuntimeError(f"server referred to uncached message {ref}")
                msg = ForwardMsg.FromString(self._cache[ref][0])
                msg.metadata.CopyFrom(ref_msg.metadata)  # the delta path is the reference's
                self._cache[ref] = (self._cache[ref][0], self._runs)
                run.cached += 1
            elif msg.metadata.cacheable and msg.hash:
                self._cache[msg.hash] = (msg.SerializeToString(), self._runs)
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # the start of a script run
                if not fragment_run:  # a fragment's run keeps the rest of the page
                    elements, rendered = {}, set()
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
                run.query_strings.append(self.query_string)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el_kind = msg.delta.new_element.WhichOneof("type")
                el = getattr(msg.delta.new_element, el_kind)
                elements[tuple(msg.metadata.delta_path)] = (el_kind, el)
                if el_kind == "exception":
                    run.exceptions.append(f"{el.type}: {el.message}")
                if "id" in el.DESCRIPTOR.fields_by_name and el.id:
                    rendered.add(el.id)
                    self.fragment[el.id] = msg.delta.fragment_id
                    self._mount(el_kind, el)
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                run.exceptions.append(f"compile: {msg.session_event.script_compilation_exception.message}")
            elif kind == "page_not_found":
                run.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "script_finished" and msg.script_finished in DONE:
                self._finish(rendered)
                self.elements = elements
                run.elements = [elements[p] for p in sorted(elements)]
                return

    def _mount(self, kind: str, el) -> None:
        """A widget arrives: a new one reports its default, a known one keeps the user's value,
        and a value the script set (set_value) wins, as in the frontend's WidgetStateManager."""
        self.rendered[el.id] = (kind, el)
        initial = _initial(kind, el)
        if initial is not None and (el.id not in self.widgets or getattr(el, "set_value", False)):
            self.widgets[el.id] = initial

    def _finish(self, rendered: set[str]) -> None:
        """The run is over: forget widgets it did not draw, and cached messages too old to be referred to."""
        self.widgets = {i: v for i, v in self.widgets.items() if i in rendered}
        self.rendered = {i: r for i, r in self.rendered.items() if i in rendered}
        self._runs += 1
        self._cache = {h: (m, seen) for h, (m, seen) in self._cache.items() if self._runs - seen <= self._max_age}


def _wire_field(v) -> str:
    if isinstance(v, dict):  # a custom component's state (the stage's resting step)
        return "json_value"
    if isinstance(v, bool):
        return "bool_value"
    if isinstance(v, int):
        return "int_value"
    if isinstance(v, float):
        return "double_value"
    if isinstance(v, str):
        return "string_value"
    return "string_array_value" if all(isinstance(x, str) for x in v) else "double_array_value"


def _put(ws, wid: str, f: str, v) -> None:
    ws.id = wid
    if f in ("string_array_value", "double_array_value", "int_array_value"):
        getattr(ws, f).data.extend(v)
    elif f == "json_value":
        ws.json_value = json.dumps(v)
    else:
        setattr(ws, f, v)


def free_port() -> int:
    """A local port nobody listens on (the OS's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, port: int, log) -> subprocess.Popen:
    """``streamlit run app.py`` in ``root``, headless, output to ``log``; returns once /_stcore/health says ok."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:  # its health check would answer for this one
            raise SystemExit(f"port {port} is taken by another server")
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"]
    cmd += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    server = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    output = Path(log.name).read_text(errors="replace")[-2000:]
    raise SystemExit(f"the server did not answer /_stcore/health on port {port} within a minute:\n{output}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it is still running after 10 s."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def tree_usage(pid: int) -> tuple[float, float]:
    """Resident memory (MB) and CPU time so far (s) of ``pid`` and all its descendants, from /proc."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
    tree, rss, cpu = {pid}, 0.0, 0.0
    while grown := {p for p, pp in parent.items() if pp in tree and p not in tree}:
        tree |= grown
    for p in tree:
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
            status = Path(f"/proc/{p}/status").read_text().splitlines()
            rss += sum(int(ln.split()[1]) for ln in status if ln.startswith("VmRSS:")) / 1024
        except (OSError, IndexError):
            continue
    return rss, cpu


def machine_busy() -> float:
    """CPU seconds all processes on the machine used since boot, all cores (/proc/stat less idle and iowait)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def sample_memory(pid: int, peak: list[float]) -> None:
    """Keep ``peak[0]`` at the largest resident memory of the tree seen, sampling every second until cancelled."""
    while True:
        peak[0] = max(peak[0], (await asyncio.to_thread(tree_usage, pid))[0])
        await asyncio.sleep(1.0)
