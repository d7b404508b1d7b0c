"""The URL fields: what a page writes reads back to the same values; what cannot be used is named."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdviz.ui.links import fields_of, link_of
from gdviz.ui.nav import PAGES
from gdviz.ui.url_state import (
    MAX_LINK_VALUE,
    MAX_NOTES,
    choice,
    choices,
    flag,
    number,
    numbers,
    read_params,
    text,
    url_params,
)

FIELDS = [
    number("steps", "steps", 1, 5000, integer=True),
    number("lr", "lr", -1e6, 1e6),
    numbers("start", ("x", "y"), -1e6, 1e6),
    choice("view", "view", ("Race", "Basin map")),
    choices("opt", "opts", ["sgd", "adam", "nadam"]),
    flag("log", "log"),
    text("f", "formula"),
    number("scale", "scale", 0, 1e6, above=True),
]

states = st.fixed_dictionaries(
    {
        "steps": st.integers(1, 5000),
        "lr": st.floats(-1e6, 1e6, allow_nan=False),
        "x": st.floats(-1e6, 1e6, allow_nan=False),
        "y": st.floats(-1e6, 1e6, allow_nan=False),
        "view": st.sampled_from(("Race", "Basin map")),
        "opts": st.lists(st.sampled_from(["sgd", "adam", "nadam"]), unique=True),
        "log": st.booleans(),
        "formula": st.text(max_size=100),
        "scale": st.floats(1e-300, 1e6),
    }
)


@given(states)
def test_what_is_written_reads_back_to_the_same_values(state):
    values, notes = read_params(FIELDS, url_params(FIELDS, state))
    assert notes == []
    for key, v in state.items():
        if isinstance(v, float):
            assert math.isclose(values[key], v, rel_tol=1e-11, abs_tol=1e-300)
        else:
            assert values[key] == v


@pytest.mark.parametrize(
    ("param", "raw", "why"),
    [
        ("steps", "abc", "not a number"),
        ("steps", "2.5", "whole number"),
        ("steps", "0", "from 1 to 5,000"),
        ("lr", "nan", "not a finite number"),
        ("lr", "1e400", "not a finite number"),
        ("start", "1", "2 numbers"),
        ("start", "1,2e7", "each number"),
        ("view", "basin-maps", "one of race, basin-map"),
        ("opt", "sgd,newton", "`newton` is not one of"),
        ("opt", "sgd,sgd", "twice"),
        ("log", "yes", "0 or 1"),
        ("f", "x" * 501, "longer than 500"),
        ("scale", "0", "more than 0 and at most 1e+06"),
        ("steps", "1" * (MAX_LINK_VALUE + 1), "longer than 10,000"),
    ],
)
def test_a_value_that_cannot_be_used_is_named_with_the_reason(param, raw, why):
    values, notes = read_params(FIELDS, {param: raw})
    assert values == {}
    assert len(notes) == 1 and f"`{param}=" in notes[0] and why in notes[0], notes


def test_an_unknown_name_is_named():
    _, notes = read_params(FIELDS, {"steps": "10", "evil": "1"})
    assert notes == ["`evil` is not a setting of this page, so it was ignored"]


def test_a_long_value_is_shortened_in_the_note():
    _, notes = read_params(FIELDS, {"steps": "9" * 300})
    assert len(notes[0]) < 200


def test_fields_are_written_only_while_they_apply():
    race = fields_of("race")
    state = {"surface": "beale", "condition": 10.0, "optimizers": ["sgd"], "hyper.adam.lr": 0.1, "hyper.sgd.lr": 0.01}
    params = url_params(race, state)
    assert params == {"surface": "beale", "opt": "sgd", "sgd.lr": "0.01"}


@pytest.mark.parametrize("page", [p.url_path for p in PAGES])
def test_every_page_names_each_url_parameter_once(page):
    names = [f.param for f in fields_of(page)]
    assert len(names) == len(set(names))
    assert not {"embed", "embed_options"} & set(names)  # Streamlit keeps these for itself


@pytest.mark.parametrize("params", [{"x" * 120_000: "1"}, {"steps": "9" * 120_000}, {"f": "\n# x\n" * 30_000}])
def test_a_huge_link_gets_one_short_note(params):
    values, notes = read_params(FIELDS, params)
    assert values == {} and len(notes) == 1 and len(notes[0]) < 200 and "\n" not in notes[0], notes


def test_many_wrong_names_are_counted_not_listed():
    _, notes = read_params(FIELDS, {f"p{i}": "1" for i in range(50)})
    assert len(notes) == MAX_NOTES and notes[-1] == f"and {50 - MAX_NOTES + 1} more names or values, ignored as well"


@pytest.mark.parametrize("raw", ["basin-map", "Basin map", "BASIN-MAP", "basin map"])
def test_a_choice_is_read_as_written_in_links_or_as_its_label(raw):
    values, notes = read_params(FIELDS, {"view": raw})
    assert values == {"view": "Basin map"} and notes == []


def test_a_choice_that_is_none_of_the_options_is_named():
    values, notes = read_params(FIELDS, {"view": "Basin maps"})
    assert values == {} and len(notes) == 1 and "race, basin-map" in notes[0]


def test_every_page_with_widgets_names_its_link_and_home_has_only_the_global_fields():
    """A page's link is found through its PageEntry: a page that draws settings and names no link would lose
    them from the address bar."""
    with_settings = {p.url_path for p in PAGES if p.link}
    assert with_settings == {p.url_path for p in PAGES} - {""}
    assert [f.param for f in fields_of("")] == ["projection"] and link_of("").after is None
    for page in with_settings:
        assert len(fields_of(page)) > 1 and link_of(page) is link_of(page)


@pytest.mark.parametrize("raw", ["0", "-1", "-1e-3"])
def test_the_sweeps_learning_rates_must_be_positive_in_a_link_as_on_the_page(raw):
    """The sweep walks learning rates on a log scale (gdviz.surface.sweep.log_lrs takes 0 < low ≤ high)."""
    for param in ("sweep.low", "sweep.high"):
        values, notes = read_params(fields_of("race"), {"view": "learning-rate-sweep", param: raw})
        assert values == {"view": "Learning-rate sweep"} and len(notes) == 1 and "more than 0" in notes[0], notes
    values, notes = read_params(fields_of("race"), {"sweep.low": "1e-5", "sweep.high": "2"})
    assert values == {"sweep_low": 1e-5, "sweep_high": 2.0} and notes == []
