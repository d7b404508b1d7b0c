"""The race with L-BFGS's strong Wolfe line search: its choice comes from the record by itself, a link carries it,
and gradient noise, which it refuses, leaves the other racers running with a sentence."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from .conftest import ROOT, no_exceptions, stages

KEY = "hyper.lbfgs.line_search_fn"
LINK = {"opt": "sgd,lbfgs", "lbfgs.line_search_fn": "strong_wolfe", "surface": "rosenbrock"}


def _open(params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(params)
    return at.switch_page("pages/race.py").run()


def _legend(at: AppTest) -> list[str]:
    fig = stages(at)[0]["spec"]["panels"][1]["figure"]
    return [t.get("name") for t in fig["data"] if t.get("showlegend", True) and t.get("name")]


def test_a_link_races_lbfgs_with_its_line_search_and_keeps_it_in_the_address():
    at = _open(LINK)
    no_exceptions(at)
    assert at.selectbox(key=KEY).value == "strong_wolfe" and list(at.selectbox(key=KEY).options) == [
        "none",
        "strong_wolfe",
    ]
    assert not at.error, [e.value for e in at.error]
    assert any(name.startswith("L-BFGS") for name in _legend(at))
    written = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert written.get("lbfgs.line_search_fn") == "strong_wolfe"
    at.selectbox(key=KEY).set_value(None).run()  # back to none: the field leaves the link
    no_exceptions(at)
    assert at.query_params.get("lbfgs.line_search_fn") in (None, "none", ["none"])


def test_gradient_noise_refuses_the_line_search_and_the_others_still_run():
    at = _open(LINK)
    at.number_input(key="noise").set_value(0.5).run()
    no_exceptions(at)
    assert any("L-BFGS" in e.value and "noise" in e.value for e in at.error), [e.value for e in at.error]
    assert any(name.startswith("SGD") for name in _legend(at))
