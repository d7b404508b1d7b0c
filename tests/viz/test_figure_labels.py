"""Every public figure builder in gdviz.viz, fed small real runs, makes a figure a back row can read:
a title, a title on every visible axis (2D and 3D), no font under 12 px, and legend keys that differ
in more than color (each optimizer and class in its palette marker and dash). A builder nobody added
here fails ``test_every_builder_is_audited``."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re

import numpy as np
import plotly.graph_objects as go
import pytest

import gdviz
import gdviz.viz
from gdviz.linear.data import add_bias, blobs, load_digits
from gdviz.linear.gradcheck import h_sweep
from gdviz.linear.losses import softmax_loss_vectorized
from gdviz.linear.metrics import confusion_matrix
from gdviz.linear.search import TITLES, compare_search
from gdviz.linear.train import predict, smoothed
from gdviz.network.data import BOX as NETWORK_BOX
from gdviz.network.data import network_data
from gdviz.network.pictures import region_classes, unit_outputs
from gdviz.surface.formula import custom_surface
from gdviz.surface.inspector import arrow_track, arrows
from gdviz.surface.presets import PRESETS, STARTING_HYPER
from gdviz.surface.tuning import tune_race
from gdviz.viz import basins, charts, classifier, inspector, linear_charts, network, palette, race, schedule, tuning
from gdviz.viz.layout import CHAR_EM, LINE, NOTE_PX, PAD, STAGE_HALF, STAGE_PLOT, log_ticks, title_height
from gdviz.viz.palette import class_style, style
from gdviz.viz.projection import BASE as PROJECTED_MIN
from gdviz.viz.projection import project
from gdviz.viz.stage import stage_spec

RACERS = ("sgd", "momentum", "adam")
RACER_TITLES = {gdviz.OPTIMIZERS[n].title for n in RACERS}
MIN_FONT = 12


@functools.cache
def _race(surface: str = "himmelblau", steps: int = 40):
    s = gdviz.SURFACES[surface] if surface in gdviz.SURFACES else gdviz.custom_surface(surface)
    return s, {n: gdviz.run(s, n, s.start, steps, **STARTING_HYPER[n]) for n in RACERS}


@functools.cache
def _blobs():
    d = blobs(n=60, seed=0)
    run = gdviz.train_linear(add_bias(d.X), d.y, loss="softmax", optimizer="sgd", steps=30, batch_size=10, lr=0.5)
    return d, run


@functools.cache
def _digits():
    d = load_digits()
    X, y = add_bias(d.X[:200]), d.y[:200]
    return d, X, y, gdviz.train_linear(X, y, loss="svm", optimizer="sgd", steps=20, lr=1e-2)


def _race_case(surface="himmelblau", **kw):
    s, runs = _race(surface)
    fans = {"sgd": gdviz.run(s, "sgd", np.array([s.start, s.start]) + 0.1, 40, lr=0.01)} if kw.pop("fans", 0) else None
    return race.race_figure(s, runs, fans=fans, **kw)


def _classifier_panel(i: int, **kw):
    return go.Figure(_classifier(classifier.classifier_panels, **kw)[i].figure.to_dict())


def _race_panel(i: int, surface="himmelblau", **kw):
    """One figure of the race's stage, validated by plotly (the builder skips validation for speed)."""
    s, runs = _race(surface)
    fans = {"sgd": gdviz.run(s, "sgd", np.array([s.start, s.start]) + 0.1, 40, lr=0.01)} if kw.pop("fans", 0) else None
    if inspected := kw.pop("arrows", ""):
        kw |= dict(arrows=arrow_track(runs[inspected]), inspected=inspected)
    return go.Figure(race.race_panels(s, runs, fans=fans, **kw)[i].figure.to_dict())


@functools.cache
def _network_case():
    """A 2-4-3-2 network on the moons, 30 Adam steps, its pictures on small grids."""
    data = network_data("moons", 0.1, 0.2, seed=0)
    run = gdviz.train_mlp(data.train.X, data.train.y, hidden=(4, 3), optimizer="adam", steps=30, lr=0.05,
                          snapshots=11, X_test=data.test.X, y_test=data.test.y)  # fmt: skip
    features = ("x", "y")
    pictures = (region_classes(run.snapshot_params, "tanh", features, NETWORK_BOX, 16),
                unit_outputs(run.snapshot_params, "tanh", features, NETWORK_BOX, 6))  # fmt: skip
    return (run, data, features, *pictures), dict(box=NETWORK_BOX, at=12)


def _network_panel(i: int):
    args, kw = _network_case()
    return go.Figure(network.network_panels(*args, **kw)[i].figure.to_dict())


def _schedules():
    """Every racer with a schedule of its own: a warm-up into a cosine, a step decay, one cycle."""
    s = gdviz.SURFACES["himmelblau"]
    warmup = ("sequential", {"schedulers": (("linear", {"total_iters": 10}), ("cosine", {})), "milestones": (10,)})
    chosen = {"sgd": warmup, "momentum": ("step", {"step_size": 15}), "adam": "onecycle"}
    runs = {n: gdviz.run(s, n, s.start, 40, schedule=chosen[n], **STARTING_HYPER[n]) for n in RACERS}
    return schedule.lr_figure(runs)


def _inspector():
    s, runs = _race()
    return inspector.inspector_figure(s, runs["momentum"], 3, arrows(runs["momentum"], 3))


def _basins(by):
    s = gdviz.SURFACES["himmelblau"]
    return basins.basin_figure(s, gdviz.basin_map(s, "sgd", 12, 40, lr=0.01), by=by)


def _sweep():
    s = gdviz.SURFACES["quadratic"]
    lrs = gdviz.log_lrs(1e-3, 1.0, 12)
    sweeps = {n: gdviz.lr_sweep(s, n, s.start, lrs, 30) for n in RACERS}
    return basins.sweep_figure(sweeps, float(s.f(s.global_minima).min()), gdviz.stability_limit(s))


def _tuning(surface: str = "himmelblau"):
    """What tuning tried for the racers: on Himmelblau some candidates diverge; on Goldstein–Price every one of
    SGD's and Momentum's does; a typed saddle lists no minimum (final f, on a linear axis)."""
    s = gdviz.SURFACES[surface] if surface in gdviz.SURFACES else gdviz.custom_surface(surface)
    return tuning.tuning_figure(tune_race(s, RACERS, s.start, 40, grid=12))


def _classifier(builder=classifier.classifier_figure, **kw):
    d, run = _blobs()
    return builder(
        d.X,
        d.y,
        d.class_names,
        run.snapshot_W,
        run.snapshot_steps,
        run.snapshot_loss,
        run.losses,
        box=((-2.0, 2.0), (-2.0, 2.0)),
        trend=smoothed(run.losses, 5),
        epoch_steps=run.eval_steps,
        epoch_losses=run.eval_loss,
        **kw,
    )


def _batches(per):
    d, run = _blobs()
    curve = dict(losses=run.losses, trend=smoothed(run.losses, 5), iterations_per_epoch=6.0)
    return linear_charts.batch_figure({"batch 10": curve, "batch 60 (full)": curve}, per=per)


@functools.cache  # the sweep's numbers, computed once; each test still builds its own figure from them
def _h_sweep_errors():
    _, X, y, run = _digits()
    W = run.W.astype(np.float64)
    _, dW = softmax_loss_vectorized(W, X, y, 0.0)
    hs = np.logspace(-1, -9, 5)
    errors = {
        m: h_sweep(lambda w: softmax_loss_vectorized(w, X, y, 0.0)[0], W, dW, hs, m).median_error
        for m in ("forward", "centered")
    }
    return hs, errors


def _h_sweep():
    hs, errors = _h_sweep_errors()
    return linear_charts.h_sweep_figure(hs, errors, planted="a planted bug")


def _search():
    _, X, y, _ = _digits()
    results = compare_search(X, y, 50)
    curves = {TITLES[n]: (r.evaluations, r.best_loss) for n, r in results.items()}
    return linear_charts.search_figure(curves, chance=2.3)


def _digit_charts(which):
    d, X, y, run = _digits()
    if which == "templates":
        return linear_charts.templates_figure(run.W, d.class_names)
    if which in ("grid", "table"):
        images = d.X[:6].reshape(6, 8, 8)
        if which == "grid":
            return linear_charts.digits_figure(images, "Six digits", cols=3, captions=[str(k) for k in y[:6]])
        return linear_charts.digits_figure(images, "Two rows", cols=3, row_names=["first", "second"])
    if which == "confusion":
        return linear_charts.confusion_figure(confusion_matrix(y, predict(run.W, X), d.classes), d.class_names)
    return linear_charts.loss_figure(run.losses, smoothed(run.losses, 5), run.eval_steps, run.eval_loss)


# case -> (builder, a call with small real inputs); several cases may cover one builder
CASES = {
    "race": (race.race_figure, lambda: _race_case()),
    "race_fans_linear_at": (race.race_figure, lambda: _race_case(fans=True, log_loss=False, at=5, pickable=False)),
    "race_custom_no_minima": (race.race_figure, lambda: _race_case("x**2 - y**2")),
    "race_stage_map": (race.race_panels, lambda: _race_panel(0)),
    "race_stage_loss": (race.race_panels, lambda: _race_panel(1)),
    "race_stage_fans_linear": (race.race_panels, lambda: _race_panel(0, fans=True, log_loss=False, at=5)),
    "race_stage_no_minima": (race.race_panels, lambda: _race_panel(1, "x**2 - y**2")),
    "race_stage_arrows_map": (race.race_panels, lambda: _race_panel(0, arrows="momentum", at=3)),
    "race_stage_arrows_loss": (race.race_panels, lambda: _race_panel(1, arrows="momentum")),
    "distance": (charts.distance_figure, lambda: charts.distance_figure(*_race())),
    "lr_schedule": (schedule.lr_figure, _schedules),
    "surface3d": (charts.surface3d_figure, lambda: charts.surface3d_figure(*_race(), n=30)),
    "inspector": (inspector.inspector_figure, _inspector),
    "basins_by_minimum": (basins.basin_figure, lambda: _basins("minimum")),
    "basins_by_loss": (basins.basin_figure, lambda: _basins("loss")),
    "sweep": (basins.sweep_figure, _sweep),
    "tuning": (tuning.tuning_figure, _tuning),
    "tuning_all_diverged": (tuning.tuning_figure, lambda: _tuning("goldstein_price")),
    "tuning_no_minima": (tuning.tuning_figure, lambda: _tuning("x**2 - y**2")),
    "classifier": (classifier.classifier_figure, lambda: _classifier()),
    "classifier_titled": (classifier.classifier_figure, lambda: _classifier(title="Blobs, softmax", at=3)),
    "classifier_stage_map": (classifier.classifier_panels, lambda: _classifier_panel(0)),
    "classifier_stage_loss": (classifier.classifier_panels, lambda: _classifier_panel(1, at=3)),
    "network_stage_network": (network.network_panels, lambda: _network_panel(0)),
    "network_stage_map": (network.network_panels, lambda: _network_panel(1)),
    "network_stage_loss": (network.network_panels, lambda: _network_panel(2)),
    "network_figure": (
        network.network_figure,
        lambda: network.network_figure(*_network_case()[0], **_network_case()[1]),
    ),
    "batch_per_iteration": (linear_charts.batch_figure, lambda: _batches("iteration")),
    "batch_per_epoch": (linear_charts.batch_figure, lambda: _batches("epoch")),
    "templates": (linear_charts.templates_figure, lambda: _digit_charts("templates")),
    "confusion": (linear_charts.confusion_figure, lambda: _digit_charts("confusion")),
    "loss": (linear_charts.loss_figure, lambda: _digit_charts("loss")),
    "h_sweep": (linear_charts.h_sweep_figure, _h_sweep),
    "search": (linear_charts.search_figure, _search),
    "digits_grid": (linear_charts.digits_figure, lambda: _digit_charts("grid")),
    "digits_table": (linear_charts.digits_figure, lambda: _digit_charts("table")),
}
FIGURES = {name: make for name, (_, make) in CASES.items()}
OPTIMIZER_CASES = {
    *("race", "race_fans_linear_at", "race_custom_no_minima", "race_stage_loss", "race_stage_arrows_loss"),
    *("distance", "surface3d", "sweep", "lr_schedule", "tuning"),
}
CLASS_CASES = {"classifier", "classifier_titled", "classifier_stage_map"}


def _public_builders() -> set:
    """Every public function of every gdviz.viz module that returns a go.Figure without taking one."""
    found = set()
    for info in pkgutil.iter_modules(gdviz.viz.__path__):
        module = importlib.import_module(f"gdviz.viz.{info.name}")
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            sig = inspect.signature(fn)
            takes_figure = any(p.annotation in ("go.Figure", go.Figure) for p in sig.parameters.values())
            returns = sig.return_annotation
            if returns in ("go.Figure", go.Figure, "list[stage.Panel]") and not takes_figure:  # a stage's panels too
                found.add(fn)
    return found


def test_every_builder_is_audited():
    assert _public_builders() == {builder for builder, _ in CASES.values()}
    exported = {f for f in (getattr(gdviz.viz, n) for n in gdviz.viz.__all__) if inspect.isfunction(f)}
    assert exported & _public_builders() <= {builder for builder, _ in CASES.values()}


@functools.cache
def built(case: str) -> go.Figure:
    """Each case's figure, built once for the audits here and in test_projection.py: none changes it (project leaves
    its input alone, which test_projection checks)."""
    return FIGURES[case]()


@functools.cache
def _figure(case: str) -> dict:
    fig = built(case)
    assert isinstance(fig, go.Figure)
    return fig.to_dict()


def title_text(title) -> str:
    return (title or {}).get("text", "") if isinstance(title, dict) else str(title or "")


CARTESIAN = {"scatter", "scattergl", "heatmap", "contour", "bar", "histogram"}


def _hidden(axis: dict) -> bool:
    return axis.get("visible") is False or axis.get("showticklabels") is False


@pytest.mark.parametrize("case", CASES)
def test_title_and_axis_titles(case):
    fig = _figure(case)
    layout = fig["layout"]
    assert title_text(layout.get("title")).strip(), f"{case}: no title"
    hidden = 0
    for trace in fig["data"]:
        if trace.get("type", "scatter") not in CARTESIAN:
            continue
        for letter in "xy":
            ref = trace.get(f"{letter}axis", letter)
            axis = layout.get(f"{letter}axis{ref[1:]}", {})
            if _hidden(axis):
                hidden += 1
                continue
            assert title_text(axis.get("title")).strip(), f"{case}: {letter}axis{ref[1:]} has no title"
    if hidden:  # a picture without axes: the subplot titles say what each one shows
        pictures = [t for t in fig["data"] if t.get("type") == "heatmap"]
        captions = [a for a in layout.get("annotations", ()) if a.get("text", "").strip()]
        assert len(captions) >= len(pictures), f"{case}: pictures without axes need a subplot title each"
    for key in [k for k in layout if re.fullmatch(r"scene\d*", k)]:
        for letter in "xyz":
            assert title_text(layout[key].get(f"{letter}axis", {}).get("title")).strip(), (
                f"{case}: {key} {letter} title"
            )
    if any(t.get("type") in ("scatter3d", "surface") for t in fig["data"]):
        assert any(re.fullmatch(r"scene\d*", k) for k in layout), f"{case}: 3D traces but no scene axes titled"


def font_sizes(node, path=""):
    """Every explicit font size in the figure: ``(path, size)``."""
    if isinstance(node, dict):
        for k, v in node.items():
            if "font" in k.lower() and isinstance(v, dict) and isinstance(v.get("size"), (int, float)):
                yield f"{path}.{k}", v["size"]
            yield from font_sizes(v, f"{path}.{k}")
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from font_sizes(v, f"{path}[{i}]")


@pytest.mark.parametrize("case", CASES)
def test_no_font_under_12px(case):
    fig = _figure(case)
    small = [(p, s) for p, s in font_sizes({"data": fig["data"], "layout": fig["layout"]}) if s < MIN_FONT]
    assert not small, f"{case}: fonts under {MIN_FONT} px: {small}"
    for key, axis in fig["layout"].items():  # plotly labels the 2s and 5s between decades at ¾ size
        if re.fullmatch(r"[xy]axis\d*", key) and axis.get("type") == "log":
            assert axis.get("minorloglabels") == "none", f"{case}: {key} draws minor log labels under 12 px"


def _modes(trace) -> str:
    return trace.get("mode", "lines" if trace.get("type") == "scatter3d" else "")


def _key(trace) -> tuple:
    """What a legend entry shows besides color: lines (dash, width), marker (symbol), fill."""
    mode = _modes(trace)
    line, marker = trace.get("line", {}), trace.get("marker", {})
    lines = "lines" in mode
    return (
        line.get("dash", "solid") if lines else None,
        min(int(float(line.get("width", 2)) // 1.75), 2) if lines else None,  # thin, normal, thick
        marker.get("symbol", "circle") if "markers" in mode else None,
        trace.get("fill"),
    )


def _shown(trace) -> bool:
    return trace.get("showlegend") is not False and trace.get("type", "scatter") not in ("heatmap", "surface")


@pytest.mark.parametrize("case", CASES)
def test_legend_keys_differ_in_more_than_color(case):
    fig = _figure(case)
    if fig["layout"].get("showlegend") is False:
        return
    entries = [t for t in fig["data"] if _shown(t) and t.get("name")]
    keys = {}
    for t in entries:
        keys.setdefault(_key(t), []).append(t["name"])
    same = [names for names in keys.values() if len(names) > 1]
    assert not same, f"{case}: legend entries told apart by color only: {same}"


def _owner_traces(fig, title: str) -> list[dict]:
    return [t for t in fig["data"] if str(t.get("name", "")).startswith(title)]


@pytest.mark.parametrize("case", sorted(OPTIMIZER_CASES))
def test_each_optimizer_wears_its_marker_and_dash(case):
    fig = _figure(case)
    three_d = case == "surface3d"
    seen = {}
    for name in RACERS:
        s = style(name)
        traces = _owner_traces(fig, gdviz.OPTIMIZERS[name].title)
        assert traces, f"{case}: no trace named for {name}"
        for t in traces:
            if "lines" in _modes(t) and "diverged" not in t["name"]:
                assert t["line"].get("dash", "solid") == s.dash, f"{case}: {t['name']} is not drawn {s.dash}"
        key = next((t for t in traces if _shown(t) and "markers" in _modes(t) and "lines" in _modes(t)), None)
        assert key is not None, f"{case}: {name}'s legend entry shows no marker with its line"
        symbol = key["marker"]["symbol"]
        assert three_d or symbol == s.symbol, f"{case}: {name}'s legend marker is {symbol}, not {s.symbol}"
        seen[name] = (symbol, key["line"].get("dash", "solid"))
        for t in traces:  # markers of its own that are not the key (diverged runs) still differ between optimizers
            if "markers" in _modes(t) and t is not key:
                seen[f"{name}: {t['name']}"] = (t["marker"]["symbol"], None)
    assert len(set(seen.values())) == len(seen), f"{case}: two optimizers share marker and dash: {seen}"
    moving = [t for t in fig["data"] if isinstance(t.get("marker", {}).get("symbol"), (list, tuple, np.ndarray))]
    for t in moving:  # the race's moving markers: one per optimizer, in its symbol
        assert list(t["marker"]["symbol"]) == [style(n).symbol for n in RACERS]


@pytest.mark.parametrize("case", sorted(CLASS_CASES))
def test_each_class_wears_its_marker_and_dash(case):
    fig = _figure(case)
    d, _ = _blobs()
    for c, cname in enumerate(d.class_names):
        s = class_style(c)
        points = next(t for t in fig["data"] if t.get("name") == cname)
        assert points["marker"]["symbol"] == s.symbol and "markers" in points["mode"]
        line = next(t for t in fig["data"] if t.get("name") == f"score of {cname} = 0")
        assert line["line"]["dash"] == s.dash
    assert len({class_style(c)[1:] for c in range(d.classes)}) == d.classes


# --- powers of ten, projected sizes, ranges that one runaway run does not flatten --------------------


def _log_axes(layout: dict):
    for key, value in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and value.get("type") == "log":
            yield key, value
        elif re.fullmatch(r"scene\d*", key):
            for letter in "xyz":
                if (value.get(f"{letter}axis") or {}).get("type") == "log":
                    yield f"{key}.{letter}axis", value[f"{letter}axis"]


@pytest.mark.parametrize("case", CASES)
def test_log_axes_read_powers_of_ten_not_si_prefixes(case):
    """plotly's default writes 100µ, 10n, 1p, 1T beside 10⁻¹⁶; every log axis says exponentformat="power"."""
    for fig in (_figure(case), _projected(case)):
        bad = [key for key, axis in _log_axes(fig["layout"]) if axis.get("exponentformat") != "power"]
        assert not bad, f"{case}: log axes with SI prefixes: {bad}"


@pytest.mark.parametrize("case", ["sweep", "h_sweep"])
def test_a_chart_whose_values_are_all_powers_of_ten_has_exponents_of_11_px(case):
    """Plotly draws an exponent at about ⅔ of its tick label: 14 px ticks gave 10.5 px exponents."""
    axes = list(_log_axes(_figure(case)["layout"]))
    assert axes and all(axis.get("tickfont", {}).get("size", 0) >= 16 for _, axis in axes), axes


@functools.cache
def _projected(case: str) -> dict:
    return project(go.Figure(_figure(case)), width=550).to_dict()


@pytest.mark.parametrize("case", CASES)
def test_projected_fonts_are_at_least_the_projection_base(case):
    fig = _projected(case)
    sizes = font_sizes({"data": fig["data"], "layout": fig["layout"]})
    # gl3d draws a scene's tick labels about 1.5× their nominal size (projection grows them less for it)
    drawn = ((p, s * (1.5 if re.search(r"scene\d*\.[xyz]axis\.tickfont", p) else 1)) for p, s in sizes)
    small = [(p, s) for p, s in drawn if s < PROJECTED_MIN]
    assert not small, f"{case}: projected fonts under {PROJECTED_MIN} px: {small}"


def _saddle_runs():
    p, s = PRESETS["saddle"], gdviz.SURFACES["saddle"]
    return s, {n: gdviz.run(s, n, p.start, p.steps, **(STARTING_HYPER.get(n, {}) | h)) for n, h in p.optimizers.items()}


def test_one_runaway_run_leaves_the_loss_chart_instead_of_flattening_it():
    s, runs = _saddle_runs()  # Momentum runs off to f ≈ −19,400 in 120 steps; the others stay within ±15
    assert runs["momentum"].losses.min() < -1e4
    stage_loss = go.Figure(race.race_panels(s, runs)[1].figure.to_dict()).to_dict()
    for fig in (stage_loss, race.race_figure(s, runs).to_dict()):
        axis = next(
            a for k, a in fig["layout"].items() if k.startswith("yaxis") and title_text(a.get("title")) == "f(x, y)"
        )
        lo, hi = axis["range"]
        others = np.concatenate([r.losses for n, r in runs.items() if n != "momentum"])
        assert lo <= others.min() and hi >= others.max() and lo > -100, (lo, hi)
        notes = [a["text"] for a in fig["layout"].get("annotations", ())]
        assert any(t.startswith("Momentum ↓<br>off the chart<br>from step") for t in notes), notes


def test_a_diverged_run_does_not_set_the_log_axis():
    s, runs = _race()
    runs = dict(runs, sgd=gdviz.run(s, "sgd", s.start, 40, lr=1.0))  # diverges
    assert runs["sgd"].diverged
    fig = go.Figure(race.race_panels(s, runs)[1].figure.to_dict()).to_dict()
    _, hi = fig["layout"]["yaxis"]["range"]
    kept = np.concatenate([race.loss_curve(s, runs[n]) for n in ("momentum", "adam")])
    assert 10**hi <= 4 * kept.max(), "the diverged run's last finite loss set the top"
    notes = [a["text"] for a in fig["layout"]["annotations"]]
    assert notes == [f"SGD ↑<br>diverged<br>at step {runs['sgd'].diverged_at}"], "it leaves through the top, named"


def test_loss_view_keeps_every_run_when_none_runs_away():
    curves = {"a": np.array([4.0, 2.0, 1.0]), "b": np.array([4.0, 3.0, -1.0])}
    view = race.loss_view(curves, log=False)
    assert view.lo < -1 and view.hi > 4 and not view.off


def test_sweep_diverged_runs_sit_in_a_labelled_band_of_their_own():
    fig = _figure("sweep")
    crosses = [t for t in fig["data"] if t.get("name", "").endswith(": diverged")]
    assert crosses, "the quadratic's sweep up to lr 1 diverges for some optimizer"
    band = fig["layout"]["yaxis2"]
    assert band["title"]["text"] == "diverged" and band["type"] == "category"
    assert band["domain"][0] > fig["layout"]["yaxis"]["domain"][1], "the band sits above the curves, apart"
    for t in crosses:
        assert t["yaxis"] == "y2" and set(t["y"]) == {t["name"].removesuffix(": diverged")}, "one row per optimizer"


def test_a_noisy_race_reads_its_loss_through_a_bold_running_median():
    s, runs = _race()
    fans = {"sgd": gdviz.run(s, "sgd", np.array([s.start, s.start]) + 0.1, 40, lr=0.01)}
    fig = go.Figure(race.race_panels(s, runs, fans=fans, at=40)[1].figure.to_dict()).to_dict()
    assert "median" in fig["layout"]["title"]["text"]
    faint = [t for t in fig["data"] if str(t.get("name", "")).endswith("(each step)")]
    bold = [t for t in fig["data"] if t.get("name") in RACER_TITLES and t.get("mode") == "lines"]
    assert len(faint) == len(bold) == len(RACERS)
    assert all(t["line"]["width"] < b["line"]["width"] and t["opacity"] < 0.5 for t, b in zip(faint, bold, strict=True))
    np.testing.assert_allclose(race.running_median(np.array([5.0, 1, 3, 2, 8]), 3), [5, 3, 3, 2, 3])


def test_the_inspector_names_the_colors_it_draws():
    fig = _figure("inspector")
    arrows = [t for t in fig["data"] if t["mode"] == "lines" and "path" not in t["name"]]
    assert arrows
    for t in arrows:
        said = re.search(r"\(([a-z -]+), [a-z-]+\): \(", t["name"])
        assert said and palette.COLOR_NAMES[t["line"]["color"].upper()] == said.group(1), t["name"]
    step = fig["data"][-1]
    assert step["line"]["color"] == palette.STEP_COLOR and "red-orange, solid" in step["name"]
    assert "red-orange" in inspector.CAPTION and " red " not in inspector.CAPTION


# ---------------------------------------------------------------- issue #12: ranges, titles and notes that read


def _saddle_sweeps():
    s = gdviz.SURFACES["saddle"]
    lrs = gdviz.log_lrs(1e-4, 1.0, 60)
    return {n: gdviz.lr_sweep(s, n, np.array(s.start), lrs, 120) for n in RACERS}


def test_a_sweep_without_a_known_minimum_is_not_flattened_by_one_far_point():
    sweeps = _saddle_sweeps()  # momentum ends one run near −1.1 × 10⁶ on the saddle: the linear axis went there
    lows = {n: sw.final_loss[~sw.diverged].min() for n, sw in sweeps.items()}
    assert min(lows.values()) < -5e5
    fig = basins.sweep_figure(sweeps, None, None)
    lo, hi = fig.layout.yaxis.range
    finals = np.concatenate([sw.final_loss[~sw.diverged] for sw in sweeps.values()])
    q05, q95 = np.quantile(finals, [0.05, 0.95])
    assert lo <= q05 and hi >= q95 and lo > -2e5, (lo, hi)  # the bulk, widened a little
    off = [t for t in fig.data if (t.name or "").endswith(": off the chart")]
    assert off and all(np.allclose(t.y, lo) for t in off), "points below the range sit on its edge"
    assert sum(len(t.x) for t in off) == int((finals < lo).sum())
    notes = [a.text for a in fig.layout.annotations if "off the chart" in a.text]
    assert any(n.startswith("Momentum ↓<br>") and "(to −1.11 × 10⁶)" in n for n in notes), notes


def test_a_sweep_whose_points_all_fit_keeps_plotly_s_own_range():
    fig = _figure("sweep")  # the quadratic, log axis: descents to the floor are never cut
    assert "range" not in fig["layout"]["yaxis"] and not [t for t in fig["data"] if "off the chart" in t["name"]]


def test_a_long_typed_formula_wraps_in_the_map_title_as_plain_text():
    s = custom_surface("exp(exp(exp(x)))+" + "x*" * 40 + "y")
    runs = {n: gdviz.run(s, n, s.start, 20, lr=0.01) for n in RACERS}
    with np.errstate(all="ignore"):
        title = race.race_panels(s, runs)[0].figure.layout.title.text
    lines = title.split("<br>")
    assert 2 <= len(lines) <= 3 and all(len(line) <= race.MAP_TITLE for line in lines), lines
    assert lines[0].startswith("Custom: f(x, y) =") and lines[-1].endswith("…")
    assert not re.search(r"<(?!br>)", title), "nothing but line breaks is added to the visitor's text"
    short = race.race_panels(gdviz.SURFACES["saddle"], _saddle_runs()[1])[0].figure.layout.title.text
    assert short == "Saddle point: the paths"


def test_the_off_chart_note_covers_no_curve_of_the_saddle_race():
    s, runs = _saddle_runs()
    fig = go.Figure(race.race_panels(s, runs)[1].figure.to_dict())
    (note,) = fig.layout.annotations
    lo, hi = fig.layout.yaxis.range
    width, height = STAGE_PLOT
    w = (max(map(len, note.text.split("<br>"))) * CHAR_EM * NOTE_PX + 12) / width  # as projected at 1280×720
    h = (3 * LINE * NOTE_PX + 8) / height
    x0 = note.x / 120 if note.xanchor == "left" else note.x / 120 - w
    for name, run in runs.items():
        f = (run.losses - lo) / (hi - lo)
        t = np.arange(len(f)) / 120
        under = (t >= x0) & (t <= x0 + w) & (f >= 0) & (f <= h)
        assert not under.any(), f"the note covers {name} at steps {np.flatnonzero(under)}"


def test_the_race_stage_titles_never_reach_the_next_panel_projected_at_1280x720():
    """Side by side on the stage, each panel's title ends short of the next one's (and of its own panel's edge)
    in the narrowest stage there is, 1280×720 projected: "Three-hump camel: the paths" ran into "The loss
    (bold: median of 12 steps)", itself cut at the stage's edge. Its lines stay above the plot, or the legend."""
    shown = []
    for key in gdviz.SURFACES:
        s, runs = _race(key)
        fans = {"sgd": gdviz.run(s, "sgd", np.array([s.start, s.start]) + 0.1, 40, lr=0.01)}
        for spec in (stage_spec(race.race_panels(s, runs, fans=f), 40, projection=True) for f in (None, fans)):
            for panel in spec["panels"]:
                layout = panel["figure"]["layout"]
                title, size = layout["title"], layout["title"]["font"]["size"]
                lines = title["text"].split("<br>")
                shown.append(title["text"])
                room = STAGE_HALF * panel["width"] / 0.5 - PAD - 8  # the stage's gap, then the next title's pad
                right = title["pad"]["l"] + max(map(len, lines)) * CHAR_EM * size
                assert title["xref"] == "container" and title["x"] == 0 and right <= room, (title["text"], right, room)
                top = title_height(size, len(lines))  # the plot (or the legend, for the loss) starts under it
                if panel["legendRow"]:
                    assert (1 - layout["legend"]["y"]) * layout["height"] >= top - 1, title["text"]
                else:
                    assert layout["margin"]["t"] >= top, title["text"]
    assert "Three-hump camel:<br>the paths" in shown and "The loss (bold: median<br>of 3 steps)" in shown


def test_a_loss_axis_spanning_less_than_two_decades_labels_several_ticks():
    """Three-hump camel with small steps: every gap f − f* stays within a decade or so, and the log axis, which
    labels only powers of ten, read "1" and nothing else. Now 1, 2, 5 × 10^k (or every digit) are labelled."""
    s = gdviz.SURFACES["three_hump_camel"]
    runs = {n: gdviz.run(s, n, s.start, 30, lr=1e-4) for n in ("sgd", "momentum")}
    fig = go.Figure(race.race_panels(s, runs)[1].figure.to_dict()).to_dict()
    axis = fig["layout"]["yaxis"]
    lo, hi = (10**v for v in axis["range"])
    assert np.log10(hi / lo) < 2 and axis["type"] == "log"
    inside = [t for v, t in zip(axis["tickvals"], axis["ticktext"], strict=True) if lo <= v <= hi]
    assert len(inside) >= 2, (lo, hi, axis.get("tickvals"))


@pytest.mark.parametrize(
    ("lo", "hi", "texts"),
    [
        (0.3, 4.0, ["0.5", "1", "2"]),
        (1e-4, 3e-3, ["10⁻⁴", "2 × 10⁻⁴", "5 × 10⁻⁴", "10⁻³", "2 × 10⁻³"]),  # all powers: the range leaves 10⁻³
        (0.6, 1.4, ["0.6", "0.7", "0.8", "0.9", "1"]),  # 1, 2, 5 gives one tick: every digit
        (1e-6, 1.0, None),  # six decades: plotly's own ticks
    ],
)
def test_log_ticks(lo, hi, texts):
    assert log_ticks(lo, hi).get("ticktext") == texts
