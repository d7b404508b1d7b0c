"""A public-server audit's reproducers, and visitor text shown as text everywhere.

First each crash and injection the audit found, as its link reproduces it: the page explains in a sentence,
keeps the other settings and shows no traceback. Then every string of ``INJECTIONS`` goes through every place
visitor text reaches the screen (a link's names and values on every page, the race's formula and optimizers,
backprop's formula and input names, typed or linked): whatever Markdown element shows it must leave the
string's markup inside code spans, where nothing is parsed.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gdviz.ui.literal import clip
from gdviz.ui.nav import PAGES

from ..markdown_text import INJECTIONS, code_spans, markup_outside_code
from .conftest import no_exceptions, stages
from .test_links import open_link

MARKDOWN = ("markdown", "caption", "error", "warning", "info", "success")  # elements whose body is Markdown


def _notes(at: AppTest) -> str:
    notes = [w.value for w in at.warning if "could not be used" in w.value]
    assert len(notes) <= 1, notes
    return notes[0] if notes else ""


def _shown_as_text(at: AppTest, markers: tuple[str, ...]) -> None:
    """No Markdown element of the page leaves a marker of the visitor's text to the Markdown parser."""
    no_exceptions(at)
    for kind in MARKDOWN:
        for element in at.get(kind):
            assert markup_outside_code(element.value, markers) == [], (kind, element.value)


# ---------------------------------------------------------------- the audit's reproducers


@pytest.mark.parametrize("data", ["moons", "circles", "xor"])
def test_a_link_adding_a_class_the_data_set_lacks_is_explained(data):
    at = open_link("pages/linear.py", {"data": data, "pts": "0:0:2", "steps": "50"})
    no_exceptions(at)
    assert "`pts=0:0:2` cannot be used" in _notes(at) and "classes 0 and 1 only" in _notes(at)
    assert at.session_state["lc.data"] == data and at.session_state["lc.steps"] == 50
    assert "lc.added" not in at.session_state
    assert stages(at)  # the classifier is drawn


def test_points_of_a_class_the_new_data_set_lacks_are_removed():
    at = open_link("pages/linear.py", {"pts": "0:0:2;0.5:0.5:1"})  # blobs has three classes
    assert at.session_state["lc.added"] == [(0.0, 0.0, 2), (0.5, 0.5, 1)]
    at.selectbox(key="lc.data").set_value("moons").run()
    no_exceptions(at)
    assert any("1 added point removed: Moons has classes 0 and 1 only" in i.value for i in at.sidebar.info)
    assert at.session_state["lc.added"] == [(0.5, 0.5, 1)]
    assert stages(at)


def test_a_link_with_zero_scale_step_or_rate_gets_a_note_and_the_defaults():
    at = open_link("pages/random_search.py", {"scale": "0", "step": "0", "lr": "0", "budget": "50"})
    no_exceptions(at)
    for param in ("scale", "step", "lr"):
        assert f"`{param}=0` cannot be used (it must be more than 0" in _notes(at)
    assert (at.session_state["rs.scale"], at.session_state["rs.step"], at.session_state["rs.lr"]) == (1e-4, 1e-4, 1e-2)
    assert at.select_slider(key="rs.budget").value == 50
    assert not at.error and not at.button(key="rs.run").disabled


@pytest.mark.parametrize("key", ["rs.scale", "rs.step", "rs.lr"])
def test_a_typed_zero_is_explained_and_the_search_does_not_run(key):
    at = open_link("pages/random_search.py", {"budget": "50"})
    at.number_input(key=key).set_value(0.0).run()
    (error,) = at.error
    assert "cannot run until" in error.value and "(now 0) is more than 0" in error.value
    assert at.button(key="rs.run").disabled
    at.session_state["rs.go"] = True  # a click on Run sent before the rerun that disabled it
    at.run()
    no_exceptions(at)
    assert at.number_input(key=key).value == 0.0 and at.select_slider(key="rs.budget").value == 50
    assert "rs.results" not in at.session_state


def test_a_zero_rate_matters_only_to_the_strategy_that_uses_it():
    at = open_link("pages/random_search.py", {"names": "random,local", "lr": "1"})
    at.number_input(key="rs.lr").set_value(0.0).run()
    assert not at.error and not at.button(key="rs.run").disabled


def test_a_link_name_cannot_write_a_heading_or_a_link():
    raw = "\n\n# Session expired\n\n[Log in again](https://evil.example/login)"
    at = open_link("pages/home.py", {raw: "1"})
    no_exceptions(at)
    note = _notes(at)
    assert markup_outside_code(note, ("Session expired", "evil", "\n\n")) == [], note
    assert "⏎⏎# Session expired⏎⏎[Log in again](https://evil.example/login)" in code_spans(note)[0]


def test_a_link_value_cannot_write_a_link():
    at = open_link("pages/race.py", {"opt": "sgd\n\n[Log in](https://evil.example)", "steps": "90"})
    no_exceptions(at)
    note = _notes(at)
    assert markup_outside_code(note, ("Log in", "evil", "\n\n")) == [], note
    assert "opt=sgd⏎⏎[Log in](https://evil.example)" in code_spans(note)[0]
    assert at.number_input(key="steps").value == 90


@pytest.mark.parametrize(("formula", "marker"), [("www.evil.example", "evil"), ("__import__", "import")])
def test_a_formula_error_quotes_the_formula_as_text(formula, marker):
    at = open_link("pages/backprop.py", {"f": formula, "v": "x:3"})
    no_exceptions(at)
    (error,) = at.error
    assert markup_outside_code(error.value, (marker,)) == [], error.value
    assert any(formula in span for span in code_spans(error.value)[0])
    assert "This formula cannot be used" in error.value and at.number_input(key="bp.v.x").value == 3.0


def test_a_huge_link_gets_one_short_note_and_the_defaults():
    clean = open_link("pages/race.py", {})
    for params in ({"x" * 120_000: "1"}, {"steps": "9" * 120_000}, {"f": "x+" * 60_000, "surface": "custom"}):
        at = open_link("pages/race.py", params)
        no_exceptions(at)
        note = _notes(at)
        assert note.count("\n- ") == 1 and len(note) < 400, len(note)
        assert at.number_input(key="steps").value == clean.number_input(key="steps").value


# ---------------------------------------------------------------- every place visitor text is shown


@pytest.mark.parametrize("name", INJECTIONS)
@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_a_link_name_and_value_are_shown_as_text_on_every_page(page, name):
    raw, markers = INJECTIONS[name]
    at = open_link(page, {raw: "1", "projection": raw})
    _shown_as_text(at, markers)
    spans = code_spans(_notes(at))[0]
    assert clip(raw) in spans and clip("projection=" + raw) in spans, spans


@pytest.mark.parametrize("name", INJECTIONS)
def test_the_race_formula_and_optimizers_of_a_link_are_shown_as_text(name):
    raw, markers = INJECTIONS[name]
    at = open_link("pages/race.py", {"surface": "custom", "f": raw, "opt": raw})
    _shown_as_text(at, markers)
    assert "This formula cannot be used" in at.sidebar.error[0].value
    assert clip("f=" + raw) in code_spans(_notes(at))[0]


@pytest.mark.parametrize("name", INJECTIONS)
def test_a_typed_race_formula_is_shown_as_text(name):
    raw, markers = INJECTIONS[name]
    at = open_link("pages/race.py", {"surface": "custom"})
    at.text_input(key="formula").set_value(raw).run()
    _shown_as_text(at, markers)
    assert "This formula cannot be used" in at.sidebar.error[0].value


@pytest.mark.parametrize("name", INJECTIONS)
def test_the_backprop_formula_and_input_names_of_a_link_are_shown_as_text(name):
    raw, markers = INJECTIONS[name]
    at = open_link("pages/backprop.py", {"f": raw, "v": f"{raw}:oops"})
    _shown_as_text(at, markers)
    assert "This formula cannot be used" in at.error[0].value


@pytest.mark.parametrize("name", INJECTIONS)
def test_a_typed_backprop_formula_is_shown_as_text(name):
    raw, markers = INJECTIONS[name]
    at = open_link("pages/backprop.py", {})
    at.text_input(key="bp.text").set_value(raw).run()
    _shown_as_text(at, markers)
    assert "This formula cannot be used" in at.error[0].value
