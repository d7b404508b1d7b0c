"""gdviz.snippet: the PyTorch script that takes a run's path.

Without torch: every script compiles and names the torch.optim class and every hyperparameter value, and
its f(x, y), run on numpy standing in for torch, equals the surface's own f. With torch (skipped where it
is not installed, and only those checks): the script's ``path`` equals ``gdviz.run``'s points and losses
to 1e-9 relative, for every optimizer on several surfaces, with and without gradient noise.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

import gdviz
from gdviz import OPTIMIZERS, SURFACES, custom_surface, quadratic, torch_snippet
from gdviz.snippet import snippet_filename, torch_function

from .torch_facts import TORCH

# hyperparameters away from every default, so the script must write the ones it was given; none chaotic on
# CASES (RMSprop at lr 0.02 on Rosenbrock turns torch's last-bit rounding into 1e-3 within 20 steps). Chosen by
# running them against torch: no record knows which values keep both paths within 1e-9 for 150 steps on these five
# surfaces, so this is the one row a new optimizer adds to the tests (ARCHITECTURE.md, "To add…")
HYPER = {
    "sgd": {"lr": 0.002, "weight_decay": 0.01},
    "momentum": {"lr": 0.002, "momentum": 0.8, "dampening": 0.1, "weight_decay": 0.01},
    "nesterov": {"lr": 0.002, "momentum": 0.85, "weight_decay": 0.01},
    "adagrad": {"lr": 0.3, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1, "eps": 1e-9},
    "rmsprop": {"lr": 0.01, "alpha": 0.95, "eps": 1e-7, "weight_decay": 0.01, "momentum": 0.5, "centered": True},
    "adadelta": {"lr": 0.9, "rho": 0.85, "eps": 1e-5, "weight_decay": 0.01},
    "adam": {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-7, "weight_decay": 0.01, "amsgrad": True},
    "adamw": {"lr": 0.05, "betas": (0.85, 0.995), "eps": 1e-8, "weight_decay": 0.1, "amsgrad": True},
    "nadam": {
        "lr": 0.05,
        "betas": (0.9, 0.99),
        "eps": 1e-8,
        "weight_decay": 0.01,
        "momentum_decay": 0.01,
        "decoupled_weight_decay": True,
    },
    # its first five steps are SGD with momentum at lr: Rosenbrock's start throws an Adam-sized lr away
    "radam": {"lr": 0.002, "betas": (0.85, 0.99), "eps": 1e-7, "weight_decay": 0.01, "decoupled_weight_decay": True},
    "adamax": {"lr": 0.05, "betas": (0.85, 0.99), "eps": 1e-7, "weight_decay": 0.01},
    "asgd": {"lr": 0.002, "lambd": 1e-3, "alpha": 0.6, "t0": 50.0, "weight_decay": 0.01},
    "rprop": {"lr": 0.005, "etas": (0.4, 1.3), "step_sizes": (1e-5, 2.0)},
    "lion": {"lr": 0.01, "betas": (0.85, 0.98), "weight_decay": 0.01},
    "adafactor": {"lr": 0.005, "beta2_decay": -0.7, "eps": (1e-20, 2e-3), "d": 1.2, "weight_decay": 0.01},
    # no line search: a larger step on the saddle's unbounded side turns last-bit rounding into 1e-9 by step 150
    "lbfgs": {"lr": 0.002, "history_size": 3, "tolerance_grad": 1e-6, "tolerance_change": 1e-8},
}
TORCH_CLASS = {name: facts["class"] for name, facts in TORCH.items()}  # torch's word (tests/torch_facts.py)
FORMULA = "sin(2*x) * exp(-y^2/4) + max(x, y)^2/10 + 0.1*abs(y - 1)"
CASES = {  # name -> (surface, start)
    "himmelblau": (SURFACES["himmelblau"], (-0.3, -0.9)),
    "rosenbrock": (SURFACES["rosenbrock"], (-1.2, 1.0)),
    "saddle": (SURFACES["saddle"], (-1.8, 0.001)),
    "valley_50": (quadratic(50.0), (-4.5, 2.0)),
    "custom": (custom_surface(FORMULA), (1.5, 2.0)),
}
# formulas whose translation is easy to get wrong: precedence, constants Python would refuse, ties, no variables
FORMULAS = [
    FORMULA,
    "min(x, 1/0) + y^2",
    "max(0, x) + relu(y) + abs(x - y) + min(x, y)",
    "2**x + x^-1 + y^-2 + (x*y)**0.5 + x**y",
    "-x^2 - -y + (-x)**3 - (x - 2*y) - (x + y) + x / y / 2 + x / (y / 2)",
    "exp(2)*x + sin(1)*y**2 + 2*3*x + y*(4 - 1) + pi*x + e*y + 10^3*x",
    "sigmoid(x) + tanh(y) + log(x^2 + 1) + sqrt(y^2 + 1) + cos(x*y)",
    "3",
]
NUMPY_AS_TORCH = SimpleNamespace(
    exp=np.exp,
    log=np.log,
    sqrt=np.sqrt,
    sin=np.sin,
    cos=np.cos,
    tanh=np.tanh,
    sigmoid=lambda a: 1 / (1 + np.exp(-a)),
    relu=lambda a: np.maximum(a, 0.0),
    abs=np.abs,
    maximum=np.maximum,
    minimum=np.minimum,
    tensor=np.float64,
)


def every_surface():
    yield from SURFACES.values()
    yield quadratic(50.0)
    yield from (custom_surface(text) for text in FORMULAS)


# --- always: the source itself ----------------------------------------------------------------


def test_every_optimizer_has_its_row_of_values_away_from_the_defaults():
    missing = sorted(set(OPTIMIZERS) - set(HYPER))
    assert not missing, (
        f"add {missing} to HYPER: values off every default whose torch path stays within 1e-9 of gdviz's"
    )


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("case", CASES)
def test_script_compiles_and_names_the_torch_optimizer_and_every_value(optimizer, case):
    surface, start = CASES[case]
    src = torch_snippet(surface, optimizer, HYPER[optimizer], start, 100)
    compile(src, snippet_filename(surface.name, optimizer), "exec")
    facts, spec = TORCH[optimizer], OPTIMIZERS[optimizer]
    assert bool(spec.torch.source) != facts["torch_optim"], "the record writes a class exactly where torch has none"
    module = "torch.optim." if facts["torch_optim"] else ""  # Lion: a class the script defines
    head = f"optimizer = {module}{TORCH_CLASS[optimizer]}([p], "
    line = next(line for line in src.splitlines() if line.startswith(head))
    assert facts["torch_optim"] or f"class {TORCH_CLASS[optimizer]}(torch.optim.Optimizer):" in src
    for name, value in HYPER[optimizer].items():
        written = f"({', '.join(map(repr, value))})" if isinstance(value, tuple) else repr(value)
        assert f"{name}={written}" in line
    for name, value in facts["fixed"].items():  # Nesterov's nesterov=True, L-BFGS's max_iter=1, max_eval=25
        assert f"{name}={value!r}" in line
    assert set(re.findall(r"(\w+)=", line)) == {*spec.defaults(), *facts["fixed"]}, "every argument, nothing else"
    assert f"p = torch.tensor([{start[0]!r}, {start[1]!r}], dtype=torch.float64, requires_grad=True)" in src
    assert "steps = 100\n" in src


def test_lion_is_a_class_the_script_defines_and_lbfgs_steps_through_a_closure():
    """What each record's ``torch`` says, the script does (torch itself runs them below, where installed)."""
    lion = torch_snippet(SURFACES["booth"], "lion", {"lr": 0.01}, (-8, -6), 20)
    assert "class Lion(torch.optim.Optimizer):" in lion and "torch.optim.Lion" not in lion
    assert "optimizer = Lion([p], lr=0.01, betas=(0.9, 0.99), weight_decay=0.0)\n" in lion
    lbfgs = torch_snippet(SURFACES["booth"], "lbfgs", {}, (-8, -6), 20)
    assert "optimizer = torch.optim.LBFGS([p], lr=1.0, history_size=100, tolerance_grad=1e-07, " in lbfgs
    assert "tolerance_change=1e-09, line_search_fn=None, max_iter=1, max_eval=25)\n" in lbfgs
    assert "    optimizer.step(lambda: loss)  #" in lbfgs and "optimizer.step()" not in lbfgs
    assert "def closure" not in lbfgs  # f at the step's start is all a step without a line search asks
    search = torch_snippet(SURFACES["booth"], "lbfgs", {"line_search_fn": "strong_wolfe"}, (-8, -6), 20)
    assert "line_search_fn='strong_wolfe', max_iter=1, max_eval=25)\n" in search
    assert "\n\n\ndef closure():\n" in search and "    optimizer.step(closure)  #" in search and "lambda" not in search
    adam = torch_snippet(SURFACES["booth"], "adam", {}, (-8, -6), 20)
    assert "    optimizer.step()  #" in adam and "class " not in adam and "lambda: loss" not in adam


def test_defaults_are_written_out_too():
    line = next(s for s in torch_snippet(SURFACES["beale"], "nadam", {}, (1, 1.5), 10).splitlines() if "NAdam(" in s)
    assert line.endswith(
        "NAdam([p], lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0, momentum_decay=0.004, "
        "decoupled_weight_decay=False, maximize=False)"
    )


@pytest.mark.parametrize("surface", list(every_surface()), ids=lambda s: s.title)
def test_f_computes_the_surface(surface):
    """The script's f with numpy standing in for torch: the same numbers as the surface's own f."""
    namespace = {"torch": NUMPY_AS_TORCH, "math": math}
    exec(torch_function(surface), namespace)
    (x0, x1), (y0, y1) = surface.domain
    x, y = np.meshgrid(np.linspace(x0, x1, 23), np.linspace(y0, y1, 19))
    with np.errstate(all="ignore"):
        got = np.broadcast_to(namespace["f"](x, y), x.shape)
        np.testing.assert_allclose(got, surface.fxy(x, y), rtol=1e-12, atol=1e-12, equal_nan=True)


def test_the_long_valley_takes_its_condition_number():
    assert "return 0.5 * (x**2 + 50.0 * y**2)" in torch_function(quadratic(50.0))
    assert "condition number κ = 50" in torch_function(quadratic(50.0))


def test_noise_block_only_with_noise():
    quiet = torch_snippet(SURFACES["booth"], "adam", {}, (-8, -6), 20)
    assert "rng" not in quiet and "numpy as np" not in quiet and "Needs torch:" in quiet
    noisy = torch_snippet(SURFACES["booth"], "adam", {}, (-8, -6), 20, noise=0.25, seed=7)
    assert "import numpy as np" in noisy and "noise = 0.25" in noisy
    assert "rng = np.random.default_rng(7)" in noisy
    assert "p.grad += noise * torch.from_numpy(rng.standard_normal(2))" in noisy


def test_file_name():
    assert snippet_filename("himmelblau", "adam") == "adam_on_himmelblau.py"
    assert snippet_filename("Six hump / camel", "NAdam") == "nadam_on_six_hump_camel.py"


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: torch_snippet(gdviz.Surface(**{**vars(SURFACES["saddle"]), "torch": ""}), "sgd", {}, (1, 1), 5),
            "no torch",
        ),
        (lambda: torch_snippet(SURFACES["saddle"], "bfgs", {}, (1, 1), 5), "unknown optimizer"),
        (lambda: torch_snippet(SURFACES["saddle"], "adam", {"momentum": 0.9}, (1, 1), 5), "no hyperparameter"),
        (lambda: torch_snippet(SURFACES["saddle"], "adam", {"lr": -1.0}, (1, 1), 5), "learning rate"),
        (lambda: torch_snippet(SURFACES["saddle"], "sgd", {"lr": np.ones((2, 1))}, (1, 1), 5), "one learning rate"),
        (lambda: torch_snippet(SURFACES["saddle"], "sgd", {}, [(1, 1), (2, 2)], 5), "one finite start"),
        (lambda: torch_snippet(SURFACES["saddle"], "sgd", {}, (1, 1), 5, noise=-1.0), "noise"),
        (
            lambda: torch_snippet(SURFACES["saddle"], "lbfgs", {"line_search_fn": "strong_wolfe"}, (1, 1), 5, noise=1),
            "noise to 0",
        ),
    ],
)
def test_refusals_in_words(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_the_torch_body_comes_with_the_surface_record():
    """A surface's torch body lives in its record: a copy under another name keeps it (same f, same body);
    a surface that carries none (its own fxy, no body) is refused in words."""
    saddle = SURFACES["saddle"]
    assert "return x**2 - y**2" in torch_function(gdviz.Surface(**{**vars(saddle), "name": "mine"}))
    own = gdviz.Surface(**{**vars(saddle), "fxy": lambda x, y: x**2 + y**2, "torch": ""})
    with pytest.raises(ValueError, match="no torch version of the surface"):
        torch_function(own)


# --- with torch: the path itself --------------------------------------------------------------


def torch_path(src: str) -> tuple[np.ndarray, str]:
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)  # tiny tensors: a second thread only waits, and on a busy machine for seconds
    namespace, out = {"__name__": "snippet"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(src, "snippet.py", "exec"), namespace)
    return np.array(namespace["path"]), out.getvalue()


def assert_same_path(surface, optimizer, start, steps, noise=0.0, seed=0, **hyper):
    path, printed = torch_path(torch_snippet(surface, optimizer, hyper, start, steps, noise=noise, seed=seed))
    run = gdviz.run(surface, optimizer, start, steps, noise=noise, seed=seed, **hyper)
    n = int(run.stopped_at) + 1  # run freezes the point after a stop; the script's path ends there
    assert len(path) == (n if run.reason_text() != "diverged" else max(n - 1, 1))  # a start without f: path[0]
    np.testing.assert_allclose(path[:, :2], run.points[: len(path)], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(path[:, 2], run.losses[: len(path)], rtol=1e-9, atol=1e-12)
    return run, printed


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("case", CASES)
def test_torch_takes_gdvizs_path(optimizer, case):
    surface, start = CASES[case]
    run, printed = assert_same_path(surface, optimizer, start, 150, **HYPER[optimizer])
    assert run.reason_text() == "max steps"  # the whole path was compared
    assert printed.splitlines()[0].startswith("step     0") and printed.splitlines()[-1].startswith("step   150")
    assert len(printed.splitlines()) == 11  # the start, every 10%, the end


@pytest.mark.parametrize("case", ["himmelblau", "rosenbrock", "valley_50", "custom"])
@pytest.mark.parametrize("hyper", [{}, {"lr": 0.5, "history_size": 10, "tolerance_grad": 1e-9}], ids=["default", "h10"])
def test_torch_takes_gdvizs_path_with_the_strong_wolfe_line_search(case, hyper):
    """The script's closure evaluates f afresh at each trial point, as the line search needs; the path is gdviz's.
    (Not every setting stays within 1e-9 on Rosenbrock: the script's f is torch's, last bits apart from numpy's,
    and at lr 0.3, history_size 5 the searches' comparisons of f magnify that to 7e-6 by step 60.)"""
    surface, start = CASES[case]
    run, _ = assert_same_path(surface, "lbfgs", start, 60, line_search_fn="strong_wolfe", **hyper)
    assert (run.grad_evals > run.stopped_at + 1).all(), "the line search really tried more than one step length"


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_torch_takes_gdvizs_noisy_path(optimizer):
    run, _ = assert_same_path(SURFACES["himmelblau"], optimizer, (-0.3, -0.9), 100, 2.0, 11, **HYPER[optimizer])
    clean = gdviz.run(SURFACES["himmelblau"], optimizer, (-0.3, -0.9), 100, **HYPER[optimizer])
    assert np.abs(run.points - clean.points).max() > 1e-3  # the noise moved the path: it was really compared


@pytest.mark.parametrize("optimizer", [n for n, spec in OPTIMIZERS.items() if "maximize" in spec.defaults()])
def test_torch_climbs_as_gdviz_does_with_maximize(optimizer):
    # Styblinski-Tang's local maximum at (0.157, 0.157) holds the climb: the script writes maximize=True
    surface, hyper = SURFACES["styblinski_tang"], {**HYPER.get(optimizer, {}), "maximize": True}
    assert "maximize=True" in torch_snippet(surface, optimizer, hyper, (1.5, -1.0), 5)
    run, _ = assert_same_path(surface, optimizer, (1.5, -1.0), 100, **hyper)
    assert run.reason_text() == "max steps" and surface.f(run.final) > surface.f(np.array([1.5, -1.0])) + 1


def test_a_tie_in_max_splits_the_gradient_as_torch_does():
    # on the diagonal torch.maximum gives each argument half of max's gradient, and so does gdviz
    run, _ = assert_same_path(custom_surface("max(x, y)^2"), "sgd", (1.0, 1.0), 1, lr=0.1)
    np.testing.assert_allclose(run.points[1], (0.9, 0.9))


def test_max_and_min_are_torchs_own_with_no_helper():
    src = torch_function(custom_surface("max(x, y) + min(x, 2*y)"))
    assert "torch.maximum(x, y) + torch.minimum(x, 2 * y)" in src
    assert src.startswith("def f(x, y):")  # no tie-routing helper before it


def test_a_step_into_infinite_loss_ends_the_path_at_the_same_step():
    # gdviz stops at the step whose point has f = inf (#16); the script's divergence test says the same
    run, printed = assert_same_path(custom_surface("exp(x**2+y**2)"), "sgd", (2.4, 2.4), 50, lr=1e-3)
    assert run.diverged_at == 1 and "diverged at step 1" in printed


def test_an_overflowing_optimizer_state_ends_the_path_at_the_same_step():
    # at x = 5.9 the gradient is ~4e160: finite, but its square overflows Adagrad's sum (the step itself is 0)
    run, printed = assert_same_path(custom_surface("exp(exp(x)) + y**2"), "adagrad", (5.9, 1.0), 50, lr=0.1)
    assert run.diverged_at == 1 and "diverged at step 1" in printed


def test_a_diverging_run_ends_where_gdviz_freezes_it():
    run, printed = assert_same_path(SURFACES["rosenbrock"], "sgd", (-1.2, 1.0), 50, lr=0.01)
    assert run.reason_text() == "diverged"
    assert f"diverged at step {run.stopped_at}" in printed


@pytest.mark.parametrize("text", FORMULAS[1:])
def test_torch_takes_gdvizs_path_on_awkward_formulas(text):
    surface = custom_surface(text)
    assert_same_path(surface, "adam", surface.start, 40, lr=0.05)
