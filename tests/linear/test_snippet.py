"""gdviz.linear.snippet: the PyTorch script that trains what ``train_linear`` trains.

Without torch: every script compiles, names the torch.optim class and every hyperparameter, and embeds the
data exactly (the features' bytes, the labels, the bias column rebuilt). With torch (skipped where it is
not installed, and only those checks): the script's ``losses`` and final W equal ``train_linear``'s to 1e-8
relative, for every optimizer, both losses, full batch and mini-batch.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re

import numpy as np
import pytest

from gdviz import OPTIMIZERS, train_linear
from gdviz.linear.data import add_bias, blobs, load_digits, train_test_split
from gdviz.linear.snippet import linear_torch_snippet, run_snippet

from ..test_snippet import HYPER as SURFACE_HYPER
from ..test_snippet import TORCH_CLASS  # the torch class each optimizer must name, torch's own word

HYPER = {  # away from the defaults, so the script must write what it was given
    "sgd": {"lr": 0.5},
    "momentum": {"lr": 0.2, "momentum": 0.8},
    "nesterov": {"lr": 0.2, "momentum": 0.85},
    "adagrad": {"lr": 0.3, "eps": 1e-9},
    "rmsprop": {"lr": 0.01, "alpha": 0.95, "eps": 1e-7, "momentum": 0.5},
    "adadelta": {"lr": 0.9, "rho": 0.85, "eps": 1e-5},
    "adam": {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-7, "weight_decay": 0.01},
    "adamw": {"lr": 0.05, "betas": (0.85, 0.995), "eps": 1e-8, "weight_decay": 0.1},
    "nadam": {"lr": 0.05, "betas": (0.9, 0.99), "eps": 1e-8, "momentum_decay": 0.01},
    "radam": {"lr": 0.05, "betas": (0.85, 0.99), "eps": 1e-7, "weight_decay": 0.01, "decoupled_weight_decay": True},
    "adamax": {"lr": 0.05, "betas": (0.85, 0.99), "eps": 1e-7, "weight_decay": 0.01},
    "rprop": {"lr": 0.02, "etas": (0.4, 1.3), "step_sizes": (1e-5, 10.0)},
    "asgd": {"lr": 0.3, "lambd": 1e-3, "alpha": 0.7, "t0": 20.0, "weight_decay": 0.01},
    "lion": {"lr": 0.02, "betas": (0.85, 0.98), "weight_decay": 0.01},
    "lbfgs": {"lr": 0.1, "history_size": 7, "tolerance_grad": 1e-9, "tolerance_change": 1e-11},
}
CLASSIFIERS = [name for name, spec in OPTIMIZERS.items() if spec.params != "vector"]  # Adafactor: vectors only
# a classifier without a row here takes the surface tests' row at its record's classifier learning rate, as the
# network tests do for every optimizer: a new optimizer needs no row of its own unless torch's path parts from gdviz's
HYPER |= {
    n: {**SURFACE_HYPER[n], **OPTIMIZERS[n].linear_start} for n in CLASSIFIERS if n in SURFACE_HYPER.keys() - HYPER
}
DATA = blobs(n=150, noise=0.4, seed=1)  # overlapping classes: the hinge keeps active margins to the end
X, Y = add_bias(DATA.X), DATA.y
BATCHES = {"full": None, "mini": 32}


def snippet(loss="softmax", optimizer="adam", batch=None, X=X, y=Y, steps=80, hyper=None, **settings):
    hyper = HYPER.get(optimizer, {}) if hyper is None else hyper
    return linear_torch_snippet(
        X, y, loss=loss, optimizer=optimizer, hyper=hyper, steps=steps, batch_size=batch, **settings
    )


def embedded(src: str) -> tuple[np.ndarray, list[int]]:
    """The features and labels written into the script, read back without running it."""
    text = "".join(re.findall(r'^ +"([A-Za-z0-9+/=]+)"$', src, flags=re.M))
    shape = re.search(r"\)\.reshape\(N, (\d+)\)", src)
    features = np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(-1, int(shape[1]))
    labels = re.search(r"y = torch\.tensor\(\s*\[(.*?)\]\s*\)", src, flags=re.S)[1]
    return features, [int(v) for v in labels.replace(",", " ").split()]


# --- always: the source itself ----------------------------------------------------------------


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("optimizer", CLASSIFIERS)
def test_script_compiles_and_names_the_torch_optimizer_and_every_value(optimizer, loss, batch):
    src = snippet(loss, optimizer, BATCHES[batch], reg=0.003, seed=5)
    compile(src, "snippet.py", "exec")
    where = "" if OPTIMIZERS[optimizer].torch.source else "torch.optim."  # Lion: a class the script defines
    line = next(s for s in src.splitlines() if s.startswith(f"optimizer = {where}{TORCH_CLASS[optimizer]}([W], "))
    for name, value in HYPER[optimizer].items():
        written = f"({', '.join(map(repr, value))})" if isinstance(value, tuple) else repr(value)
        assert f"{name}={written}" in line
    assert "reg = 0.003  #" in src and "SeedSequence(5)" in src and "steps = 80\n" in src
    assert ("F.cross_entropy" in src) == (loss == "softmax")
    assert ("rng_batches.permutation(N)" in src) == (batch == "mini")


def test_the_data_is_embedded_exactly():
    src = snippet()
    features, labels = embedded(src)
    np.testing.assert_array_equal(features, DATA.X)  # bit for bit
    assert labels == Y.tolist()
    assert "np.hstack([features, np.ones((N, 1))])" in src  # the bias column comes back as ones
    assert "N, D, C = 150, 3, 3\n" in src


def test_data_without_a_bias_column_is_written_as_it_is():
    src = snippet(X=DATA.X)
    features, _ = embedded(src)
    np.testing.assert_array_equal(features, DATA.X)
    assert "np.ones" not in src and "N, D, C = 150, 2, 3\n" in src


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"loss": "hinge"}, "unknown loss"),
        ({"optimizer": "newton"}, "unknown optimizer"),
        ({"optimizer": "adafactor"}, "Adafactor is written here for a vector of parameters"),
        ({"optimizer": "lbfgs", "hyper": {"line_search_fn": "strong_wolfe"}}, "surfaces only"),
        ({"batch": 151}, "larger than the 150 examples"),
        ({"X": X.astype(np.float32)}, "float64"),
        ({"y": Y[:-1]}, "one label per row"),
    ],
)
def test_refusals_in_words(settings, words):
    with pytest.raises(ValueError, match=words):
        snippet(**settings)


def test_the_digits_are_too_big_to_embed():
    train, _ = train_test_split(load_digits(), test_fraction=0.2, seed=0)
    with pytest.raises(ValueError, match=rf"{len(train.y):,} × 64 numbers, too many"):
        linear_torch_snippet(add_bias(train.X), train.y, loss="softmax", optimizer="sgd", hyper={}, steps=5)


# --- with torch: the training run itself ------------------------------------------------------


def run_script(src: str) -> tuple[dict, str]:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)  # tiny tensors: a second thread only waits, and on a busy machine for seconds
    namespace, out = {"__name__": "snippet"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(src, "snippet.py", "exec"), namespace)
    return namespace, out.getvalue()


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("loss", ["softmax", "svm"])
@pytest.mark.parametrize("optimizer", CLASSIFIERS)
def test_torch_trains_what_train_linear_trains(optimizer, loss, batch):
    # L-BFGS on mini-batches pairs curvature from different batches: a last-bit difference grows about a
    # millionfold by update 55 (as in a chaotic race), so the two are compared over the 40 updates before
    steps = 40 if optimizer == "lbfgs" and batch == "mini" else 80
    settings = {"reg": 1e-3, "seed": 2}
    namespace, printed = run_script(snippet(loss, optimizer, BATCHES[batch], steps=steps, **settings))
    run = train_linear(
        X, Y, loss=loss, optimizer=optimizer, steps=steps, batch_size=BATCHES[batch], **settings, **HYPER[optimizer]
    )
    assert run.reason == "steps"
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    np.testing.assert_allclose(namespace["W"].detach().numpy(), run.W, rtol=1e-8, atol=1e-12)
    assert run.losses[-1] < run.losses[0]  # it trained: the comparison covered a moving W
    lines = printed.splitlines()
    assert lines[0].startswith("update     0") and lines[-1].startswith(f"after {steps} updates")
    assert f"accuracy {run.final_acc:.1%}" in lines[-1]


def test_a_diverging_run_stops_where_train_linear_stops():
    namespace, printed = run_script(snippet("softmax", "sgd", steps=30, hyper={"lr": 1e9}))
    run = train_linear(X, Y, loss="softmax", optimizer="sgd", steps=30, lr=1e9)
    assert run.reason == "diverged"
    assert len(namespace["losses"]) == run.iterations
    np.testing.assert_allclose(namespace["losses"], run.losses, rtol=1e-8)
    assert f"diverged at update {run.diverged_at}" in printed


def test_a_runs_snippet_carries_every_setting_of_the_run():
    """run_snippet passes a LinearRun's own settings on (the page's download and the benchmark call it), schedule
    and mini-batch included."""
    run = train_linear(
        X,
        Y,
        loss="svm",
        optimizer="adam",
        steps=30,
        batch_size=32,
        reg=0.01,
        seed=4,
        schedule=("step", {"step_size": 10}),
        lr=0.05,
    )
    expected = snippet("svm", "adam", 32, steps=30, hyper=run.hyper, reg=0.01, seed=4, schedule=run.schedule)
    assert run_snippet(X, Y, run, "data") == expected
