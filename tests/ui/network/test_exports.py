"""The network page's downloads, their pure pieces: the data as the page names it, and the PyTorch script of a
run as the page trains it (points, features, the run's resolved settings). The script's losses against
train_mlp's are tests/network/test_snippet.py's (under torch)."""

import base64
import re

import numpy as np

from gdviz import train_mlp
from gdviz.network.data import network_data
from gdviz.network.features import feature_matrix
from gdviz.ui.network.controls import NetworkSettings
from gdviz.ui.network.exports import page_data, snippet_of

SETTINGS = NetworkSettings(
    dataset="circles", noise=0.1, split=0.2, features=("x", "y", "x2", "y2"), hidden=(5,), activation="relu",
    loss="svm", optimizer="momentum", hyper={"lr": 0.1, "momentum": 0.8}, schedule=("cosine", {"T_max": 20}),
    steps=20, batch=30, reg=1e-3, seed=4,
)  # fmt: skip
DATA = network_data(SETTINGS.dataset, SETTINGS.noise, SETTINGS.split, SETTINGS.seed)


def test_page_data_names_what_draws_the_data():
    assert page_data(SETTINGS) == {
        "dataset": "circles", "noise": 0.1, "split": 0.2, "features": ("x", "y", "x2", "y2"), "seed": 4,
    }  # fmt: skip


def test_the_script_trains_the_pages_run():
    s = SETTINGS
    run = train_mlp(
        feature_matrix(DATA.train.X, s.features), DATA.train.y, hidden=s.hidden, activation=s.activation,
        loss=s.loss, optimizer=s.optimizer, steps=s.steps, batch_size=s.batch, reg=s.reg, seed=s.seed,
        schedule=s.schedule, **s.hyper,
    )  # fmt: skip
    src = snippet_of(run, DATA, s)
    compile(src, "snippet.py", "exec")
    text = "".join(re.findall(r'^ +"([A-Za-z0-9+/=]+)"$', src, flags=re.M))
    points = np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(-1, 2)
    np.testing.assert_array_equal(points, DATA.train.X)  # the training points, not the test set's
    assert "return torch.stack([x, y, x ** 2, y ** 2], dim=1)" in src
    assert "nn.Linear(4, 5),\n    nn.ReLU(),\n    nn.Linear(5, 2)," in src
    assert "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.8," in src
    assert "CosineAnnealingLR(optimizer, T_max=20, eta_min=0.0" in src
    assert "batch_size = 30\n" in src and "reg = 0.001  #" in src and "SeedSequence(4)" in src
    assert "steps = 20\n" in src and "on circles" in src.splitlines()[0]
