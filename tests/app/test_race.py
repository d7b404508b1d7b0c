"""The optimizer race page, driven through its widgets and its stage; what the stage is given is decoded and checked."""

import numpy as np
import pytest

from gdviz import SURFACES

from .conftest import decode, drive_stage, figures, no_exceptions, race_paths, stages

PAGE = "pages/race.py"


def _race_stage(at) -> dict:
    given = stages(at)
    assert given, "no stage on the race page"
    return given[0]["spec"]


def _race_figure(at) -> dict:
    """The race's map: the stage's first panel."""
    return _race_stage(at)["panels"][0]["figure"]


def _legend_names(spec) -> list[str]:
    """The loss chart's legend: one entry per optimizer that ran."""
    fig = spec["panels"][1]["figure"]
    return [t.get("name") for t in fig["data"] if t.get("showlegend", True) and t.get("name")]


def _moving(spec, panel: int, kind: str) -> dict:
    return next(m for m in spec["panels"][panel]["moving"] if m["kind"] == kind)


def test_default_race_plays_paths_on_the_landscape(open_page):
    at = open_page(PAGE)
    no_exceptions(at)
    spec = _race_stage(at)
    assert spec["T"] == 300 and len(spec["panels"]) == 2
    assert spec["panels"][0]["testid"] == "gdviz-map" and spec["panels"][0]["click"] == "start"
    assert {"SGD", "Momentum", "Adam"} <= set(_legend_names(spec))
    fig = _race_figure(at)
    assert fig["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    # one growing path per optimizer, 301 points each; the markers move from the start to somewhere else
    paths = [m for m in spec["panels"][0]["moving"] if m["kind"] == "path"]
    assert len(paths) == 3 and all(len(decode(m["x"])) == 301 for m in paths)
    markers = _moving(spec, 0, "now")
    xs = decode(markers["x"]).reshape(301, 3)
    assert np.allclose(xs[0], SURFACES["himmelblau"].start[0]) and not np.allclose(xs[0], xs[-1])
    # the loss panel moves a cursor and markers along the same 0 … 300
    assert _moving(spec, 1, "vline") and decode(_moving(spec, 1, "now")["y"]).size == 301 * 3
    # map axes stay on the surface's domain
    (x0, x1), (y0, y1) = SURFACES["himmelblau"].domain
    assert fig["layout"]["xaxis"]["range"] == [x0, x1]
    assert fig["layout"]["yaxis"]["range"] == [y0, y1]


def test_diverging_learning_rate_is_reported_and_axes_keep_the_domain(open_page):
    at = open_page(PAGE)
    at.number_input(key="hyper.sgd.lr").set_value(1.0).run()
    no_exceptions(at)
    fig = _race_figure(at)
    sgd = [n for n in _legend_names(_race_stage(at)) if n.startswith("SGD")]
    assert sgd and "diverged at step" in sgd[0]
    path = next(t for t in fig["data"] if t.get("name", "").startswith("SGD"))
    assert np.isfinite(decode(path["x"])).all()
    (x0, x1), _ = SURFACES["himmelblau"].domain
    assert fig["layout"]["xaxis"]["range"] == [x0, x1]
    table = at.table[0].value
    assert table.loc[table["optimizer"] == "SGD", "stopped because"].item() == "diverged"


def test_the_results_table_is_replayed_in_place_and_follows_a_new_run(open_page):
    """The results table is drawn by a cached function: a rerun with the same runs replays its message (not
    styled again), in the same place; new runs draw a new one."""
    at = open_page(PAGE)
    first = at.table[0].value
    at.run()
    at.run()  # the second rerun with these runs replays the table
    no_exceptions(at)
    assert len(at.table) == 1 and at.table[0].value.equals(first)
    assert [type(e).__name__ for e in at.main.children.values()].count("Table") <= 1
    at.number_input(key="hyper.sgd.lr").set_value(1.0).run()
    table = at.table[0].value
    assert table.loc[table["optimizer"] == "SGD", "stopped because"].item() == "diverged"
    assert not table.equals(first)


@pytest.mark.parametrize("bad", [-0.1, -1e-6])
def test_refused_learning_rate_explains_and_keeps_the_others(open_page, bad):
    at = open_page(PAGE)
    at.number_input(key="hyper.adam.lr").set_value(bad).run()
    no_exceptions(at)
    assert any("Adam" in e.value and "learning rate" in e.value for e in at.error)
    names = _legend_names(_race_stage(at))
    assert "SGD" in names and "Momentum" in names and not any(n.startswith("Adam") for n in names)
    assert at.number_input(key="hyper.sgd.lr").value == 0.01  # other settings untouched


def test_start_outside_the_domain_explains_and_keeps_settings(open_page):
    at = open_page(PAGE)
    at.number_input(key="start_x").set_value(50.0).run()
    no_exceptions(at)
    assert any("outside the plotted domain" in e.value for e in at.error)
    assert not stages(at)
    assert at.multiselect(key="optimizers").value == ["sgd", "momentum", "adam"]


def test_every_surface_and_optimizer_runs(open_page):
    at = open_page(PAGE)
    at.multiselect(key="optimizers").set_value(list(at.multiselect(key="optimizers").options)).run()
    for name in SURFACES:
        at.selectbox(key="surface").set_value(name).run()
        no_exceptions(at)
        fig = _race_figure(at)
        (x0, x1), _ = SURFACES[name].domain
        assert fig["layout"]["xaxis"]["range"] == [x0, x1]
        assert len(_legend_names(_race_stage(at))) >= 9


def test_condition_number_below_one_is_refused(open_page):
    at = open_page(PAGE)
    at.selectbox(key="surface").set_value("quadratic").run()
    at.number_input(key="condition").set_value(0.5).run()
    no_exceptions(at)
    assert any("condition number" in e.value for e in at.error)


@pytest.mark.parametrize("preset", list(__import__("gdviz.surface.presets", fromlist=["PRESETS"]).PRESETS))
def test_each_preset_sets_up_its_race(open_page, preset):
    from gdviz.surface.presets import PRESETS

    p = PRESETS[preset]
    at = open_page(PAGE)
    at.button(key=f"preset.{preset}").click().run()
    no_exceptions(at)
    assert at.selectbox(key="surface").value == p.surface
    assert at.multiselect(key="optimizers").value == list(p.optimizers)
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == p.start
    assert any(p.watch in i.value for i in at.sidebar.info)  # under the button the teacher just pressed
    names = _legend_names(_race_stage(at))
    diverged = [n.split(" — ")[0] for n in names if "diverged" in n]
    expected = {"too_large": ["SGD"], "warmup": ["Momentum"]}  # warm-up: SGD without its schedule (μ = 0)
    assert diverged == expected.get(preset, []), diverged
    for opt, hyper in p.optimizers.items():
        assert at.number_input(key=f"hyper.{opt}.lr").value == hyper["lr"]


def test_changing_surface_moves_the_start_to_its_default(open_page):
    at = open_page(PAGE)
    at.selectbox(key="surface").set_value("rosenbrock").run()
    no_exceptions(at)
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == SURFACES["rosenbrock"].start
    first = _race_figure(at)
    start = next(t for t in first["data"] if t.get("name") == "start")
    assert (decode(start["x"])[0], decode(start["y"])[0]) == SURFACES["rosenbrock"].start


@pytest.mark.parametrize("steps", [0, 100_000])
def test_steps_out_of_range_explain(open_page, steps):
    at = open_page(PAGE)
    at.number_input(key="steps").set_value(steps).run()
    no_exceptions(at)
    assert any("Steps must be between" in e.value for e in at.error)
    assert not stages(at)


def test_stochastic_mode_draws_a_fan_of_seeds(open_page):
    at = open_page(PAGE)
    at.number_input(key="noise").set_value(5.0).run()
    at.slider(key="seeds").set_value(6).run()
    no_exceptions(at)
    fans = [t for t in _race_figure(at)["data"] if "other noise seeds" in t.get("name", "")]
    assert len(fans) == 3 and all("6 other noise seeds" in t["name"] for t in fans)
    xs = decode(fans[0]["x"])
    assert np.isnan(xs).sum() == 6  # six paths, each ended by a NaN break


def test_zero_learning_rate_warns(open_page):
    at = open_page(PAGE)
    at.number_input(key="hyper.sgd.lr").set_value(0.0).run()
    no_exceptions(at)
    assert any("never moves" in w.value for w in at.warning)


def test_3d_view_shows_the_surface_and_paths(open_page):
    at = open_page(PAGE)
    at.segmented_control(key="view").set_value("3D").run()
    no_exceptions(at)
    fig = figures(at)[0]
    kinds = [t["type"] for t in fig["data"]]
    assert kinds[0] == "surface" and kinds.count("scatter3d") == 3


def test_basin_map_view_labels_cells_by_minimum(open_page):
    at = open_page(PAGE)
    at.segmented_control(key="view").set_value("Basin map").run()
    at.select_slider(key="basin_n").set_value(50).run()
    no_exceptions(at)
    heat = figures(at)[0]["data"][0]
    assert heat["type"] == "heatmap"
    z = decode(heat["z"])
    assert z.shape == (50, 50)
    # Himmelblau with SGD (lr 0.01) from the sidebar: every cell reaches one of the four minima
    assert set(np.unique(z)) == {0, 1, 2, 3}


def test_sweep_view_marks_the_stability_limit_on_the_quadratic(open_page):
    at = open_page(PAGE)
    at.button(key="preset.too_large").click().run()
    at.segmented_control(key="view").set_value("Learning-rate sweep").run()
    no_exceptions(at)
    fig = figures(at)[0]
    assert any(s.get("x0") == pytest.approx(0.2) for s in fig["layout"]["shapes"])  # 2/L with L = 10
    diverged = [t for t in fig["data"] if t["name"] == "SGD: diverged"]
    assert diverged and decode(diverged[0]["x"]).min() > 0.2


def test_sweep_with_a_bad_range_explains(open_page):
    at = open_page(PAGE)
    at.segmented_control(key="view").set_value("Learning-rate sweep").run()
    at.number_input(key="sweep_low").set_value(-1.0).run()
    no_exceptions(at)
    assert any("learning-rate range" in e.value for e in at.error)


def test_step_inspector_writes_the_update_with_this_runs_numbers(open_page):
    at = open_page(PAGE)
    at.segmented_control(key="view").set_value("Step inspector").run()
    at.selectbox(key="inspect_opt").set_value("adam").run()
    at.slider(key="inspect_step").set_value(3).run()
    no_exceptions(at)
    text = " ".join(m.value for m in at.latex)
    assert r"\hat m_{3}" in text and "0.1" in text  # Adam's lr from the sidebar, at step 3
    fig = figures(at)[0]
    arrows = [a for a in fig["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == 2  # the plain gradient step and the step taken
    names = [t["name"] for t in fig["data"]]
    assert any(n.startswith("step taken") for n in names)
    at.number_input(key="hyper.adam.lr").set_value(0.05).run()
    assert "0.05" in " ".join(m.value for m in at.latex)  # the numbers follow the settings


def test_step_inspector_clamps_the_step_when_the_run_gets_shorter(open_page):
    at = open_page(PAGE)
    at.segmented_control(key="view").set_value("Step inspector").run()
    at.slider(key="inspect_step").set_value(250).run()
    at.number_input(key="steps").set_value(100).run()
    no_exceptions(at)
    assert at.slider(key="inspect_step").value == 100


def test_a_resting_step_goes_into_the_link_and_a_new_run_opens_there(open_page):
    at = drive_stage(open_page(PAGE), step=157)
    no_exceptions(at)
    assert at.session_state["cursor"] == 157 and at.query_params["at"] == "157"
    assert stages(at)[0]["open_at"] == 157
    at = drive_stage(at, step=10_000)  # not a step of this run: ignored
    assert at.session_state["cursor"] == 157
    at.number_input(key="steps").set_value(100).run()  # a shorter run opens at its end
    assert stages(at)[0]["open_at"] == 100 and _race_stage(at)["T"] == 100


def test_a_click_on_the_map_starts_there_and_keeps_the_step(open_page):
    at = drive_stage(open_page(PAGE), step=40)
    at = drive_stage(at, click={"panel": "start", "x": 1.23456, "y": -2.5})
    no_exceptions(at)
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == (1.235, -2.5)
    assert at.query_params["start"] == "1.235,-2.5" and at.query_params["at"] == "40"
    start = next(t for t in _race_figure(at)["data"] if t.get("name") == "start")
    assert (decode(start["x"])[0], decode(start["y"])[0]) == (1.235, -2.5)
    at = drive_stage(at, click={"panel": "start", "x": "1; drop", "y": None})  # a forged event changes nothing
    no_exceptions(at)
    assert at.number_input(key="start_x").value == 1.235


def test_the_noise_seed_reproduces_and_changes_the_path(open_page):
    at = open_page(PAGE)
    at.number_input(key="noise").set_value(3.0).run()
    path = lambda: decode(_moving(_race_stage(at), 0, "path")["x"])  # noqa: E731 (SGD's, the first optimizer)
    first = path()
    at.number_input(key="seed").set_value(7).run()
    other = path()
    at.number_input(key="seed").set_value(0).run()
    no_exceptions(at)
    assert not np.allclose(first, other) and np.array_equal(first, path())


def test_the_inspector_and_the_stage_share_one_step(open_page):
    at = drive_stage(open_page(PAGE), step=42)
    at.segmented_control(key="view").set_value("Step inspector").run()
    no_exceptions(at)
    assert at.slider(key="inspect_step").value == 42  # the inspector opens where the stage rests
    at.slider(key="inspect_step").set_value(7).run()
    at.segmented_control(key="view").set_value("Race").run()
    assert stages(at)[0]["open_at"] == 7  # and the stage opens where the inspector was


def test_inspecting_on_the_stage_draws_arrows_and_writes_the_resting_step(open_page):
    at = open_page(PAGE)
    at.selectbox(key="race.inspect").set_value("momentum").run()
    at = drive_stage(at, step=25)
    no_exceptions(at)
    spec = _race_stage(at)
    arrows = [t for t in spec["panels"][0]["figure"]["data"] if t.get("marker", {}).get("symbol") == "arrow"]
    assert [t["name"] for t in arrows][-1] == "step taken" and len(arrows) == 3  # gradient step, velocity, step
    moving = {m["trace"]: m for m in spec["panels"][0]["moving"]}
    shaft = moving[spec["panels"][0]["figure"]["data"].index(arrows[-1])]
    xs = decode(shaft["x"]).reshape(-1, 2)
    path = race_paths(at)["momentum"]
    np.testing.assert_allclose(xs[25], path[24:26, 0], rtol=1e-6)  # step 25: from θ24 to θ25
    assert np.isnan(xs[0]).all()  # no step before the start
    text = " ".join(m.value for m in at.latex)
    assert r"\theta_{24}" in text and "b_{25}" in text  # the update rule at the resting step, with its numbers
    assert at.query_params["arrows"] == "momentum" and at.query_params["at"] == "25"
    at.multiselect(key="optimizers").set_value(["sgd", "adam"]).run()  # the inspected one leaves the race
    no_exceptions(at)
    assert at.selectbox(key="race.inspect").value == "" and "arrows" not in at.query_params


def test_the_distance_chart_is_drawn_on_request(open_page):
    at = open_page(PAGE)
    assert not figures(at)  # the stage alone: no second plotly redraw per click, no second plotly.js
    at.toggle(key="race.distance").set_value(True).run()
    no_exceptions(at)
    (fig,) = figures(at)
    assert {"SGD", "Momentum", "Adam"} <= {t.get("name") for t in fig["data"]}  # a distance curve per optimizer


@pytest.mark.parametrize(
    "view, note",
    [("Race", "click the map to start there"), ("3D", None), ("Basin map", "starts from every cell")],
)
def test_the_start_says_what_it_means_in_each_view(open_page, view, note):
    at = open_page("pages/race.py")
    at.segmented_control(key="view").set_value(view).run()
    captions = " ".join(c.value for c in at.caption)
    assert ("click the map" in captions) == (view == "Race")
    assert note is None or note in captions
