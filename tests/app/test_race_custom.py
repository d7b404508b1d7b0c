"""The race page on a typed surface: the Custom f(x, y) choice, its formula box, its errors and its views.

Paths in the figure are checked against ``gdviz.run`` on ``custom_surface(text)`` itself; a formula the
parser refuses must leave the race running on the last good one, with the parser's words in the sidebar.
"""

import re

import numpy as np
import pytest

from gdviz import OPTIMIZERS, ExpressionError, custom_surface, run
from gdviz.surface.presets import STARTING_HYPER
from gdviz.ui.race.custom import DEFAULT_FORMULA, EXAMPLES

from .conftest import decode, figures, no_exceptions, race_map, race_paths, stages

PAGE = "pages/race.py"
FORMULAS = {  # formula: domain half-width
    "sin(x) * cos(y) + 0.1 * (x**2 + y**2)": 3.0,
    "x**2 + 10*y**2": 3.0,
    "(1 - x)^2 + 100*(y - x^2)^2": 2.0,
    "log(x)": 3.0,  # no value for x ≤ 0
    "x - y": 3.0,  # unbounded below
}
BAD = ["x +", "__import__('os')", "x.y", "sin(x, y)", "2x", "x + z"]


def _custom(open_page, formula=None, extent=None):
    at = open_page(PAGE)
    at.selectbox(key="surface").set_value("custom").run()
    if extent is not None:
        at.number_input(key="extent").set_value(extent).run()
    if formula is not None:
        at.text_input(key="formula").set_value(formula).run()
    return at


def _plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)  # undo md_escape


def _expected(formula, extent, names, steps=300):
    s = custom_surface(formula, ((-extent, extent), (-extent, extent)))
    return s, {n: run(s, n, s.start, steps, **STARTING_HYPER[n]).points.astype(np.float32) for n in names}  # as sent


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_custom_formula_races_the_default_optimizers_as_gdviz_run_does(open_page, formula):
    at = _custom(open_page, formula, FORMULAS[formula])
    no_exceptions(at)
    assert not at.error
    s, expected = _expected(formula, FORMULAS[formula], ["sgd", "momentum", "adam"])
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == s.start
    paths = race_paths(at)
    assert set(paths) == set(expected)
    for name, points in expected.items():
        np.testing.assert_array_equal(paths[name], points, err_msg=name)
    fig, loss = race_map(at), stages(at)[0]["spec"]["panels"][1]["figure"]
    # no minimum is known: the loss chart plots f on a linear axis with a finite range, no stars
    assert loss["layout"]["yaxis"]["title"]["text"] == "f(x, y)" and loss["layout"]["yaxis"].get("type") != "log"
    assert np.isfinite(loss["layout"]["yaxis"]["range"]).all()
    assert not any(t.get("name") == "minimum" for t in fig["data"])
    assert fig["layout"]["xaxis"]["range"] == [-FORMULAS[formula], FORMULAS[formula]]
    table = at.table[0].value
    assert "distance to nearest minimum" not in table.columns and len(table) == 3
    assert any("lists no minima" in c.value for c in at.caption)
    assert at.toggle(key="log_loss").disabled


def test_every_optimizer_races_on_a_custom_surface(open_page):
    at = _custom(open_page)
    at.multiselect(key="optimizers").set_value(list(OPTIMIZERS)).run()
    no_exceptions(at)
    _, expected = _expected(DEFAULT_FORMULA, 3.0, list(OPTIMIZERS))
    paths = race_paths(at)
    for name, points in expected.items():
        np.testing.assert_array_equal(paths[name], points, err_msg=name)


def test_a_partly_undefined_formula_stops_where_f_has_no_value_and_says_so(open_page):
    at = _custom(open_page, "log(x)")
    no_exceptions(at)
    assert any("f is not defined where some paths were heading" in c.value for c in at.caption)
    names = [t["name"] for t in race_map(at)["data"] if t.get("legendgroup") == "adam" and t.get("mode") == "lines"]
    assert names and "f has no value at step" in names[0]  # Adam heads for x ≤ 0, where log(x) has none
    table = at.table[0].value.set_index("optimizer")
    assert table.loc["Adam", "stopped because"] == "diverged"
    assert (table["final loss"] != "—").all()  # each stopped at its last point where f has a value


def test_a_path_where_the_gradient_has_no_value_stops_and_says_so(open_page):
    at = _custom(open_page, "sqrt(x)")  # Adam steps past x = 0, where sqrt has neither a value nor a slope
    no_exceptions(at)
    names = [t["name"] for t in race_map(at)["data"] if t.get("legendgroup") == "adam" and t.get("mode") == "lines"]
    assert names and "f has no value at step" in names[0]
    assert at.table[0].value.set_index("optimizer").loc["Adam", "stopped because"] == "diverged"


@pytest.mark.parametrize("formula", ["sin(x) * cos(y) + 0.1 * (x**2 + y**2)", "log(x)", "x - y"])
@pytest.mark.parametrize("view", ["3D", "Step inspector", "Basin map", "Learning-rate sweep"])
def test_each_view_runs_on_a_custom_surface(open_page, view, formula):
    at = _custom(open_page, formula)
    at.segmented_control(key="view").set_value(view).run()
    if view == "Basin map":
        at.select_slider(key="basin_n").set_value(50).run()
    no_exceptions(at)
    assert not at.error
    fig = figures(at)[0]
    if view == "3D":
        height = decode(fig["data"][0]["z"]).astype(float)
        assert np.isfinite(height).any()
        assert np.isnan(height).any() == (formula == "log(x)")  # a hole where log(x) has no value
        assert [t["type"] for t in fig["data"]].count("scatter3d") == 3
        assert all(np.isfinite(decode(t["z"]).astype(float)).any() for t in fig["data"][1:])
    elif view == "Step inspector":
        assert "with this run's numbers" in " ".join(m.value for m in at.markdown)
        assert at.latex and [a for a in fig["layout"]["annotations"] if a.get("showarrow")]
    elif view == "Basin map":
        assert any("lists no minima to reach" in i.value for i in at.info)
        heat = fig["data"][0]
        assert heat["type"] == "heatmap" and decode(heat["z"]).shape == (50, 50)
        assert "colored by final loss" in fig["layout"]["title"]["text"]
        if formula == "log(x)":  # starts left of 0 have no value from the start: light grey, and said so
            assert "f has no value" in fig["layout"]["title"]["text"]
            assert (decode(fig["data"][1]["z"]) == 1).any()
    else:
        assert fig["layout"]["yaxis"]["title"]["text"] == "final f"
        assert any(t["name"] == "SGD" for t in fig["data"])


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_formula_explains_inline_and_keeps_the_last_good_race(open_page, bad):
    good = "x**2 + 10*y**2"
    at = _custom(open_page, good)
    at.number_input(key="steps").set_value(120).run()
    before = race_paths(at)
    at.text_input(key="formula").set_value(bad).run()
    no_exceptions(at)
    with pytest.raises(ExpressionError) as refused:
        custom_surface(bad)
    (error,) = at.sidebar.error  # in the sidebar, under the formula box
    assert str(refused.value) in _plain(error.value) and good in _plain(error.value)
    if bad == "x + z":
        assert "unknown variable z" in _plain(error.value)
    assert any("Still racing on the last formula that worked" in w.value for w in at.warning)
    assert any("x^{2} + 10" in m.value for m in at.latex)  # the formula shown is the one raced
    after = race_paths(at)
    assert after.keys() == before.keys() and all(np.array_equal(after[k], before[k]) for k in before)
    assert at.text_input(key="formula").value == bad  # the student's text stays, to be fixed
    assert at.number_input(key="steps").value == 120 and at.multiselect(key="optimizers").value == [
        "sgd",
        "momentum",
        "adam",
    ]


def test_fixing_the_formula_races_on_the_new_one(open_page):
    at = _custom(open_page, "x**2 + 10*y**2")
    at.text_input(key="formula").set_value("x**2 + ").run()
    assert at.sidebar.error
    at.text_input(key="formula").set_value("x**2 + y**2").run()
    no_exceptions(at)
    assert not at.error and not any("Still racing" in w.value for w in at.warning)
    _, expected = _expected("x**2 + y**2", 3.0, ["sgd"])
    np.testing.assert_array_equal(race_paths(at)["sgd"], expected["sgd"])


@pytest.mark.parametrize(
    ("extent", "message"), [(0.0, "domain half-width must be more than 0"), (1e9, "at most 10,000")]
)
def test_a_bad_domain_explains_and_keeps_the_last_good_one(open_page, extent, message):
    at = _custom(open_page, "x**2 + y**2")
    at.number_input(key="extent").set_value(extent).run()
    no_exceptions(at)
    (error,) = at.sidebar.error
    assert "This domain cannot be used" in _plain(error.value) and message in _plain(error.value)
    assert race_map(at)["layout"]["xaxis"]["range"] == [-3.0, 3.0]


def test_a_formula_finite_nowhere_on_the_domain_is_refused(open_page):
    at = _custom(open_page, "log(x - 10)")
    no_exceptions(at)
    assert "not finite anywhere" in _plain(at.sidebar.error[0].value)
    assert stages(at)  # still racing on the default formula


def test_a_new_extent_moves_the_start_with_the_domain(open_page):
    at = _custom(open_page, "x**2 + y**2", 1.0)
    no_exceptions(at)
    s = custom_surface("x**2 + y**2", ((-1.0, 1.0), (-1.0, 1.0)))
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == s.start
    assert race_map(at)["layout"]["xaxis"]["range"] == [-1.0, 1.0]


def test_a_start_where_f_has_no_value_is_refused(open_page):
    at = _custom(open_page, "log(x)")
    at.number_input(key="start_x").set_value(-1.0).run()
    no_exceptions(at)
    assert any("no finite value at the start" in e.value for e in at.error)
    assert not stages(at)


@pytest.mark.parametrize("example", EXAMPLES)
def test_an_example_is_one_click_away(open_page, example):
    at = _custom(open_page)
    at.button(key=f"example.{example}").click().run()
    no_exceptions(at)
    formula, extent = EXAMPLES[example]
    assert (at.text_input(key="formula").value, at.number_input(key="extent").value) == (formula, extent)
    s, expected = _expected(formula, extent, ["sgd"])
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == s.start
    np.testing.assert_array_equal(race_paths(at)["sgd"], expected["sgd"])


def test_leaving_and_coming_back_restores_the_last_good_formula(open_page):
    at = _custom(open_page, "x**2 + 10*y**2")
    at.text_input(key="formula").set_value("x +").run()
    at.selectbox(key="surface").set_value("booth").run()
    no_exceptions(at)
    assert not at.error and stages(at)
    at.selectbox(key="surface").set_value("custom").run()
    no_exceptions(at)
    assert at.text_input(key="formula").value == "x**2 + 10*y**2" and not at.error
    s = custom_surface("x**2 + 10*y**2")
    assert (at.number_input(key="start_x").value, at.number_input(key="start_y").value) == s.start


def test_a_link_to_a_formula_with_no_slope_anywhere_explains_and_races_on():
    """/race?surface=custom&f=(-1)**x was accepted, and then every start was refused."""
    from .test_links import open_link

    at = open_link(PAGE, {"surface": "custom", "f": "(-1)**x"})
    no_exceptions(at)
    assert any("no finite gradient anywhere" in _plain(e.value) for e in at.sidebar.error)
    assert stages(at) and not at.main.error  # the race goes on, on the last formula that worked
