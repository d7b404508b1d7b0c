"""What one optimizer record holds, and the checks and pieces the family modules share.

A factory takes hyperparameters and returns ``Optimizer(init, update)``:

    state = init(params)
    step, state = update(grads, state, params)     # then params = params + step

State is an immutable NamedTuple of arrays named as torch names its per-parameter state
(``momentum_buffer``, ``exp_avg`` ...); nothing is updated in place, so a recorded history never
aliases. ``update`` returns the step, not the new parameters: the step is the arrow a page draws.
Arrays may hold many points at once (shape ``(..., 2)``); a step counter is shared by all of them.
``lr`` may be an array broadcastable against them, e.g. ``(k, 1)`` for ``(k, 2)``: k learning rates at once.

An ``OptimizerSpec`` is everything gdviz knows about one optimizer, in one place: the factory, its
hyperparameters, its equations, the inspector's explainer, the torch class the snippet builds,
starting learning rates for surfaces and for classifiers, and its look on every chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: torch's name and default, a sensible range, and how to slide over it.

    A tuple default (Adam's ``betas``) has one component per entry of ``symbols``. ``kind`` is
    ``"float"`` (the usual), ``"int"`` (a whole number: L-BFGS's ``history_size``), ``"bool"`` (a switch
    such as ``amsgrad``; low and high are 0 and 1) or ``"choice"`` (one of ``choices``, e.g. a line search).
    """

    name: str
    default: float | tuple[float, ...] | bool | str | None
    low: float
    high: float
    log: bool = False
    symbols: tuple[str, ...] = ()
    help: str = ""
    kind: str = "float"
    choices: tuple = ()


class Torch(NamedTuple):
    """How torch builds the same optimizer: its class in ``torch.optim`` and the arguments gdviz fixes
    rather than exposes (Nesterov's ``nesterov=True``), as Python source.

    ``source``: for an optimizer torch.optim lacks (Lion), the Python source of a ``torch.optim.Optimizer``
    subclass named ``cls`` that a script defines and builds instead. ``closure``: torch's ``step`` needs the
    loss through a closure (L-BFGS), so a script calls ``optimizer.step(closure)``.
    """

    cls: str
    fixed: str = ""
    source: str = ""
    closure: bool = False


class Look(NamedTuple):
    """An optimizer's look on every chart: an Okabe–Ito color, a marker and a dash."""

    color: str
    symbol: str
    dash: str


@dataclass(frozen=True)
class OptimizerSpec:
    """A registry entry: the factory plus everything a page needs to present it."""

    name: str
    title: str
    factory: Callable[..., Optimizer]
    hyper: tuple[HyperParam, ...]
    latex: str  # the update equations, in the form torch computes them
    variant: str  # which variant, in one sentence
    explain: Callable  # (notation.Step) -> notation.Explanation: the inspector's lines and arrows
    torch: Torch
    look: Look
    start: dict = field(default_factory=dict)  # learning rates that move a point on a 2D surface
    linear_start: dict = field(default_factory=dict)  # ... and that train a linear classifier
    symbols: dict = field(default_factory=dict)  # state field -> the symbol its LaTeX uses
    # how the rule sees its parameters: "any" (elementwise: any shape, any grouping), "flat" (it reads the whole
    # vector at once, dot products and norms: a classifier or network hands it every parameter as one flat vector,
    # as torch's LBFGS flattens them) or "vector" (torch's rule for a matrix differs: points on a surface only)
    params: str = "any"

    def __call__(self, **hyper) -> Optimizer:
        resolved = self.resolve(hyper)
        if not resolved.pop("maximize", False):
            return self.factory(**resolved)
        return ascend(self.factory(**resolved))

    def defaults(self) -> dict:
        return {h.name: h.default for h in self.hyper}

    def resolve(self, hyper: dict) -> dict:
        """Defaults filled in; unknown names refused with a message that lists the known ones."""
        unknown = set(hyper) - {h.name for h in self.hyper}
        if unknown:
            known = ", ".join(h.name for h in self.hyper)
            raise ValueError(f"{self.name} has no hyperparameter {', '.join(sorted(unknown))} (it has {known})")
        return {**self.defaults(), **hyper}


def ascend(opt: Optimizer) -> Optimizer:
    """torch's ``maximize=True``: the optimizer sees −g in place of g (before weight decay, as torch does), so
    it climbs f. The factories never see ``maximize``: a record lists ``MAXIMIZE`` and this wraps them."""

    @takes(*takes_of(opt))
    def update(grads, state, params, **now):
        return opt.update(-grads, state, params, **now)

    return Optimizer(opt.init, update)


def takes(*names: str) -> Callable:
    """Marks an ``update`` that takes these hyperparameters by keyword, the factory's values by default:
    ``update(grads, state, params, lr=0.05)`` steps as ``factory(lr=0.05, ...)``'s update would, to the bit.
    A schedule hands it each step's values so, instead of building the optimizer again every step."""

    def mark(update: Callable) -> Callable:
        update.takes = frozenset(names)
        return update

    return mark


def takes_of(opt: Optimizer) -> frozenset:
    """The hyperparameters ``opt.update`` takes by keyword (``takes``); none for an unmarked one."""
    return getattr(opt.update, "takes", frozenset())


# --- checks the factories share ----------------------------------------------------------------


def check(ok, message: str) -> None:
    """Raise ``message`` unless ``ok`` (a truth value, or an array of them: all must hold). A single truth value
    skips numpy's reduction: a scheduled run of an update not marked ``takes`` builds its optimizer every step."""
    if not (ok if isinstance(ok, bool | np.bool_) else np.all(ok)):
        raise ValueError(message)


def check_lr(lr, name: str = "lr"):
    """A number, or an array of them broadcastable against the params' batch (``(k, 1)`` for
    ``(k, 2)`` params: one learning rate per point). Every entry must be finite and ≥ 0."""
    if np.ndim(lr) == 0:
        check(np.isfinite(lr) and lr >= 0, f"learning rate must be a finite number ≥ 0, got {lr}")
        return lr
    lr = np.array(lr, dtype=np.float64)  # a copy: the caller's array may change, the optimizer's must not
    bad = np.argwhere(~(np.isfinite(lr) & (lr >= 0)))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        raise ValueError(f"learning rate must be a finite number ≥ 0, got {lr[index]} at index {index} of {name}")
    lr.flags.writeable = False
    return lr


def check_betas(betas) -> None:
    check(len(betas) == 2, f"betas must be a pair (β1, β2), got {betas}")
    for i, b in enumerate(betas):
        check(0.0 <= b < 1.0, f"β{i + 1} must be in [0, 1), got {b}")


def check_nonnegative(**values) -> None:
    """Each named value ≥ 0 (eps, weight_decay ...), or a sentence naming the first that is not."""
    for name, v in values.items():
        check(v >= 0, f"{name} must be ≥ 0, got {v}")


def zeros(params) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=np.float64))


def lerp(a, b, w):
    """a + w·(b − a), evaluated as torch.lerp does, so moving averages match it to the last bit."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


# --- hyperparameters several optimizers share ---------------------------------------------------

LR = "learning rate"
BETAS = HyperParam("betas", (0.9, 0.999), 0.0, 0.9999, symbols=("β₁", "β₂"), help="decay rates of the two averages")


def lr_param(default: float, low: float = 1e-5, help: str = LR) -> HyperParam:
    return HyperParam("lr", default, low, 10.0, log=True, symbols=("η",), help=help)


def eps_param(default: float) -> HyperParam:
    return HyperParam("eps", default, 1e-12, 1e-1, log=True, symbols=("ε",), help="keeps the division finite")


def weight_decay_param(default: float = 0.0, help: str = "L2 penalty: adds λθ to the gradient") -> HyperParam:
    return HyperParam("weight_decay", default, 0.0, 1.0, symbols=("λ",), help=help)


MAXIMIZE = HyperParam("maximize", False, 0.0, 1.0, kind="bool", help="climb f instead: every gradient is negated")
