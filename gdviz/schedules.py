"""Learning-rate schedules with torch.optim.lr_scheduler's names, arguments and rules.

A schedule is ``(name, kwargs)`` (or just a name, for its defaults); ``SCHEDULES[name]`` describes it.
``schedule_table(schedule, hyper, steps)`` gives each scheduled hyperparameter's value at each
optimizer step, as a torch training loop sets them (``values[t]`` is what the group holds at the
t-th ``opt.step()``): ``for t in range(steps): opt.step(); scheduler.step()``.

Every lr-only schedule is torch's two methods written as pure functions, one pattern:

    rule(lr, epoch, base_lr, **args) -> lr     get_lr: the next lr from the current one; epoch 0 is
                                               the step the scheduler's constructor takes
    closed(epoch, base_lr, **args) -> lr       _get_closed_form_lr, which SequentialLR uses at a milestone

Torch computes most of them recursively (lr ← lr·γ, not η₀·γᵗ); so does this module, in the same
order of operations, so the values are torch's to the last bit. ``lr`` may be an array (one per start).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .optimizers import OPTIMIZERS, HyperParam
from .optimizers.spec import BETAS, LR_BOUNDS, NONNEGATIVE, UNIT, Bounds


@dataclass(frozen=True)
class ScheduleArg(HyperParam):
    """One argument, with torch's name: a HyperParam (default, the page's range and the core's bounds, help,
    kind), so widgets, links and the check read it as an optimizer's. Beyond HyperParam's kinds ("float",
    "int", "bool", "choice"): "ints" (a list of whole numbers), "lr" (a number, or an array: one per start)
    and "schedulers" ((name, kwargs) pairs). A default of None stands for the run's value named by
    ``default_from``: "steps" (the run's steps, or a sequential child's share of them) or "lr" (the
    optimizer's learning rate).
    """

    default_from: str = ""


@dataclass(frozen=True)
class ScheduleSpec:
    """A registry entry: how to compute the schedule plus everything a page needs to present it."""

    name: str
    title: str
    torch: str  # the torch.optim.lr_scheduler class
    args: tuple[ScheduleArg, ...]
    latex: str  # the rule, η_t as a function of the step t
    note: str  # one sentence
    check: Callable[[dict, dict, int], dict]  # (args, optimizer hyper, steps) -> args, or a ValueError
    table: Callable[[dict, dict, int], dict]  # (args, optimizer hyper, steps) -> {name: (steps, ...)}
    rule: Callable | None = None  # lr-only schedules: torch's get_lr
    closed: Callable | None = None  # and its _get_closed_form_lr

    def defaults(self) -> dict:
        return {a.name: a.default for a in self.args}


# --- the rules, as torch writes them ----------------------------------------------------------------


def _step_rule(lr, epoch, base_lr, step_size, gamma):
    return lr if epoch == 0 or epoch % step_size != 0 else lr * gamma


def _step_closed(epoch, base_lr, step_size, gamma):
    return base_lr * gamma ** (epoch // step_size)


def _multistep_rule(lr, epoch, base_lr, milestones, gamma):
    n = milestones.count(epoch)  # a milestone listed twice decays twice (torch counts them)
    return lr if n == 0 else lr * gamma**n


def _multistep_closed(epoch, base_lr, milestones, gamma):
    return base_lr * gamma ** bisect_right(sorted(milestones), epoch)


def _exponential_rule(lr, epoch, base_lr, gamma):
    return lr if epoch == 0 else lr * gamma


def _exponential_closed(epoch, base_lr, gamma):
    return base_lr * gamma**epoch


def _cosine_rule(lr, epoch, base_lr, T_max, eta_min):
    if epoch == 0:
        return lr
    if (epoch - 1 - T_max) % (2 * T_max) == 0:  # just past a minimum: the ratio below would divide by 0
        return lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
    ratio = (1 + math.cos(math.pi * epoch / T_max)) / (1 + math.cos(math.pi * (epoch - 1) / T_max))
    return ratio * (lr - eta_min) + eta_min


def _cosine_closed(epoch, base_lr, T_max, eta_min):
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * epoch / T_max)) / 2


def _restart_position(epoch: int, T_0: int, T_mult: int) -> tuple[int, int]:
    """(T_cur, T_i) after ``epoch`` steps: torch's step() adds 1 to T_cur and restarts at T_i."""
    if T_mult == 1:
        return epoch % T_0, T_0
    T_cur, T_i = epoch, T_0
    while T_cur >= T_i:
        T_cur, T_i = T_cur - T_i, T_i * T_mult
    return T_cur, T_i


def _restarts_closed(epoch, base_lr, T_0, T_mult, eta_min):
    T_cur, T_i = _restart_position(epoch, T_0, T_mult)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * T_cur / T_i)) / 2


def _restarts_rule(lr, epoch, base_lr, T_0, T_mult, eta_min):
    return _restarts_closed(epoch, base_lr, T_0, T_mult, eta_min)  # not chainable: torch uses T_cur alone


def _linear_rule(lr, epoch, base_lr, start_factor, end_factor, total_iters):
    if epoch == 0:
        return lr * start_factor
    if epoch > total_iters:
        return lr
    change = end_factor - start_factor
    return lr * (1.0 + change / (total_iters * start_factor + (epoch - 1) * change))


def _linear_closed(epoch, base_lr, start_factor, end_factor, total_iters):
    return base_lr * (start_factor + (end_factor - start_factor) * min(total_iters, epoch) / total_iters)


def _polynomial_rule(lr, epoch, base_lr, total_iters, power):
    if epoch == 0 or epoch > total_iters:
        return lr
    return lr * ((1.0 - epoch / total_iters) / (1.0 - (epoch - 1) / total_iters)) ** power


def _polynomial_closed(epoch, base_lr, total_iters, power):
    return base_lr * (1.0 - min(total_iters, epoch) / total_iters) ** power


def _constant_rule(lr, epoch, base_lr, factor, total_iters):
    if epoch == 0:
        return lr * factor
    return lr if epoch != total_iters else lr * (1.0 / factor)


def _constant_closed(epoch, base_lr, factor, total_iters):
    return base_lr * (factor + (epoch >= total_iters) * (1 - factor))


# --- tables: the values at each of a run's steps --------------------------------------------------


def _stack(values: list, like) -> np.ndarray:
    """Per-step values (numbers, or arrays shaped like ``like``) as one read-only (steps, ...) array."""
    out = np.array(values, dtype=np.float64) if values else np.empty((0, *np.shape(like)))
    out.flags.writeable = False
    return out


def _chained(rule: Callable) -> Callable:
    """The table of an lr-only schedule: its constructor's step (epoch 0), then one rule per step."""

    def table(args: dict, hyper: dict, steps: int) -> dict:
        base = lr = hyper["lr"]
        lrs = []
        for epoch in range(steps):
            lr = rule(lr, epoch, base, **args)
            lrs.append(lr)
        return {"lr": _stack(lrs, base)}

    return table


def _sequential_table(args: dict, hyper: dict, steps: int) -> dict:
    """SequentialLR: the child whose span holds the step; one entering at a milestone starts from its
    closed form at epoch 0, then steps its own rule (torch's ``_update_lr(0)``, then ``step()``)."""
    base = lr = hyper["lr"]
    milestones, children = args["milestones"], [(SCHEDULES[n], kw) for n, kw in args["schedulers"]]
    lrs, epoch = [], 0
    for t in range(steps):
        spec, kw = children[bisect_right(milestones, t)]
        if t == 0:
            lr = spec.rule(base, 0, base, **kw)
        elif t in milestones:
            epoch, lr = 0, spec.closed(0, base, **kw)
        else:
            epoch += 1
            lr = spec.rule(lr, epoch, base, **kw)
        lrs.append(lr)
    return {"lr": _stack(lrs, base)}


def _anneal(strategy: str, start, end, pct: float):
    """OneCycleLR's _annealing_cos / _annealing_linear, from start (pct 0) to end (pct 1)."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


def _onecycle_phases(a: dict) -> list[tuple]:
    """(end_step, lr from, lr to, momentum from, momentum to) of each phase, as OneCycleLR lays them out."""
    initial = a["max_lr"] / a["div_factor"]
    low, high, end = initial / a["final_div_factor"], a["max_lr"], a["total_steps"] - 1
    up = float(a["pct_start"] * a["total_steps"]) - 1
    m_max, m_base = a["max_momentum"], a["base_momentum"]
    if a["three_phase"]:
        down = float(2 * a["pct_start"] * a["total_steps"]) - 2
        return [
            (up, initial, high, m_max, m_base),
            (down, high, initial, m_base, m_max),
            (end, initial, low, m_max, m_max),
        ]
    return [(up, initial, high, m_max, m_base), (end, high, low, m_base, m_max)]


def _onecycle_table(args: dict, hyper: dict, steps: int) -> dict:
    """OneCycleLR's get_lr at each step, with momentum (or β1) cycled inversely when cycle_momentum."""
    phases, strategy = _onecycle_phases(args), args["anneal_strategy"]
    lrs, momenta = [], []
    for step_num in range(steps):
        start_step = 0.0
        for i, (end_step, lr0, lr1, m0, m1) in enumerate(phases):
            if step_num <= end_step or i == len(phases) - 1:
                pct = (step_num - start_step) / (end_step - start_step)
                lrs.append(_anneal(strategy, lr0, lr1, pct))
                momenta.append(_anneal(strategy, m0, m1, pct))
                break
            start_step = end_step
    table = {"lr": _stack(lrs, args["max_lr"])}
    if args["cycle_momentum"] and "betas" in hyper:
        betas = np.empty((steps, 2))
        betas[:, 0], betas[:, 1] = momenta, hyper["betas"][1]
        betas.flags.writeable = False
        table["betas"] = betas
    elif args["cycle_momentum"]:
        table["momentum"] = _stack(momenta, 0.0)
    return table


# --- checks: a clear sentence for each value torch would refuse or trip over ------------------------
# Each argument's own range is its record's ``bounds`` (checked in ``_resolve``); a schedule's check adds only
# what ties its values together, to each other, to the optimizer or to the run.


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _as_bounded(a, hyper, steps):
    """A schedule whose arguments' bounds say everything."""
    return a


def _with_momentum() -> str:
    return ", ".join(s.title for s in OPTIMIZERS.values() if {"momentum", "betas"} & set(s.defaults()))


def _check_onecycle(a, hyper, steps):
    _require(
        a["total_steps"] >= steps,
        f"onecycle's total_steps ({a['total_steps']}) is fewer than the run's {steps} steps: torch raises "
        f"'Tried to step {a['total_steps'] + 1} times' there; make total_steps at least {steps}",
    )
    _require(
        _onecycle_phases(a)[0][0] != 0,  # the only way a phase selected by some step can be empty
        "onecycle's first phase is empty (pct_start × total_steps = 1): torch divides by zero there; "
        "change pct_start or total_steps",
    )
    if not a["cycle_momentum"]:
        return a
    if "momentum" not in hyper and "betas" not in hyper:
        raise ValueError(
            "onecycle cycles momentum (cycle_momentum=True), but this optimizer has neither momentum nor betas: "
            f"turn cycle_momentum off, or choose one that has ({_with_momentum()})"
        )
    if "betas" in hyper:  # the cycled momentum becomes β1, within β1's bounds
        beta1 = BETAS.bound(0)
        for name in ("base_momentum", "max_momentum"):
            _require(beta1.holds(a[name]), f"onecycle's {name} must be {beta1.text()} (it becomes β1), got {a[name]}")
    return a


def _check_sequential(a, hyper, steps):
    schedulers, milestones = a["schedulers"], a["milestones"]
    _require(len(schedulers) >= 1, "sequential needs at least one schedule in schedulers")
    _require(
        len(milestones) == len(schedulers) - 1,
        f"sequential needs one milestone fewer than schedulers: {len(schedulers)} schedulers, "
        f"{len(milestones)} milestones",
    )
    _require(
        all(hi > lo for lo, hi in pairwise(milestones)),
        f"sequential's milestones must be increasing steps {AT_STEP.text()}, got {list(milestones)}",
    )
    children = []
    for child, start, end in zip(schedulers, (0, *milestones), (*milestones, steps), strict=True):
        name, kwargs = _parse(child)
        _require(
            SCHEDULES[name].rule is not None,
            f"sequential takes learning-rate schedules; {name} cannot be one of its schedulers",
        )
        children.append(_resolve(name, kwargs, hyper, max(1, end - start)))  # a child's share of the run
    return {"schedulers": tuple(children), "milestones": milestones}


# --- resolving (name, kwargs) ---------------------------------------------------------------------


def _parse(schedule) -> tuple[str, Mapping]:
    if isinstance(schedule, str):
        schedule = (schedule, {})
    if not (isinstance(schedule, tuple | list) and len(schedule) == 2 and isinstance(schedule[1], Mapping | None)):
        raise ValueError(f"a schedule is a name or a (name, kwargs) pair, got {schedule!r}")
    name, kwargs = schedule
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    return name, kwargs or {}


def _number(value, what: str) -> float:
    real = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    _require(real and math.isfinite(value), f"{what} must be a finite number, got {value!r}")
    return float(value)


def _whole(value, what: str) -> int:
    _require(_number(value, what).is_integer(), f"{what} must be a whole number, got {value!r}")
    return int(value)


def _coerce(arg: ScheduleArg, value, what: str):
    """A value of the argument's kind, in plain Python types (as torch computes with them), within the
    argument's bounds (an array of learning rates as a read-only copy: the caller's may change)."""
    return arg.checked(_typed(arg, value, what), what)


def _typed(arg: ScheduleArg, value, what: str):
    """A value of the argument's kind, in plain Python types."""
    if arg.kind == "int":
        return _whole(value, what)
    if arg.kind == "ints":
        return tuple(_whole(v, f"each of {what}") for v in np.atleast_1d(np.asarray(value, dtype=object)))
    if arg.kind == "bool":
        _require(isinstance(value, bool | np.bool_), f"{what} must be True or False, got {value!r}")
        return bool(value)
    if arg.kind == "choice":
        _require(value in arg.choices, f"{what} must be one of {', '.join(map(repr, arg.choices))}, got {value!r}")
        return value
    if arg.kind == "lr":  # a number, or an array of them: one per start
        lr = np.array(value, dtype=np.float64)
        return float(lr) if lr.ndim == 0 else lr
    if arg.kind == "schedulers":
        return tuple(value)
    return _number(value, what)


def _resolve(name: str, kwargs: Mapping, hyper: dict, steps: int) -> tuple[str, dict]:
    spec = SCHEDULES[name]
    unknown = set(kwargs) - {a.name for a in spec.args}
    if unknown:
        known = ", ".join(a.name for a in spec.args)
        raise ValueError(f"{name} has no argument {', '.join(sorted(unknown))} (it has {known})")
    fills = {"steps": max(1, steps), "lr": hyper["lr"]}  # a run of 0 steps still makes a valid schedule
    args = {}
    for a in spec.args:
        value = kwargs.get(a.name, a.default)
        if value is None and a.default_from:
            value = fills[a.default_from]
        args[a.name] = _coerce(a, value, f"{name}'s {a.name}")
    return name, spec.check(args, hyper, steps)


def resolve_schedule(schedule, hyper: dict, steps: int) -> tuple[str, dict] | None:
    """``(name, kwargs)`` with every argument filled in and checked, for an optimizer's resolved
    ``hyper`` and a run of ``steps`` steps; None stays None. Unknown names and bad values raise a
    ValueError that says which and why. What a run stores, so ``schedule_table`` of it repeats the run."""
    if schedule is None:
        return None
    name, kwargs = _parse(schedule)
    return _resolve(name, kwargs, hyper, int(steps))


def schedule_table(schedule, hyper: dict, steps: int) -> dict[str, np.ndarray]:
    """The value of each scheduled hyperparameter at each of ``steps`` optimizer steps (read-only arrays).

    Always ``"lr"``, shape ``(steps, *lr_shape)`` (``(steps,)`` for one learning rate); with onecycle's
    cycle_momentum also ``"momentum"`` ``(steps,)``, or ``"betas"`` ``(steps, 2)`` (β1 cycled, β2 kept)
    for an optimizer with betas, as torch cycles them. ``hyper``: the optimizer's resolved
    hyperparameters (``OPTIMIZERS[name].resolve(...)``). Without a schedule, lr is constant.
    """
    steps = int(steps)
    resolved = resolve_schedule(schedule, hyper, steps)
    if resolved is None:
        lr = np.array(hyper["lr"], dtype=np.float64)
        return {"lr": np.broadcast_to(lr, (steps, *lr.shape))}
    name, args = resolved
    return SCHEDULES[name].table(args, hyper, steps)


def hyper_at(table: dict, hyper: dict, t: int) -> dict:
    """The optimizer's hyperparameters in effect at step ``t``: ``hyper`` with the table's values at t
    (numbers as Python floats, so they combine with float32 arrays as a fixed lr does)."""
    now = {}
    for name, values in table.items():
        value = values[t]
        now[name] = tuple(float(v) for v in value) if name == "betas" else (float(value) if value.ndim == 0 else value)
    return {**hyper, **now}


def optimizer_at(optimizer: str, table: dict, hyper: dict, t: int):
    """``OPTIMIZERS[optimizer]`` built with the hyperparameters in effect at step ``t`` (``hyper_at``): what an update
    not marked ``takes`` steps with under a schedule, its state carried over from the one before."""
    return OPTIMIZERS[optimizer](**hyper_at(table, hyper, t))


# --- the registry ---------------------------------------------------------------------------------


COUNT = Bounds(1.0)  # a number of steps: at least one
AT_STEP = NONNEGATIVE  # a step's index: a milestone
POSITIVE = Bounds(0.0, open="low")
FACTOR = Bounds(0.0, 1.0, open="low")  # a factor the learning rate is multiplied by: torch divides by it later


def _gamma_arg(default: float, low: float = 0.0) -> ScheduleArg:
    return ScheduleArg(
        "gamma",
        default,
        low,
        1.0,
        symbols=("γ",),
        help="the factor the learning rate is multiplied by",
        bounds=NONNEGATIVE,  # above 1 it grows, as torch lets it
    )


def _steps_arg(name: str, default, help: str, high: float = 1000.0, symbol: str = "") -> ScheduleArg:
    return ScheduleArg(
        name,
        default,
        1.0,
        high,
        symbols=(symbol,) if symbol else (),
        help=help,
        kind="int",
        default_from="steps" if default is None else "",
        bounds=COUNT,
    )


_ETA_MIN = ScheduleArg(
    "eta_min", 0.0, 0.0, 1.0, symbols=("η_min",), help="the lowest learning rate", bounds=NONNEGATIVE
)
_TOTAL_ITERS = _steps_arg("total_iters", 5, "steps until the factor reaches its end", symbol="T")
_RUN = " (torch requires it; here it defaults to the run's steps)"
_LR = r"\eta_t"

SCHEDULES: dict[str, ScheduleSpec] = {
    "step": ScheduleSpec(
        "step",
        "Step decay",
        "StepLR",
        (_steps_arg("step_size", 30, "steps between decays", symbol="s"), _gamma_arg(0.1)),
        _LR + r" = \eta_0\, \gamma^{\lfloor t / s \rfloor}",
        "StepLR: the learning rate is multiplied by γ every step_size steps.",
        _as_bounded,
        _chained(_step_rule),
        _step_rule,
        _step_closed,
    ),
    "multistep": ScheduleSpec(
        "multistep",
        "Multi-step decay",
        "MultiStepLR",
        (
            ScheduleArg(
                "milestones",
                (30, 80),
                0.0,
                1000.0,
                help="the steps at which γ is applied",
                kind="ints",
                bounds=AT_STEP,
            ),
            _gamma_arg(0.1),
        ),
        _LR + r" = \eta_0\, \gamma^{\,|\{m \in \mathrm{milestones}\,:\, m \le t\}|}",
        "MultiStepLR: the learning rate is multiplied by γ at each milestone.",
        _as_bounded,
        _chained(_multistep_rule),
        _multistep_rule,
        _multistep_closed,
    ),
    "exponential": ScheduleSpec(
        "exponential",
        "Exponential decay",
        "ExponentialLR",
        (_gamma_arg(0.95, low=0.5),),
        _LR + r" = \eta_0\, \gamma^{t}",
        "ExponentialLR: the learning rate is multiplied by γ every step.",
        _as_bounded,
        _chained(_exponential_rule),
        _exponential_rule,
        _exponential_closed,
    ),
    "cosine": ScheduleSpec(
        "cosine",
        "Cosine annealing",
        "CosineAnnealingLR",
        (_steps_arg("T_max", None, "steps from the top down to eta_min" + _RUN, symbol="T_max"), _ETA_MIN),
        _LR + r" = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min}) \left(1 + \cos \frac{\pi t}{T_{\max}}\right)",
        "CosineAnnealingLR: half a cosine from the learning rate down to eta_min over T_max steps, "
        "rising again after (no restart).",
        _as_bounded,
        _chained(_cosine_rule),
        _cosine_rule,
        _cosine_closed,
    ),
    "cosine_restarts": ScheduleSpec(
        "cosine_restarts",
        "Cosine with warm restarts",
        "CosineAnnealingWarmRestarts",
        (
            _steps_arg("T_0", 20, "steps before the first restart", symbol="T_0"),
            ScheduleArg(
                "T_mult", 1, 1.0, 4.0, help="each cycle is T_mult times longer than the last", kind="int", bounds=COUNT
            ),
            _ETA_MIN,
        ),
        _LR + r" = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min}) \left(1 + \cos \frac{\pi T_{cur}}{T_i}\right)"
        r"\qquad T_i = T_0\, T_{mult}^{\,i}",
        "CosineAnnealingWarmRestarts (SGDR): a cosine decay that jumps back to the learning rate "
        "every T_i steps, each cycle T_mult times longer.",
        _as_bounded,
        _chained(_restarts_rule),
        _restarts_rule,
        _restarts_closed,
    ),
    "linear": ScheduleSpec(
        "linear",
        "Linear",
        "LinearLR",
        (
            ScheduleArg(
                "start_factor",
                1 / 3,
                1e-3,
                1.0,
                log=True,
                symbols=("f_s",),
                help="the factor at step 0",
                bounds=FACTOR,
            ),
            ScheduleArg(
                "end_factor", 1.0, 0.0, 1.0, symbols=("f_e",), help="the factor from total_iters on", bounds=UNIT
            ),
            _TOTAL_ITERS,
        ),
        _LR + r" = \eta_0 \left(f_s + (f_e - f_s) \frac{\min(t, T)}{T}\right)",
        "LinearLR: the learning rate's factor goes in a straight line from start_factor to end_factor "
        "over total_iters steps (a warm-up when it rises).",
        _as_bounded,
        _chained(_linear_rule),
        _linear_rule,
        _linear_closed,
    ),
    "polynomial": ScheduleSpec(
        "polynomial",
        "Polynomial decay",
        "PolynomialLR",
        (
            _TOTAL_ITERS,
            ScheduleArg("power", 1.0, 0.1, 5.0, symbols=("p",), help="1 is a straight line to 0", bounds=NONNEGATIVE),
        ),
        _LR + r" = \eta_0 \left(1 - \frac{\min(t, T)}{T}\right)^{p}",
        "PolynomialLR: the learning rate falls to 0 over total_iters steps along (1 − t/T)^power.",
        _as_bounded,
        _chained(_polynomial_rule),
        _polynomial_rule,
        _polynomial_closed,
    ),
    "constant": ScheduleSpec(
        "constant",
        "Constant factor",
        "ConstantLR",
        (
            ScheduleArg(
                "factor",
                1 / 3,
                1e-3,
                1.0,
                log=True,
                symbols=("f",),
                help="the factor before total_iters",
                bounds=FACTOR,  # torch accepts 0, then divides by it at total_iters
            ),
            _TOTAL_ITERS,
        ),
        _LR + r" = \eta_0 \cdot \begin{cases} f & t < T \\ 1 & t \ge T \end{cases}",
        "ConstantLR: the learning rate is multiplied by factor for the first total_iters steps.",
        _as_bounded,
        _chained(_constant_rule),
        _constant_rule,
        _constant_closed,
    ),
    "onecycle": ScheduleSpec(
        "onecycle",
        "One cycle",
        "OneCycleLR",
        (
            ScheduleArg(
                "max_lr",
                None,
                1e-5,
                10.0,
                log=True,
                symbols=("η_max",),
                kind="lr",
                default_from="lr",
                help="the top of the cycle (torch requires it; here it defaults to the optimizer's lr)",
                bounds=LR_BOUNDS,
            ),
            _steps_arg("total_steps", None, "steps in the cycle" + _RUN, high=10000.0),
            ScheduleArg("pct_start", 0.3, 0.0, 1.0, help="the share of the cycle spent rising", bounds=UNIT),
            ScheduleArg(
                "anneal_strategy",
                "cos",
                0.0,
                0.0,
                help="cosine or straight-line annealing",
                kind="choice",
                choices=("cos", "linear"),
            ),
            ScheduleArg("cycle_momentum", True, 0.0, 1.0, help="cycle momentum (or β1) against the lr", kind="bool"),
            ScheduleArg(
                "base_momentum", 0.85, 0.0, 0.999, help="momentum (or β1) at the top of the lr", bounds=NONNEGATIVE
            ),
            ScheduleArg(
                "max_momentum", 0.95, 0.0, 0.999, help="momentum (or β1) at the ends of the cycle", bounds=NONNEGATIVE
            ),
            ScheduleArg(
                "div_factor",
                25.0,
                1.0,
                1e4,
                log=True,
                help="the cycle starts at max_lr / div_factor",
                bounds=POSITIVE,  # the learning rate is divided by it
            ),
            ScheduleArg(
                "final_div_factor",
                1e4,
                1.0,
                1e6,
                log=True,
                help="it ends at max_lr / (div_factor · final_div_factor)",
                bounds=POSITIVE,
            ),
            ScheduleArg(
                "three_phase", False, 0.0, 1.0, help="come back down to the start before the final decay", kind="bool"
            ),
        ),
        r"\eta:\ \frac{\eta_{\max}}{d} \nearrow \eta_{\max} \searrow \frac{\eta_{\max}}{d\, d_f}"
        r"\qquad \mu:\ \mu_{\max} \searrow \mu_{\mathrm{base}} \nearrow \mu_{\max}",
        "OneCycleLR: the learning rate climbs to max_lr over pct_start of the cycle and then anneals far "
        "below where it began, while momentum (β1 for Adam) moves the opposite way.",
        _check_onecycle,
        _onecycle_table,
    ),
    "sequential": ScheduleSpec(
        "sequential",
        "Sequential",
        "SequentialLR",
        (
            ScheduleArg(
                "schedulers",
                (("linear", {}), ("cosine", {})),
                0.0,
                0.0,
                kind="schedulers",
                help="(name, kwargs) of each schedule in turn; a child's T_max or total_steps defaults to its span",
            ),
            ScheduleArg(
                "milestones",
                (5,),
                0.0,
                1000.0,
                help="the step at which each next schedule takes over",
                kind="ints",
                bounds=AT_STEP,
            ),
        ),
        _LR + r" = \mathrm{schedule}_i(t - m_i) \quad \text{for } m_i \le t < m_{i+1}",
        "SequentialLR: one schedule after another, each starting afresh at its milestone "
        "(such as a linear warm-up, then a cosine).",
        _check_sequential,
        _sequential_table,
    ),
}
