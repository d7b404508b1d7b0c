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
starting learning rates for surfaces and for classifiers, and its look on every chart. A
``HyperParam`` holds its value's two ranges: the page's (``low``–``high``) and the core's (``bounds``);
the record checks the core's before the factory runs, so a factory checks only what ties its values
together (Rprop's step_sizes: min ≤ max).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


class Optimizer(NamedTuple):
    init: Callable
    update: Callable


class Bounds(NamedTuple):
    """What the core accepts of one number: from ``low`` to ``high``, an end left out when ``open`` names it
    ("low", "high" or "both"); ±inf where there is no end. A number must be finite besides."""

    low: float = -math.inf
    high: float = math.inf
    open: str = ""

    def holds(self, v):
        """Whether ``v`` is finite and within: a truth value, or an array of them for an array."""
        above = v > self.low if self.open in ("low", "both") else v >= self.low
        below = v < self.high if self.open in ("high", "both") else v <= self.high
        if v.__class__ is float or v.__class__ is int or np.ndim(v) == 0:  # plain Python first: a rebuild each step
            return bool(above and below and math.isfinite(v))
        return np.isfinite(v) & above & below

    def text(self) -> str:
        """How a sentence says it: "≥ 0", "> 0", "≤ 0", "in [0, 1)", or "a finite number" without ends."""
        left = "(" if self.open in ("low", "both") else "["
        right = ")" if self.open in ("high", "both") else "]"
        if math.isinf(self.low) and math.isinf(self.high):
            return "a finite number"
        if math.isinf(self.high):
            return f"{'>' if left == '(' else '≥'} {self.low:g}"
        if math.isinf(self.low):
            return f"{'<' if right == ')' else '≤'} {self.high:g}"
        return f"in {left}{self.low:g}, {self.high:g}{right}"


ANY = Bounds()  # any finite number
NONNEGATIVE = Bounds(0.0)
UNIT = Bounds(0.0, 1.0)  # a fraction: dampening, RMSprop's α, Adadelta's ρ
LR_BOUNDS = NONNEGATIVE  # every learning rate: a notebook may pass lr = 100 and watch it diverge
PLAIN = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")  # β₁ -> β1 in a sentence


def within(value, bounds: Bounds, what: str, *, whole: bool = False, name: str = ""):
    """``value`` if it is within ``bounds`` (and a whole number when ``whole``), else a ValueError saying so:
    "learning rate must be ≥ 0, got -0.1". An array (one learning rate per start) is checked entry by entry,
    the first bad one named by its index in ``name``, and comes back as a read-only copy: the caller's array
    may change, the optimizer's must not."""
    if value.__class__ is float or value.__class__ is int or np.ndim(value) == 0:
        if bounds.holds(value) and (not whole or float(value).is_integer()):
            return value
        said = bounds.text()
        if whole:
            said = f"a whole number {said}"
        elif not math.isfinite(value) and bounds != ANY:
            said = f"a finite number {said}"
        raise ValueError(f"{what} must be {said}, got {value}")
    array = np.array(value, dtype=np.float64)
    bad = np.argwhere(~bounds.holds(array))
    if len(bad):
        index = tuple(int(i) for i in bad[0])
        raise ValueError(f"{what} must be {bounds.text()}, got {array[index]} at index {index} of {name or what}")
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class HyperParam:
    """One hyperparameter: torch's name and default, its two ranges, and how to slide over it.

    ``low``–``high`` is the page's range: where its widget steps from and its tuning grid looks, and a whole
    number's widget and link stay within it (L-BFGS's history_size: each pair costs memory on every start).
    ``bounds`` is the core's: what the record checks before the factory runs, and what a link accepts; it is
    wider where the core takes more than a page offers (a learning rate of 100, history_size 1000 in a
    notebook). A float's widget takes any number, so one out of bounds reaches the core, whose sentence says
    why (``what`` names it there: "learning rate"). A tuple's numbers may each have their own (Rprop's etas).

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
    bounds: Bounds | tuple[Bounds, ...] = ANY
    what: str = ""

    def bound(self, i: int = 0) -> Bounds:
        """The core's bounds of the value, or of a tuple's ``i``-th number."""
        return self.bounds if isinstance(self.bounds, Bounds) else self.bounds[i]

    def part(self, i: int) -> str:
        """How a sentence names a tuple's ``i``-th number: "β1 (betas[0])"."""
        symbol = self.symbols[i].translate(PLAIN) + " " if self.symbols else ""
        return f"{symbol}({self.name}[{i}])" if symbol else f"{self.name}[{i}]"

    def checked(self, value, what: str = ""):
        """``value`` if the core accepts it (each number within its bounds, a whole number for an "int", as many
        numbers as the default has), else a ValueError saying what it must be. Switches and choices pass:
        they are not numbers (the factory checks a choice). ``what``: how the sentence names it."""
        what = what or self.what or self.name
        if self.kind in ("bool", "choice", "schedulers"):
            return value
        if self.kind == "ints":  # a list of whole numbers (a schedule's milestones), all within the same bounds
            check(all(self.bound().holds(v) for v in value), f"{what} must be {self.bound().text()}, got {list(value)}")
            return value
        if isinstance(self.default, tuple):
            n = len(self.default)
            count = f"{'a pair' if n == 2 else f'{n} numbers'} ({', '.join(self.symbols)})"
            check(
                isinstance(value, tuple | list | np.ndarray) and len(value) == n, f"{what} must be {count}, got {value}"
            )
            for i, v in enumerate(value):
                if not self.bound(i).holds(v):
                    within(v, self.bound(i), self.part(i))  # the sentence, named only when it is needed
            return value
        return within(value, self.bound(), what, whole=self.kind == "int", name=self.name)


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
        resolved = self.checked(hyper)
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

    def checked(self, hyper: dict) -> dict:
        """``resolve``, then every value checked against its record (``HyperParam.checked``): what the factory
        is called with, an array of learning rates as a read-only copy."""
        resolved = self.resolve(hyper)
        for h in self.hyper:
            resolved[h.name] = h.checked(resolved[h.name])
        return resolved


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
    """A learning rate within ``LR_BOUNDS``: a number, or an array of them broadcastable against the params'
    batch (``(k, 1)`` for ``(k, 2)`` params: one learning rate per point), returned as a read-only copy."""
    return within(lr, LR_BOUNDS, LR, name=name)


def zeros(params) -> np.ndarray:
    return np.zeros_like(np.asarray(params, dtype=np.float64))


def lerp(a, b, w):
    """a + w·(b − a), evaluated as torch.lerp does, so moving averages match it to the last bit."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


# --- hyperparameters several optimizers share ---------------------------------------------------

LR = "learning rate"
DECAY_RATE = Bounds(0.0, 1.0, open="high")  # an average's decay rate β: 1 would never forget
BETAS = HyperParam(
    "betas", (0.9, 0.999), 0.0, 0.9999, symbols=("β₁", "β₂"), help="decay rates of the two averages", bounds=DECAY_RATE
)


def lr_param(default: float, low: float = 1e-5, help: str = LR, high: float = 10.0, symbol: str = "η") -> HyperParam:
    return HyperParam("lr", default, low, high, log=True, symbols=(symbol,), help=help, bounds=LR_BOUNDS, what=LR)


def eps_param(default: float) -> HyperParam:
    return HyperParam(
        "eps", default, 1e-12, 1e-1, log=True, symbols=("ε",), help="keeps the division finite", bounds=NONNEGATIVE
    )


def weight_decay_param(default: float = 0.0, help: str = "L2 penalty: adds λθ to the gradient") -> HyperParam:
    return HyperParam("weight_decay", default, 0.0, 1.0, symbols=("λ",), help=help, bounds=NONNEGATIVE)


MAXIMIZE = HyperParam("maximize", False, 0.0, 1.0, kind="bool", help="climb f instead: every gradient is negated")
