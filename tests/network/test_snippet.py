"""gdviz.network.snippet: the PyTorch script that trains what ``train_mlp`` trains.

Without torch: every script compiles, builds nn.Linear layers of the network's widths with the activation's
torch.nn module between them, names the torch optimizer and every hyperparameter, and embeds the inputs
exactly. With torch (skipped where it is not installed, and only those checks): the script's ``losses`` and
final weights equal ``train_mlp``'s to 1e-8 relative, for every optimizer a network takes, both losses, full
batch and mini-batch, with a schedule, and a diverging run stops at the same update.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re

import numpy as np
import pytest

from gdviz import OPTIMIZERS, train_mlp
from gdviz.linear.data import spiral
from gdviz.network.features import feature_matrix
from gdviz.network.snippet import NOT_TORCHS_RUN, mlp_torch_snippet
from gdviz.network.train import NOT_FOR_NETWORKS

from ..test_snippet import HYPER, TORCH_CLASS  # every optimizer's hyperparameters away from the defaults

DATA = spiral(n=60, noise=0.2, seed=0)
# classes of 20, 18 and 17: with 20 each, the hinge's ∂L/∂b of the last layer is exactly 0 at the start (every
# margin violated: each class gets 40 × (+1) and 20 × (−2)), rounding noise of 1e-17 either side of it, and
# Rprop and Lion step by its sign, so numpy and torch would take different steps for a reason that is no one's
X, Y = DATA.X[:55], DATA.y[:55]
# later in a run two such counts may tie again: Rprop, stepping by the sign of each gradient entry, then goes where
# the rounding sends it (measured: 18 of 40 losses apart by update 22, full batch); Lion mixes in its momentum
SIGN_TIES = {("rprop", "svm")}
NETWORK = [o for o in OPTIMIZERS if o not in NOT_FOR_NETWORKS and o not in NOT_TORCHS_RUN]
BATCHES = {"full": None, "mini": 16}
FEATURE_NAMES = ("x", "y", "x2", "xy", "sinx")


def hyper(optimizer: str) -> dict:
    """The away-from-default hyperparameters, at a learning rate that trains a classifier."""
    return {**HYPER[optimizer], **OPTIMIZERS[optimizer].linear_start}


def settings(optimizer="adam", loss="softmax", batch=None, **more) -> dict:
    base = dict(hidden=(8, 6), activation="tanh", loss=loss, optimizer=optimizer, steps=40, batch_size=batch)
    return {**base, "reg": 1e-3, "seed": 2, **more}


def snippet(X=X, y=Y, hyper_=None, **more) -> str:
    s = settings(**more)
    return mlp_torch_snippet(X, y, hyper=hyper(s["optimizer"]) if hyper_ is None else hyper_, **s)


def embedded(src: str) -> tuple[np.ndarray, list[int]]:
    """The inputs (or the points) and labels written into the script, read back without running it."""
    text = "".join(re.findall(r'^ +"([A-Za-z0-9+/=]+)"$', src, flags=re.M))
    N, D = map(int, re.search(r"^N, D, C = (\d+), (\d+), \d+$", src, flags=re.M).groups())
    width = 2 if "\npoints = torch.from_numpy(" in src else D
    labels = re.search(r"y = torch\.tensor\(\s*\[(.*?)\]\s*\)", src, flags=re.S)[1]
    values = np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(N, width)
    return values, [int(v) for v in labels.split(",")[:-1]]


# --- always: the source itself ----------------------------------------------------------------


@pytest.mark.parametrize("optimizer", NETWORK)
def test_script_compiles_and_names_the_torch_optimizer_and_every_value(optimizer):
    src = snippet(optimizer=optimizer, hyper_=HYPER[optimizer], batch=16)
    compile(src, "snippet.py", "exec")
    cls = TORCH_CLASS[optimizer]
    line = next(
        s for s in src.splitlines() if re.match(rf"optimizer = (torch\.optim\.)?{cls}\(model\.parameters\(\), ", s)
    )
    for name, value in HYPER[optimizer].items():
        written = f"({', '.join(map(repr, value))})" if isinstance(value, tuple) else repr(value)
        assert f"{name}={written}" in line
    assert "reg = 0.001  #" in src and "SeedSequence(2)" in src and "steps = 40\n" in src
    assert "rng_batches.permutation(N)" in src and "batch_size = 16\n" in src


@pytest.mark.parametrize("hidden, activation", [((8, 6), "tanh"), ((5,), "relu"), ((), "sigmoid"), ((3,), "linear")])
def test_the_network_is_nn_linear_layers_and_the_activation(hidden, activation):
    src = snippet(hidden=hidden, activation=activation)
    module = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "linear": "Identity"}[activation]
    widths = (2, *hidden, 3)
    lines = [f"    nn.Linear({a}, {b})," for a, b in zip(widths[:-1], widths[1:], strict=True)]
    expected = [line for layer in lines[:-1] for line in (layer, f"    nn.{module}(),")] + lines[-1:]
    body = re.search(r"model = nn\.Sequential\(\n(.*?)\n\)", src, flags=re.S)[1].splitlines()
    assert body == expected
    assert f"of widths {' → '.join(map(str, widths))}" in src


def test_the_loss_is_gdvizs():
    softmax, svm = snippet(loss="softmax"), snippet(loss="svm")
    assert "F.cross_entropy(model(X), y) + penalty()" in softmax and "margins" not in softmax
    assert "torch.relu(scores - correct[:, None] + 1)" in svm and "cross_entropy" not in svm
    for src in (softmax, svm):  # the weights only, not the biases
        assert "reg * sum((layer.weight * layer.weight).sum() for layer in linears)" in src


def test_the_inputs_are_embedded_exactly():
    inputs = np.column_stack([X, X[:, 0] * X[:, 1], np.sin(X[:, 0])])
    src = snippet(X=inputs)
    written, labels = embedded(src)
    np.testing.assert_array_equal(written, inputs)  # bit for bit
    assert labels == Y.tolist()
    assert "N, D, C = 55, 4, 3\n" in src and "D = 4 inputs, C = 3 classes" in src and "nn.Linear(4, 8)" in src
    assert "def inputs(points)" not in src


def test_features_are_computed_in_torch_from_their_records():
    src = snippet(features=FEATURE_NAMES)
    points, labels = embedded(src)
    np.testing.assert_array_equal(points, X)
    assert labels == Y.tolist()
    assert "    return torch.stack([x, y, x ** 2, x * y, torch.sin(x)], dim=1)\n" in src and "X = inputs(points)" in src
    assert "N, D, C = 55, 5, 3\n" in src and "D = 5 inputs (x, y, x², xy, sin x)" in src and "nn.Linear(5, 8)" in src


def test_a_schedule_is_torchs_scheduler():
    src = snippet(schedule=("step", {"step_size": 10, "gamma": 0.5}))
    assert "scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)" in src
    assert "    scheduler.step()" in src and "scheduler" not in snippet()


@pytest.mark.parametrize(
    "more, words",
    [
        ({"loss": "hinge"}, "unknown loss"),
        ({"activation": "gelu"}, "unknown activation"),
        ({"optimizer": "newton"}, "unknown optimizer"),
        ({"batch": 56}, "larger than the 55 examples"),
        ({"X": X.astype(np.float32)}, "float64"),
        ({"y": Y[:-1]}, "one label per row"),
        ({"hidden": 8}, "tuple of layer widths"),
        ({"hidden": (8, 0)}, "whole number ≥ 1 of units"),
        ({"features": ("x", "z")}, "unknown feature 'z'"),
        ({"X": np.tile(X, (1, 2)), "features": ("x",)}, r"2D points \(N, 2\), got 4 columns"),
        ({"X": np.tile(X, (1, 200))}, "55 × 400 numbers, too many"),
    ],
)
def test_refusals_in_words(more, words):
    with pytest.raises(ValueError, match=words):
        X_, y_ = more.pop("X", X), more.pop("y", Y)
        mlp_torch_snippet(X_, y_, hyper={}, **settings(**more))


@pytest.mark.parametrize("optimizer", sorted((set(NOT_FOR_NETWORKS) | set(NOT_TORCHS_RUN)) & set(OPTIMIZERS)))
def test_optimizers_whose_torch_run_differs_are_refused(optimizer):
    with pytest.raises(ValueError, match=optimizer):
        mlp_torch_snippet(X, Y, hyper={}, **settings(optimizer=optimizer))


# --- with torch: the training run itself ------------------------------------------------------


def run_script(src: str) -> tuple[dict, str]:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)  # tiny tensors: a second thread only waits, and on a busy machine for seconds
    namespace, out = {"__name__": "snippet"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(src, "snippet.py", "exec"), namespace)
    return namespace, out.getvalue()


def trained(namespace: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """The script's final parameters as gdviz holds them: W (fan_in, fan_out), b."""
    return [(m.weight.detach().numpy().T, m.bias.detach().numpy()) for m in namespace["linears"]]


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize(
    "optimizer, loss", [(o, loss) for o in NETWORK for loss in ("softmax", "svm") if (o, loss) not in SIGN_TIES]
)
def test_torch_trains_what_train_mlp_trains(optimizer, loss, batch):
    s = settings(optimizer, loss, BATCHES[batch])
    namespace, printed = run_script(mlp_torch_snippet(X, Y, hyper=hyper(optimizer), **s))
    run = train_mlp(X, Y, **s, **hyper(optimizer))
    assert run.reason == "steps"
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    for (W, b), (W_ref, b_ref) in zip(trained(namespace), run.params, strict=True):
        np.testing.assert_allclose(W, W_ref, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(b, b_ref, rtol=1e-8, atol=1e-12)
    assert run.losses[-1] != run.losses[0]  # the comparison covered moving parameters
    lines = printed.splitlines()
    assert lines[0].startswith("update     0") and lines[-1].startswith("after 40 updates")
    assert f"accuracy {run.final_acc:.1%}" in lines[-1]


def test_torch_computes_the_features_and_trains_on_them():
    s = settings("nadam", "softmax", 16, features=FEATURE_NAMES)
    namespace, _ = run_script(mlp_torch_snippet(X, Y, hyper=hyper("nadam"), **s))
    inputs = feature_matrix(X, FEATURE_NAMES)
    np.testing.assert_allclose(namespace["X"].numpy(), inputs, rtol=1e-15, atol=1e-16)
    del s["features"]
    run = train_mlp(inputs, Y, **s, **hyper("nadam"))
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "linear"])
def test_every_activation_with_a_schedule(activation):
    s = settings("momentum", "svm", 16, activation=activation, schedule=("onecycle", {"max_lr": 0.3}))
    namespace, _ = run_script(mlp_torch_snippet(X, Y, hyper={"lr": 0.1, "momentum": 0.9}, **s))
    run = train_mlp(X, Y, **s, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    assert type(namespace["scheduler"]).__name__ == "OneCycleLR" and run.lrs.max() == pytest.approx(0.3)


def test_a_diverging_run_stops_where_train_mlp_stops():
    s = settings("sgd", "softmax", None, steps=30)
    namespace, printed = run_script(mlp_torch_snippet(X, Y, hyper={"lr": 1e6}, **s))
    run = train_mlp(X, Y, **s, lr=1e6)
    assert run.reason == "diverged"
    assert len(namespace["losses"]) == run.iterations
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    assert f"diverged at update {run.diverged_at}" in printed
