"""Adding a surface is one entry, and a loss one record (ARCHITECTURE.md, "To add…"), proven by doing it: a copy of the
app whose gdviz/surface/functions.py holds one more ``Surface`` (a bowl named toy_bowl) and whose
gdviz/linear/losses.py holds one more ``LossSpec`` (softmax's functions under the name toy), no other file changed. A
fresh interpreter imports that copy: every place that lists or reads surfaces or losses finds them (the core's
runs, basins, the PyTorch scripts, random search's batched loss, the links), and AppTest opens the race on the
bowl and trains the linear classifier with the loss, from links, without an exception.

The copy lives in a temporary directory and runs in its own interpreter, so the registries this session imported
are never touched.
"""

from __future__ import annotations

import pytest

from .app_copy import copy_app, probe

pytestmark = pytest.mark.slow  # runs the app with AppTest, in a fresh interpreter

TOY_SURFACE = '''
SURFACES["toy_bowl"] = Surface(
    name="toy_bowl",
    title="Toy bowl",
    fxy=lambda x, y: x**2 + 2 * y**2,
    gradxy=lambda x, y: (2 * x, 4 * y),
    domain=((-2.0, 2.0), (-2.0, 2.0)),
    minima=_minima((0.0, 0.0)),
    latex=r"f(x, y) = x^2 + 2y^2",
    torch="return x**2 + 2 * y**2",
    start=(1.5, 1.5),
    description="A bowl added by tests/test_domain_extension.py.",
    lipschitz=4.0,
)
'''
TOY_LOSS = '''
LOSS_SPECS["toy"] = LOSS_SPECS["softmax"]._replace(name="toy", title="Toy cross-entropy")
'''
PROBE = r'''
import json, warnings
import numpy as np
warnings.simplefilter("ignore")
from streamlit.testing.v1 import AppTest

import gdviz
from gdviz import SURFACES, basin_map, run, torch_snippet, train_linear
from gdviz.linear.data import add_bias, blobs
from gdviz.linear.losses import LOSSES, TITLES
from gdviz.linear.search import batch_loss
from gdviz.linear.snippet import run_snippet
from gdviz.ui.links import fields_of
from gdviz.ui.url_state import read_params

out = {"file": gdviz.__file__, "surfaces": list(SURFACES), "losses": list(LOSSES), "title": TITLES.get("toy")}
bowl = SURFACES["toy_bowl"]
path = run(bowl, "sgd", bowl.start, 200, lr=0.1)
out["run"] = float(np.abs(path.points[-1]).max())
out["basins"] = sorted(np.unique(basin_map(bowl, "sgd", n=10, steps=100, lr=0.1).label).tolist())
out["snippet"] = "return x**2 + 2 * y**2" in torch_snippet(bowl, "sgd", {"lr": 0.1}, bowl.start, 10)
out["race_link"] = read_params(fields_of("race"), {"surface": "toy_bowl"})

d = blobs(n=90, seed=1)
X = add_bias(d.X)
toy, softmax = (train_linear(X, d.y, loss=name, optimizer="adam", steps=40, lr=0.05) for name in ("toy", "softmax"))
out["train"] = bool(np.array_equal(toy.W, softmax.W)) and toy.loss == "toy"
Ws = np.stack([toy.W, np.zeros_like(toy.W)])
out["batched"] = bool(np.array_equal(batch_loss(Ws, X, d.y, "toy"), batch_loss(Ws, X, d.y, "softmax")))
out["linear_snippet"] = "F.cross_entropy" in run_snippet(X, d.y, toy)
out["linear_link"] = read_params(fields_of("linear"), {"loss": "toy"})

def open_link(page, params):
    at = AppTest.from_file("app.py", default_timeout=120)
    at.query_params.update(params)
    return at.switch_page(page).run()

race = open_link("pages/race.py", {"surface": "toy_bowl", "opt": "sgd,adam", "steps": "60"})
out["race_errors"] = [e.value for e in race.exception] + [e.value for e in race.error]
out["race_surface"] = race.session_state["surface"]
out["race_stage"] = len(race.get("bidi_component"))
linear = open_link("pages/linear.py", {"loss": "toy", "steps": "50"})
out["linear_errors"] = [e.value for e in linear.exception] + [e.value for e in linear.error]
out["linear_loss"] = linear.session_state["lc.loss"]
print("PROBE" + json.dumps(out))
'''


def _insert_after_dict(text: str, opening: str, addition: str) -> str:
    """``addition`` right after the dict literal that ``opening`` starts (its closing brace at the line start)."""
    start = text.index(opening)
    end = text.index("\n}\n", start) + len("\n}\n")
    return text[:end] + addition + text[end:]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    copy = copy_app(tmp_path_factory.mktemp("domain") / "app")
    functions = copy / "gdviz" / "surface" / "functions.py"
    functions.write_text(_insert_after_dict(functions.read_text(), "SURFACES: dict[str, Surface] = {", TOY_SURFACE))
    losses = copy / "gdviz" / "linear" / "losses.py"
    losses.write_text(_insert_after_dict(losses.read_text(), "LOSS_SPECS: dict[str, LossSpec] = {", TOY_LOSS))
    return probe(copy, PROBE)


def test_the_core_finds_the_new_surface(report):
    assert report["surfaces"][-1] == "toy_bowl"
    assert report["run"] < 1e-6 and report["basins"] == [0]  # every start reaches the one minimum
    assert report["snippet"]


def test_the_core_finds_the_new_loss(report):
    assert report["losses"][-1] == "toy" and report["title"] == "Toy cross-entropy"
    assert report["train"] and report["batched"] and report["linear_snippet"]


def test_links_and_pages_take_them(report):
    assert report["race_link"] == [{"surface": "toy_bowl"}, []]
    assert report["linear_link"] == [{"lc.loss": "toy"}, []]
    assert report["race_errors"] == [] and report["race_surface"] == "toy_bowl" and report["race_stage"] >= 1
    assert report["linear_errors"] == [] and report["linear_loss"] == "toy"
