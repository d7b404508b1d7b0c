"""Links: a URL with settings reproduces them on every page; a tampered one gets a note and the defaults."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, no_exceptions, switch

# page -> (a link with settings that differ from the defaults, {widget key: the value it must set})
LINKS = {
    "pages/race.py": (
        {
            "surface": "quadratic",
            "kappa": "25",
            "opt": "nesterov,rmsprop",
            "steps": "120",
            "start": "-2.5,1.25",
            "log": "0",
            "noise": "0.5",
            "seed": "7",
            "seeds": "4",
            "nesterov.lr": "0.02",
            "nesterov.momentum": "0.8",
            "rmsprop.alpha": "0.9",
        },
        {
            "surface": "quadratic",
            "condition": 25.0,
            "optimizers": ["nesterov", "rmsprop"],
            "steps": 120,
            "start_x": -2.5,
            "start_y": 1.25,
            "log_loss": False,
            "noise": 0.5,
            "seed": 7,
            "seeds": 4,
            "hyper.nesterov.lr": 0.02,
            "hyper.nesterov.momentum": 0.8,
            "hyper.rmsprop.alpha": 0.9,
        },
    ),
    "pages/linear.py": (
        {
            "data": "moons",
            "n": "150",
            "noise": "0.1",
            "data_seed": "3",
            "loss": "svm",
            "opt": "adam",
            "adam.lr": "0.02",
            "adam.betas": "0.8,0.99",
            "batch": "32",
            "reg": "0.01",
            "steps": "80",
            "seed": "5",
            "pts": "0.5:0.25:1;-1:1.5:0",
            "at": "12",
            "per": "epoch",
        },
        {
            "lc.data": "moons",
            "lc.n": 150,
            "lc.noise": 0.1,
            "lc.data_seed": 3,
            "lc.loss": "svm",
            "lc.optimizer": "adam",
            "lc.adam.lr": 0.02,
            "lc.adam.betas.0": 0.8,
            "lc.adam.betas.1": 0.99,
            "lc.batch": 32,
            "lc.reg": 0.01,
            "lc.steps": 80,
            "lc.seed": 5,
            "lc.added": [(0.5, 0.25, 1), (-1.0, 1.5, 0)],
            "lc_cursor": 12,
            "lc.per": "epoch",
        },
    ),
    "pages/digits.py": (
        {"loss": "svm", "opt": "momentum", "momentum.lr": "0.05", "batch": "128", "steps": "60", "reg": "0.001"},
        {
            "digits.loss": "svm",
            "digits.optimizer": "momentum",
            "digits.momentum.lr": 0.05,
            "digits.batch": 128,
            "digits.steps": 60,
            "digits.reg": 0.001,
        },
    ),
    "pages/gradient_check.py": (
        {
            "loss": "svm",
            "bug": "correct_class_margin",
            "reg": "0.5",
            "method": "forward",
            "h": "1e-03",
            "num": "20",
            "seed": "2",
        },
        {
            "gc.loss": "svm",
            "gc.bug": "correct_class_margin",
            "gc.reg": 0.5,
            "gc.method": "forward",
            "gc.h": 1e-3,
            "gc.num": 20,
            "gc.seed": 2,
        },
    ),
    "pages/random_search.py": (
        {"loss": "softmax", "names": "gradient,random", "budget": "500", "lr": "0.05", "seed": "9"},
        {"rs.loss": "softmax", "rs.names": ["gradient", "random"], "rs.budget": 500, "rs.lr": 0.05, "rs.seed": 9},
    ),
    "pages/backprop.py": (
        {"f": "max(a, b) * c", "v": "a:2,b:-3,c:0.5", "at": "4"},
        {"bp.text": "max(a, b) * c", "bp.v.a": 2.0, "bp.v.b": -3.0, "bp.v.c": 0.5, "bp.cursor": 4},
    ),
}

# page -> a tampered link: every value wrong in its own way
TAMPERED = {
    "pages/race.py": {"surface": "moon", "steps": "1e9", "opt": "sgd,sgd", "start": "1,nan", "view": "<script>"},
    "pages/linear.py": {"data": "../../etc/passwd", "n": "-5", "batch": "33", "pts": "1:2", "reg": "inf"},
    "pages/digits.py": {"opt": "newton", "steps": "2.5", "seed": "-1"},
    "pages/gradient_check.py": {"bug": "rm -rf", "h": "0", "num": "500", "method": ""},
    "pages/random_search.py": {"names": "random,oracle", "budget": "7", "lr": "1e400"},
    "pages/backprop.py": {"v": "x=1", "at": "-2"},
}


def open_link(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(params)
    return at.switch_page(page).run()


def _close(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a == pytest.approx(b, rel=1e-12)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _notes(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning if "could not be used" in w.value)


@pytest.mark.parametrize("page", list(LINKS))
def test_a_link_reproduces_its_settings(page):
    params, expected = LINKS[page]
    at = open_link(page, params)
    no_exceptions(at)
    assert not _notes(at), _notes(at)
    for key, value in expected.items():
        assert _close(at.session_state[key], value), (key, at.session_state[key], value)


@pytest.mark.parametrize("page", list(LINKS))
def test_the_address_bar_holds_what_the_link_set(page):
    params, _ = LINKS[page]
    at = open_link(page, params)
    written = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    for name, value in params.items():
        assert written.get(name) == value or _close(float(written[name]), float(value)), (name, written.get(name))


@pytest.mark.parametrize("page", list(TAMPERED))
def test_a_tampered_link_gets_a_note_naming_each_value_and_the_defaults(page):
    clean = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    clean.switch_page(page).run()
    at = open_link(page, TAMPERED[page])
    no_exceptions(at)
    notes = _notes(at)
    for name in TAMPERED[page]:
        assert f"`{name}=" in notes or f"`{name}`" in notes, (name, notes)
    keys_of = {"pages/backprop.py": ("bp.cursor",)}
    for key in keys_of.get(page, ()):
        assert at.session_state[key] == clean.session_state[key]
    # everything the link got wrong is at its default: the page's settings match a clean visit's
    assert {k: v for k, v in at.query_params.items()} == {k: v for k, v in clean.query_params.items()}


def test_unknown_names_are_named_and_the_rest_applies():
    at = open_link("pages/race.py", {"surface": "beale", "colour": "red"})
    assert "`colour` is not a setting of this page" in _notes(at)
    assert at.selectbox(key="surface").value == "beale"


def test_dismissing_the_note_removes_it():
    at = open_link("pages/digits.py", {"steps": "many"})
    assert _notes(at)
    at.button(key="_url_dismiss").click().run()
    assert not _notes(at)


def test_a_changed_widget_is_written_back_and_the_link_is_not_applied_again():
    at = open_link("pages/race.py", {"steps": "150"})
    at.number_input(key="steps").set_value(250).run()
    assert at.query_params["steps"] in ("250", ["250"])
    assert at.number_input(key="steps").value == 250


def test_a_custom_formula_in_a_link_is_raced_on():
    at = open_link("pages/race.py", {"surface": "custom", "f": "x**2 + 3*y**2", "w": "2"})
    no_exceptions(at)
    assert at.text_input(key="formula").value == "x**2 + 3*y**2"
    assert any("3" in m.value and "y" in m.value for m in at.latex)


def test_a_bad_formula_in_a_link_is_explained_and_the_default_surface_is_used():
    at = open_link("pages/race.py", {"surface": "custom", "f": "x +* y", "start": "0.5,0.5"})
    no_exceptions(at)
    assert "cannot be used" in " ".join(e.value for e in at.error)


def test_projection_mode_travels_in_the_link():
    at = open_link("pages/digits.py", {"projection": "1"})
    assert at.toggle(key="projection").value is True
    assert at.query_params["projection"] in ("1", ["1"])
    at.toggle(key="projection").set_value(False).run()
    assert "projection" not in at.query_params


def test_a_page_visited_again_gets_its_settings_back():
    at = open_link("pages/backprop.py", {"f": "a * b + c", "v": "a:2,b:3,c:4"})
    switch(at, "pages/digits.py")
    assert "f" not in at.query_params
    switch(at, "pages/backprop.py")
    assert at.text_input(key="bp.text").value == "a * b + c"
    assert at.number_input(key="bp.v.b").value == 3.0
    assert not _notes(at)


def test_the_share_box_holds_the_link_of_this_view():
    at = open_link("pages/race.py", {"surface": "beale", "opt": "adam"})
    link = at.get("code")[-1].value
    assert link.startswith("/race?") and "surface=beale" in link and "opt=adam" in link


def test_a_stale_address_sent_with_a_change_does_not_undo_it():
    # a browser may send a second change before the first run's new address reached it
    at = open_link("pages/random_search.py", {"budget": "200"})
    at.select_slider(key="rs.budget").set_value(10000).run()
    at.query_params["budget"] = "200"  # the address as the browser still shows it
    at.select_slider(key="rs.budget").set_value(5000).run()
    assert at.select_slider(key="rs.budget").value == 5000
    assert not _notes(at)


def test_a_backprop_link_without_a_formula_keeps_its_step_and_values():
    at = open_link("pages/backprop.py", {"v": "x:3", "at": "6"})
    assert at.session_state["bp.cursor"] == 6
    assert at.number_input(key="bp.v.x").value == 3.0
    assert at.number_input(key="bp.v.z").value == -4.0  # the lecture's value where the link names none
