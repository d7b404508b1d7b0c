"""A PyTorch script taking the path gdviz draws: ``torch_snippet(surface, optimizer, hyper, start, steps) -> str``.

The script (torch and numpy only) defines f(x, y) in torch, builds the matching ``torch.optim`` optimizer
(or defines it where torch has none: the record's ``torch.source``, Lion) with every hyperparameter under
torch's name, steps it as torch asks (L-BFGS through a closure, which its line search calls again at each trial
point), adds gdviz's gradient noise (numpy
``default_rng(seed)``, drawn in the same order as ``gdviz.run``), steps a ``torch.optim.lr_scheduler``
after each optimizer step when the run has a schedule, stops where ``gdviz.run`` stops on divergence, and
records ``path``, a list of (x, y, f) per point, which agrees with ``run(...).points`` to about 1e-9 in float64.
A surface or formula that torch cannot be made to compute exactly raises ValueError, in words.
"""

from __future__ import annotations

import re
from string import Template

import numpy as np

from .expression import Expression
from .expression_print import float_source, torch_source
from .optimizers import OPTIMIZERS
from .optimizers.line_search import NO_NOISE, needs_oracle
from .schedules import SCHEDULES, resolve_schedule
from .surface.functions import Surface
from .surface.trajectory import EXPLODE_WIDTHS

# gdviz name -> the torch.optim class (each record's ``torch``, with the arguments gdviz fixes)
TORCH_CLASSES = {name: spec.torch.cls for name, spec in OPTIMIZERS.items()}
PLAIN_STEP = "optimizer.step()  # {param} moves by the optimizer's step"
CLOSURE_STEP = "optimizer.step(lambda: loss)  # it takes the loss through a closure; with max_iter=1 it calls it once"
SEARCH_STEP = "optimizer.step(closure)  # its line search calls closure again at each step length it tries"
CLOSURE = '''


def closure():
    """f at p, with its gradient in p.grad: L-BFGS's line search moves p and calls this at each trial point."""
    optimizer.zero_grad()
    loss = f(p[0], p[1])
    loss.backward()
    return loss
'''


def torch_constructor(optimizer: str) -> str:
    """The class a script builds: ``torch.optim.Adam``, or ``Lion`` where torch has none and the script
    defines it from the record's source (``torch_class_source``)."""
    torch = OPTIMIZERS[optimizer].torch
    return torch.cls if torch.source else f"torch.optim.{torch.cls}"


def torch_class_source(optimizer: str) -> str:
    """The source a script writes before building the optimizer: the record's class, or "" for torch.optim's."""
    source = OPTIMIZERS[optimizer].torch.source
    return f"\n\n{source.rstrip()}\n" if source else ""


def searches(optimizer: str, hyper: dict) -> bool:
    """Whether ``optimizer`` with ``hyper`` evaluates f at trial points within a step (L-BFGS's line search)."""
    return needs_oracle(OPTIMIZERS[optimizer](**hyper))


def torch_step_call(optimizer: str, param: str = "p", hyper: dict | None = None) -> str:
    """The script's ``optimizer.step(...)``: L-BFGS takes the loss through a closure (one that evaluates f afresh,
    ``CLOSURE``, when its line search calls it at trial points), the others nothing."""
    if searches(optimizer, hyper or {}):
        return SEARCH_STEP
    return CLOSURE_STEP if OPTIMIZERS[optimizer].torch.closure else PLAIN_STEP.format(param=param)


def torch_function(surface: Surface) -> str:
    """The source of ``def f(x, y)`` computing ``surface`` in torch."""
    expr = surface.extras.get("expression")
    if isinstance(expr, Expression):
        text = torch_source(expr.term)
        body = f"return {text}" if expr.variables else f"return 0 * x + {text}"  # a tensor, so backward works
        doc = f"f(x, y) = {expr.text.strip()}, the formula typed in gdviz"
    elif surface.torch:  # a built-in surface: its record carries its torch body
        condition = surface.extras.get("condition")
        doc = surface.title + (f": condition number κ = {condition:g}" if condition is not None else "")
        body = surface.torch
    else:
        raise ValueError(f"there is no torch version of the surface {surface.title!r}: use a built-in one or a formula")
    lines = "".join(f"    {line}\n" for line in body.split("\n"))
    return f'def f(x, y):\n    """{doc}."""\n{lines}'


def snippet_filename(surface_name: str, optimizer: str) -> str:
    """A file name for the script, e.g. ``adam_on_himmelblau.py``."""
    slug = re.sub(r"[^a-z0-9]+", "_", f"{optimizer}_on_{surface_name}".lower()).strip("_")
    return f"{slug}.py"


def torch_optimizer_args(optimizer: str, hyper: dict) -> str:
    """``lr=0.01, betas=(0.9, 0.999), ...``: every hyperparameter, defaults filled in, in the registry's order."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZERS)}")
    spec = OPTIMIZERS[optimizer]
    resolved = spec.resolve(hyper)
    spec(**resolved)  # refuses, in words, what gdviz itself would not run
    parts = []
    for h in spec.hyper:
        v = resolved[h.name]
        if np.ndim(v) != 0 and h.name == "lr":
            raise ValueError("the snippet runs one learning rate, not an array of them")
        if isinstance(v, tuple | list):
            value = f"({', '.join(float_source(b)[0] for b in v)})"
        else:
            value = repr(v) if h.kind in ("bool", "choice") else str(int(v)) if h.kind == "int" else float_source(v)[0]
        parts.append(f"{h.name}={value}")
    return ", ".join(parts) + spec.torch.fixed


SCHEDULER = "torch.optim.lr_scheduler."
WIDTH = 110  # characters of a scheduler's call on one line; a longer one puts each argument on its own


def _argument(kind: str, value, indent: str) -> str:
    """A schedule argument's value as Python source, by its kind."""
    if kind == "schedulers":
        return "[\n" + "".join(f"{indent}    {_call(n, a, indent + '    ')},\n" for n, a in value) + f"{indent}]"
    if kind == "ints":
        return f"[{', '.join(str(int(v)) for v in value)}]"
    if kind in ("bool", "choice"):
        return repr(value)
    if np.ndim(value) != 0:  # onecycle's max_lr: one per start
        raise ValueError("the snippet runs one learning rate, not an array of them")
    return str(int(value)) if kind == "int" else float_source(value)[0]


def _call(name: str, args: dict, indent: str = "") -> str:
    """``torch.optim.lr_scheduler.X(optimizer, arg=value, ...)`` for a resolved schedule, every argument written."""
    spec = SCHEDULES[name]
    parts = ["optimizer", *(f"{a.name}={_argument(a.kind, args[a.name], indent + '    ')}" for a in spec.args)]
    line = f"{SCHEDULER}{spec.torch}({', '.join(parts)})"
    if len(indent) + len(line) <= WIDTH and "\n" not in line:
        return line
    return f"{SCHEDULER}{spec.torch}(\n" + "".join(f"{indent}    {p},\n" for p in parts) + f"{indent})"


def torch_scheduler(optimizer: str, hyper: dict, schedule, steps: int) -> str:
    """``scheduler = torch.optim.lr_scheduler.X(optimizer, ...)`` for ``schedule`` (a name or ``(name, kwargs)``)
    resolved as ``gdviz.run`` resolves it for ``optimizer`` with ``hyper`` over ``steps`` steps; "" for None."""
    resolved = resolve_schedule(schedule, OPTIMIZERS[optimizer].resolve(hyper), steps)
    if resolved is None:
        return ""
    return f"scheduler = {_call(*resolved)}"


SCHEDULER_BLOCK = """
# the learning-rate schedule, under torch.optim.lr_scheduler's names: stepped once after each optimizer step
$scheduler
"""
SCHEDULER_STEP = "    scheduler.step()  # the schedule sets the next step's learning rate\n"

SCRIPT = Template('''"""$title, in PyTorch: the path gdviz draws, step for step.

Made by gdviz: start ($start), $steps steps$noise_note. gdviz runs the same update rule
in numpy: the points printed here are those on its plot, to about 1e-9 (a chaotic run drifts apart later).
Needs $needs: python $filename
"""

$imports

$function$optimizer_class

# float64 throughout, as gdviz computes; torch keeps NAdam's running product of μ in the default dtype
torch.set_default_dtype(torch.float64)

# the parameters: the point (x, y)
p = torch.tensor([$start], dtype=torch.float64, requires_grad=True)

# the optimizer, every hyperparameter written out under its torch name
optimizer = $cls([p], $kwargs)$closure
$scheduler_block
# gdviz stops a run at the first step whose gradient, new point, f there or optimizer state is not
# finite, or whose point flies farther than this from the plot's centre
center = torch.tensor([$center], dtype=torch.float64)
limit = $limit
$noise_block
steps = $steps
every = max(1, steps // 10)  # print about ten lines
path = []  # (x, y, f) at every point visited, the start first


def record(step):
    """Append the current point and its value to path, and print it every so often."""
    with torch.no_grad():
        x, y = p.tolist()
        value = f(p[0], p[1]).item()
    path.append((x, y, value))
    if step % every == 0 or step == steps:
        print(f"step {step:5d}   x = {x: .6f}   y = {y: .6f}   f = {value: .6g}")


def diverged(gradient_finite):
    """After a step: whether gdviz would call it divergence (then the path ends before it)."""
    with torch.no_grad():
        value = f(p[0], p[1])
    state = [v for v in optimizer.state[p].values() if torch.is_tensor(v)]
    finite = gradient_finite and torch.isfinite(p).all() and torch.isfinite(value)
    return not (finite and all(torch.isfinite(v).all() for v in state)) or (p - center).abs().max() > limit


# the loop: gradient at p, then one optimizer step
record(0)
for step in range(1, steps + 1):
    optimizer.zero_grad()
    loss = f(p[0], p[1])
    if not torch.isfinite(loss):  # only possible at the start: gdviz takes no step from there
        print("f has no finite value at the start: the path ends at step 0")
        break
    loss.backward()  # p.grad = the gradient of f at p
$noise_step    gradient_finite = bool(torch.isfinite(p.grad).all())
    $step_call
$scheduler_step    if diverged(gradient_finite):
        print(f"diverged at step {step}: the step is not finite or flew off, so the path ends at step {step - 1}")
        break
    record(step)
''')

NOISE_BLOCK = """
# gradient noise: noise * N(0, 1) added to each gradient, drawn from numpy in gdviz's order
noise = $noise
rng = np.random.default_rng($seed)
"""
NOISE_STEP = "    p.grad += noise * torch.from_numpy(rng.standard_normal(2))  # stochastic gradient\n"


def torch_snippet(
    surface: Surface,
    optimizer: str,
    hyper: dict,
    start,
    steps: int,
    noise: float = 0.0,
    seed: int = 0,
    schedule=None,
) -> str:
    """The source of a script that runs ``optimizer`` with ``hyper`` on ``surface`` from ``start`` (x, y)
    for ``steps`` steps in torch, recording ``path`` as ``gdviz.run(surface, optimizer, start, steps,
    noise=noise, seed=seed, schedule=schedule, **hyper)`` does. Raises ValueError, in words, for what it
    cannot write."""
    function = torch_function(surface)
    kwargs = torch_optimizer_args(optimizer, hyper)
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,) or not np.isfinite(start).all():
        raise ValueError(f"the snippet runs from one finite start (x, y), got {start.tolist()}")
    if int(steps) != steps or steps < 0 or not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"steps must be a whole number ≥ 0 and noise a finite number ≥ 0, got {steps} and {noise}")
    scheduler = torch_scheduler(optimizer, hyper, schedule, int(steps))
    noisy = noise > 0
    search = searches(optimizer, hyper)
    if search and noisy:
        raise ValueError(NO_NOISE)
    imports = "import math\n\n" if re.search(r"\bmath\.", function) else ""
    imports += ("import numpy as np\n" if noisy else "") + "import torch\n"
    return SCRIPT.substitute(
        title=f"{OPTIMIZERS[optimizer].title} on {surface.title}",
        filename=snippet_filename(surface.name, optimizer),
        needs="torch and numpy" if noisy else "torch",
        start=", ".join(float_source(v)[0] for v in start),
        steps=int(steps),
        noise_note=f", gradient noise {noise:g} (seed {int(seed)})" if noisy else "",
        imports=imports,
        function=function,
        optimizer_class=torch_class_source(optimizer),
        cls=torch_constructor(optimizer),
        kwargs=kwargs,
        step_call=torch_step_call(optimizer, hyper=hyper),
        closure=CLOSURE if search else "",
        center=", ".join(float_source(v)[0] for v in np.mean(surface.domain, axis=1)),
        limit=float_source(EXPLODE_WIDTHS * max(hi - lo for lo, hi in surface.domain))[0],
        noise_block=Template(NOISE_BLOCK).substitute(noise=float_source(noise)[0], seed=int(seed)) if noisy else "",
        noise_step=NOISE_STEP if noisy else "",
        scheduler_block=Template(SCHEDULER_BLOCK).substitute(scheduler=scheduler) if scheduler else "",
        scheduler_step=SCHEDULER_STEP if scheduler else "",
    )
