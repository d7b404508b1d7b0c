"""What one rerun of /linear and /digits costs the server (issue #16: a class of 30 on one server), side by side.

For the page's default settings and for two changed ones (batch size 32, optimizer Adam), in one run:

1. Each cached call of the page, cold (its cache emptied first; the calls it makes itself still cached) and
   warm (a hit: Streamlit unpickles a copy), through gdviz/ui/linear/runs.py as the pages call them, and
   each figure or panel builder with what Streamlit does with its result (``to_json`` of a chart, the
   stage's spec, a Styler's rendering). Best of REPEATS, the parts taking turns round by round; CPU time of the
   calling thread, which a busy machine sways far less than wall time (this one is shared).
2. A whole rerun of each page through AppTest (streamlit.testing.v1, the app's frame included): the page
   opened, rerun unchanged (warm), and each changed setting cold (every data cache emptied: a setting
   nobody asked for yet, the class's case in bench_load.py, where each student has steps of their own) and
   warm (asked again, changed to and back). Medians of RERUNS, in CPU time of the threads that ran the script.

Each part is printed in CPU ms and as a share of its page's cold rerun with the same setting. ``--save FILE``
keeps the figures as JSON; ``--before FILE`` prints a saved run beside this one, with after / before.

Run: python benchmarks/bench_linear_page.py [--quick] [--save FILE] [--before benchmarks/bench_linear_page.before.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
logging.disable(logging.WARNING)  # Streamlit's caches outside a server warn once each, at import and per call

import numpy as np  # noqa: E402
import plotly.io as pio  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit.elements.lib.pandas_styler_utils import marshall_styler  # noqa: E402
from streamlit.proto.ArrowData_pb2 import ArrowData as ArrowProto  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gdviz.linear.data import add_bias  # noqa: E402
from gdviz.linear.losses import loss_parts  # noqa: E402
from gdviz.linear.metrics import confusion_matrix, first_of_each, mistakes  # noqa: E402
from gdviz.linear.snippet import run_snippet  # noqa: E402
from gdviz.linear.train import predict, smoothed  # noqa: E402
from gdviz.optimizers import OPTIMIZERS  # noqa: E402
from gdviz.ui.linear import runs, views  # noqa: E402
from gdviz.ui.linear.controls import BATCHES  # noqa: E402
from gdviz.viz import linear_charts as charts  # noqa: E402
from gdviz.viz.classifier import classifier_panels  # noqa: E402
from gdviz.viz.stage import stage_spec  # noqa: E402

REPEATS, RERUNS = 7, 5
LINEAR, DIGITS = "pages/linear.py", "pages/digits.py"
DATA = ("blobs", 300, 0.25, 0, ())  # dataset_2d's arguments on /linear by default
# (label, the widget changes from the page's defaults); the training key follows from them
SETTINGS = {"default": {}, "batch 32": {"batch": 32}, "adam": {"optimizer": "adam"}}
PAGE_DEFAULTS = {
    LINEAR: dict(loss="softmax", optimizer="sgd", steps=300, batch=0, reg=1e-3, seed=0),
    DIGITS: dict(loss="softmax", optimizer="sgd", steps=300, batch=64, reg=1e-2, seed=0),
}


def train_key(page: str, change: dict) -> tuple:
    """The cached training calls' arguments after the data, as TrainSettings.key() makes them."""
    s = PAGE_DEFAULTS[page] | change
    hyper = tuple(OPTIMIZERS[s["optimizer"]].linear_start.items())  # the page's starting learning rate
    return (s["loss"], s["optimizer"], hyper, s["steps"], s["batch"] or None, s["reg"], s["seed"])


def best_of_each(fns: dict, repeats: int) -> dict[str, float]:
    """Least CPU ms of each function (this thread's: what it costs, however busy the machine); one call of each
    per round, rounds repeated."""
    best = dict.fromkeys(fns, np.inf)
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.thread_time()
            fn()
            best[name] = min(best[name], (time.thread_time() - t0) * 1e3)
    return best


def cold(cached, *args):
    """A cached call on an emptied cache (only its own: what it calls stays cached)."""

    def call():
        cached.clear()
        return cached(*args)

    return call


def styled(styler) -> None:
    """What st.dataframe does with a Styler: compute and translate its styles, then its display values."""
    marshall_styler(ArrowProto(), styler, "bench")


def linear_parts(change: dict) -> dict:
    """name -> a zero-argument call, for one rerun of /linear with ``change`` from its defaults."""
    key = train_key(LINEAR, change)
    d, run = runs.dataset_2d(*DATA), runs.train_2d(DATA, *key)
    keys = [(*key[:4], b or None, *key[5:]) for b in BATCHES]
    args, kwargs = runs.classifier_inputs(d, run)
    panels = classifier_panels(*args, **kwargs)
    at = views.snapshot_at(run, 0)
    curves = {
        b: dict(
            losses=r.losses,
            trend=smoothed(r.losses, runs.trend_window(r)),
            iterations_per_epoch=r.iterations / r.epochs,
        )
        for b, r in ((b, runs.train_2d(DATA, *k)) for b, k in zip(BATCHES, keys, strict=True))
    }

    def six_runs():
        runs.train_2d.clear()
        return [runs.train_2d(DATA, *k) for k in keys]

    return {
        "dataset_2d cold": cold(runs.dataset_2d, *DATA),
        "dataset_2d warm": lambda: runs.dataset_2d(*DATA),
        "train_2d cold (its run)": cold(runs.train_2d, DATA, *key),
        "train_2d warm": lambda: runs.train_2d(DATA, *key),
        "train_2d cold x6 (the batch chart's runs)": six_runs,
        "train_2d warm x6": lambda: [runs.train_2d(DATA, *k) for k in keys],
        "classifier_stage cold (runs cached)": cold(runs.classifier_stage, DATA, *key, False),
        "classifier_stage warm": lambda: runs.classifier_stage(DATA, *key, False),
        "  classifier_panels": lambda: classifier_panels(*args, **kwargs),
        "  stage_spec (figures to JSON, hash)": lambda: stage_spec(
            panels, int(run.snapshot_steps[-1]), trail_toggle=False
        ),
        "batch_figure + to_json": lambda: pio.to_json(charts.batch_figure(curves), validate=False),
        "example_table + rendering": lambda: styled(views.example_table(d, run, at)),
        "linear_torch_snippet": lambda: run_snippet(add_bias(d.X), d.y, run, d.name),
    }


def predictions(run, test) -> tuple:
    """What /digits computes from the run besides its figures: test predictions, the confusion matrix, mistakes."""
    predicted = predict(run.W, add_bias(test.X))
    return confusion_matrix(test.y, predicted, test.classes), mistakes(test.y, predicted)


def digits_parts(change: dict) -> dict:
    """name -> a zero-argument call, for one rerun of /digits with ``change`` from its defaults."""
    key = train_key(DIGITS, change)
    train, test = runs.digits_split()
    run = runs.train_digits(*key)
    predicted = predict(run.W, add_bias(test.X))
    M, wrong = predictions(run, test)
    picked = first_of_each(train.y, 10, train.classes)
    shown = wrong[:40]
    names = test.class_names

    def json_of(make):
        return lambda: pio.to_json(make(), validate=False)

    return {
        "train_digits cold": cold(runs.train_digits, *key),
        "train_digits warm": lambda: runs.train_digits(*key),
        "predict, confusion, mistakes": lambda: predictions(run, test),
        "plateau note (loss_parts)": lambda: loss_parts(run.W, add_bias(train.X), train.y, run.loss, run.reg),
        "loss_figure + to_json": json_of(
            lambda: charts.loss_figure(run.losses, smoothed(run.losses, 20), run.eval_steps, run.eval_loss)
        ),
        "samples digits_figure + to_json": json_of(
            lambda: charts.digits_figure(
                train.X[picked.ravel()].reshape(-1, 8, 8), "samples", cols=picked.shape[1], row_names=list(names)
            )
        ),
        "templates_figure + to_json": json_of(lambda: charts.templates_figure(run.W, train.class_names)),
        "confusion_figure + to_json": json_of(lambda: charts.confusion_figure(M, names)),
        "wrong digits_figure + to_json": json_of(
            lambda: charts.digits_figure(
                test.X[shown].reshape(-1, 8, 8),
                "wrong",
                cols=8,
                captions=[f"{test.y[i]} → {predicted[i]}" for i in shown],
            )
        ),
    }


WIDGETS = {"batch": "selectbox", "optimizer": "selectbox"}


def set_widgets(at: AppTest, prefix: str, change: dict) -> AppTest:
    for name, value in change.items():
        getattr(at, WIDGETS[name])(key=f"{prefix}.{name}").set_value(value)
    return at


def server_ms(fn) -> float:
    """CPU ms that ``fn()`` costs every thread but this one: AppTest runs the page's script in a thread of its own
    while this one waits (and reads what the script drew), so that is what a server spends on the rerun."""
    process, thread = time.process_time(), time.thread_time()
    fn()
    return ((time.process_time() - process) - (time.thread_time() - thread)) * 1e3


def page_reruns(page: str, prefix: str, reruns: int) -> dict[str, float]:
    """Median server CPU ms of whole reruns of ``page``: opened, unchanged, and each setting cold and warm."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    st.cache_data.clear()
    out = {"open the page (cold)": server_ms(lambda: at.switch_page(page).run())}

    def median(fn) -> float:
        times = [server_ms(fn) for _ in range(reruns)]
        assert not at.exception, at.exception
        return statistics.median(times)

    def cold(there: dict, back: dict) -> float:
        set_widgets(at, prefix, back).run()  # away from the setting (not timed), then to it on emptied caches
        st.cache_data.clear()
        return server_ms(lambda: set_widgets(at, prefix, there).run())

    out["rerun unchanged (warm)"] = median(lambda: at.run())
    defaults = {name: PAGE_DEFAULTS[page][name] for name in WIDGETS}
    for label, change in SETTINGS.items():
        back = {name: defaults[name] for name in change} if change else {"batch": 32}
        there = change or defaults
        out[f"{label}: cold"] = statistics.median(cold(there, back) for _ in range(reruns))
        assert not at.exception, at.exception
        # both settings asked before: away and back again are two changes on warm caches
        out[f"{label}: warm"] = (
            median(lambda b=back, t=there: (set_widgets(at, prefix, b).run(), set_widgets(at, prefix, t).run())) / 2
        )
    set_widgets(at, prefix, defaults).run()
    return out


def table(title: str, rows: dict[str, dict[str, float]], pages: dict[str, float], before: dict) -> None:
    """Rows of ms per setting, each with its share of the page's cold rerun, and after / before when known."""
    print(f"\n{title}")
    head = "".join(f"{s:>12} {'share':>6}" + (f" {'before':>9} {'×':>5}" if before else "") for s in SETTINGS)
    print(f"{'':<44}{head}")
    for name, by in rows.items():
        line = f"{name:<44}"
        for s in SETTINGS:
            ms, page = by.get(s), pages.get(s)
            line += f"{ms:>12.1f} {ms / page:>6.1%}" if ms is not None and page else f"{'—':>12} {'':>6}"
            if before:
                was = before.get(title, {}).get(name, {}).get(s)
                line += f" {was:>9.1f} {ms / was:>5.2f}" if was and ms is not None else f" {'—':>9} {'':>5}"
        print(line)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true", help="fewer repeats")
    p.add_argument("--save", type=Path, help="keep this run's figures as JSON")
    p.add_argument("--before", type=Path, help="a saved run to print beside this one")
    a = p.parse_args()
    repeats, reruns = (3, 3) if a.quick else (REPEATS, RERUNS)
    before = json.loads(a.before.read_text()) if a.before else {}
    warnings.filterwarnings("ignore")

    results: dict[str, dict[str, dict[str, float]]] = {}
    for title, parts, page, prefix in (
        ("/linear: parts", linear_parts, LINEAR, "lc"),
        ("/digits: parts", digits_parts, DIGITS, "digits"),
    ):
        reruns_title = title.replace("parts", "AppTest reruns")
        whole = page_reruns(page, prefix, reruns)
        results[reruns_title] = {name: {"default": whole[name]} for name in whole if ":" not in name}
        for s in SETTINGS:
            for kind in ("cold", "warm"):
                results[reruns_title].setdefault(f"setting {kind}", {})[s] = whole[f"{s}: {kind}"]
        by_setting = {s: best_of_each(parts(change), repeats) for s, change in SETTINGS.items()}
        results[title] = {name: {s: by_setting[s][name] for s in SETTINGS} for name in by_setting["default"]}
        pages = results[reruns_title]["setting cold"]
        table(reruns_title, results[reruns_title], pages, before)
        table(title, results[title], pages, before)
    print(f"\nparts: best of {repeats}; reruns: median of {reruns}; share = of the page's cold rerun, same setting")
    if a.save:
        a.save.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
