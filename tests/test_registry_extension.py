"""Adding an optimizer is one record (ARCHITECTURE.md, "To add…"), proven by doing it: a copy of gdviz/ with one more
family module, optimizers/toy_family.py, whose record "toy" is SGD's rule under another name, title and look, and no
other file changed. A fresh interpreter imports that copy, and every place that lists or reads optimizers finds the
toy: the registry, run, the step inspector, the PyTorch snippets (surface, classifier, network), the classifier and
network trainers, exports, the palette, the presets' starting values, the widgets and the links.

The copy lives in a temporary directory and the check runs in its own interpreter, so the registry this session
imported is never touched, and the tables gdviz builds from the records at import time (the palette, the links) are
built as they would be for a record written in a file.
"""

from __future__ import annotations

import pytest

from .app_copy import copy_app
from .app_copy import probe as run_probe

TOY_FAMILY = '''"""A family for tests/test_registry_extension.py: SGD's record under another name, title and look."""

from dataclasses import replace

from .sgd_family import SPECS as _SGD_FAMILY
from .spec import Look

RANK = 99  # after every real family: the race lists it last
SPECS = (replace(_SGD_FAMILY[0], name="toy", title="Toy SGD", look=Look("#123456", "star", "dot")),)
'''
PROBE = r'''
import json, warnings
import numpy as np
warnings.simplefilter("ignore")  # streamlit without a server says so; the widgets then return their values
import gdviz
from gdviz import OPTIMIZERS, SURFACES, run, torch_snippet, train_linear, train_mlp
from gdviz.surface.inspector import arrows, explain_step, state_rows
from gdviz.export import race_arrays, race_rows
from gdviz.linear.data import add_bias, blobs
from gdviz.linear.snippet import linear_torch_snippet
from gdviz.network.snippet import mlp_torch_snippet
from gdviz.surface.presets import STARTING_HYPER
from gdviz.viz.palette import OPTIMIZER_STYLES
from gdviz.viz.race import race_figure
from gdviz.ui.links import fields_of
from gdviz.ui.network.controls import NETWORK_OPTIMIZERS
from streamlit.testing.v1 import AppTest

out = {"file": gdviz.__file__, "names": list(OPTIMIZERS)}
starts = np.array([[0.0, 0.0], [3.0, -2.0]])
toy, sgd = (run(SURFACES["himmelblau"], n, starts, 30, lr=0.01, weight_decay=0.1) for n in ("toy", "sgd"))
out["run"] = np.array_equal(toy.points, sgd.points) and toy.optimizer == "toy"
out["explain"] = all(
    explain_step(toy, t, 1) == explain_step(sgd, t, 1)
    and str(state_rows(toy, t, 1)) == str(state_rows(sgd, t, 1)).replace("SGD", "Toy SGD")  # the row names the title
    and all(np.array_equal(u, v) for u, v in zip(arrows(toy, t, 1).values(), arrows(sgd, t, 1).values(), strict=True))
    and list(arrows(toy, t, 1)) == list(arrows(sgd, t, 1))
    for t in (1, 5, 30)
)
out["snippet"] = torch_snippet(SURFACES["booth"], "toy", {"lr": 0.01}, (1.0, 2.0), 10)
data = blobs(n=30, noise=0.4, seed=1)
X, y = add_bias(data.X), data.y
lin = {n: train_linear(X, y, loss="softmax", optimizer=n, steps=5, lr=0.1) for n in ("toy", "sgd")}
out["linear"] = np.array_equal(lin["toy"].W, lin["sgd"].W)
out["linear_snippet"] = linear_torch_snippet(X, y, loss="svm", optimizer="toy", hyper={"lr": 0.1}, steps=5)
mlp = {n: train_mlp(data.X, y, hidden=(4,), optimizer=n, steps=5, lr=0.1, seed=0) for n in ("toy", "sgd")}
out["network"] = all(np.array_equal(a, b) for a, b in zip(mlp["toy"].losses, mlp["sgd"].losses))
out["network_snippet"] = mlp_torch_snippet(
    data.X, y, hidden=(4,), activation="tanh", loss="softmax", optimizer="toy", hyper={"lr": 0.1}, steps=5
)
out["network_choices"] = list(NETWORK_OPTIMIZERS)
out["rows"] = sorted({row["optimizer"] for row in race_rows({"toy": toy, "sgd": sgd})})
out["arrays"] = sorted(race_arrays({"toy": toy}))
out["style"] = list(OPTIMIZER_STYLES["toy"])
alone = {n: run(SURFACES["himmelblau"], n, (3.0, -2.0), 30, lr=0.01) for n in ("toy", "sgd")}  # one start each
fig = race_figure(SURFACES["himmelblau"], alone)
out["figure"] = sorted({t.name for t in fig.data if t.name and "Toy SGD" in t.name})
out["start"] = STARTING_HYPER["toy"]

PAGE = """
import streamlit as st
from gdviz import OPTIMIZERS
from gdviz.ui.widgets import hyper_widgets
st.session_state["values"] = hyper_widgets(OPTIMIZERS["toy"], "toy", start={"lr": 0.05})
"""
app = AppTest.from_string(PAGE).run()  # a page showing the toy's widgets, as the race's sidebar does
out["widgets"] = app.session_state["values"]
out["widget_keys"] = sorted(w.key for w in [*app.number_input, *app.checkbox, *app.toggle])
race = {f.param: f for f in fields_of("race")}
out["links"] = sorted(p for p in race if p.startswith("toy."))
out["sgd_links"] = sorted(p.replace("sgd.", "toy.", 1) for p in race if p.startswith("sgd."))
out["link_opt"] = race["opt"].read("sgd,toy")
print("PROBE" + json.dumps(out, default=str))
'''


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> dict:
    """What the copy of gdviz with the toy family reports, from its own interpreter."""
    copy = copy_app(tmp_path_factory.mktemp("extended"), whole=False)
    (copy / "gdviz" / "optimizers" / "toy_family.py").write_text(TOY_FAMILY)
    return run_probe(copy, PROBE, timeout=300)


def test_the_registry_lists_it_last_by_rank(probe):
    from gdviz import OPTIMIZERS

    assert probe["names"] == [*OPTIMIZERS, "toy"]
    assert "toy" not in OPTIMIZERS, "this session's registry is untouched"


def test_the_core_runs_it_as_the_rule_it_copies(probe):
    assert probe["run"], "run: the toy's path is SGD's, bit for bit"
    assert probe["linear"] and probe["network"], "train_linear and train_mlp take it"
    assert probe["explain"], "the inspector's lines, state rows and arrows, from the record's explainer"
    assert "toy" in probe["network_choices"]


def test_the_snippets_build_its_torch_class(probe):
    assert "optimizer = torch.optim.SGD([p], lr=0.01, weight_decay=0.0, maximize=False)" in probe["snippet"]
    assert probe["snippet"].startswith('"""Toy SGD on Booth, in PyTorch')
    assert "optimizer = torch.optim.SGD([W], lr=0.1, " in probe["linear_snippet"]
    assert "trained with Toy SGD" in probe["linear_snippet"] and "trained with Toy SGD" in probe["network_snippet"]
    assert "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, " in probe["network_snippet"]


def test_exports_and_figures_name_it(probe):
    assert probe["rows"] == ["sgd", "toy"] and probe["arrays"] == ["toy"]
    assert probe["style"][:3] == ["#123456", "star", "dot"], "the palette reads the record's look"
    assert probe["figure"] == ["Toy SGD"], "the race figure names its path by the record's title"


def test_widgets_and_links_are_built_from_its_record(probe):
    from gdviz import OPTIMIZERS

    sgd = OPTIMIZERS["sgd"]
    assert probe["start"] == sgd.start, "the presets' starting values"
    assert probe["widgets"] == {**sgd.defaults(), "lr": 0.05}
    assert probe["widget_keys"] == sorted(f"hyper.toy.{h.name}" for h in sgd.hyper)
    assert probe["links"] == probe["sgd_links"] and "toy.lr" in probe["links"], "the same link fields as SGD's"
    assert probe["link_opt"] == {"optimizers": ["sgd", "toy"]}
