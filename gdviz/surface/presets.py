"""Starting points for the race: per-optimizer learning rates for 2D surfaces, and the classic races.

torch's defaults are tuned for networks with millions of weights (SGD's lr = 1e-3) and barely move
a point on a 2D surface in a few hundred steps; the race page starts from ``STARTING_HYPER``
instead, and every value stays editable. ``PRESETS`` recreate the well-known comparisons, each
with a sentence or two on what to watch. A race holds each optimizer once, so a preset that races a schedule
against none pairs SGD with Momentum at μ = 0, which is the same rule (torch.optim.SGD with momentum 0), and
one that races Adam against AMSGrad pairs Adam with AdamW at weight decay 0 and amsgrad on.
"""

from __future__ import annotations

from typing import NamedTuple

from ..optimizers import OPTIMIZERS

STARTING_HYPER: dict[str, dict] = {name: spec.start for name, spec in OPTIMIZERS.items()}  # from the records


class Preset(NamedTuple):
    title: str
    surface: str
    start: tuple[float, float]
    steps: int
    optimizers: dict[str, dict]  # name -> hyperparameters (the rest from STARTING_HYPER)
    watch: str
    condition: float = 10.0  # only for the quadratic
    schedules: dict = {}  # name -> its schedule, (name, kwargs) as gdviz.run takes it; the others run without one


PRESETS: dict[str, Preset] = {
    "beale": Preset(
        "Beale: the classic six",
        "beale",
        (1.0, 1.5),
        300,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "nesterov": {"lr": 0.005, "momentum": 0.9},
            "adagrad": {"lr": 0.5},
            "adadelta": {"lr": 1.0},
            "rmsprop": {"lr": 0.01},
        },
        "The race of the famous animation. Momentum and Nesterov overshoot, then settle first; "
        "Adadelta, whose step size is built from its own past steps, starts slowly.",
    ),
    "saddle": Preset(
        "Saddle point: who escapes?",
        "saddle",
        (-1.8, 0.001),
        120,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.01, "momentum": 0.9},
            "adagrad": {"lr": 0.1},
            "rmsprop": {"lr": 0.01},
            "adam": {"lr": 0.01},
        },
        "The start sits a hair off the ridge. Plain SGD slides into the flat centre and lingers, "
        "because the gradient there is tiny; the adaptive methods rescale that tiny gradient and escape.",
    ),
    "valley": Preset(
        "Long narrow valley: why momentum helps",
        "quadratic",
        (-4.5, 2.0),
        150,
        {
            "sgd": {"lr": 0.019},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "nesterov": {"lr": 0.005, "momentum": 0.9},
        },
        "Curvature is 100 times larger across the valley than along it. SGD's learning rate must stay "
        "below 2/100 to cross it safely, so it crawls along the floor; momentum keeps its speed along the valley.",
        condition=100.0,
    ),
    "rosenbrock": Preset(
        "Rosenbrock's banana",
        "rosenbrock",
        (-1.2, 1.0),
        1000,
        {
            "sgd": {"lr": 0.001},
            "momentum": {"lr": 0.001, "momentum": 0.9},
            "rmsprop": {"lr": 0.01},
            "adam": {"lr": 0.05},
            "nadam": {"lr": 0.05},
        },
        "Everyone finds the curved valley at once; following its flat floor to (1, 1) is the hard part. "
        "Watch the loss curves flatten while the paths are still far from the minimum.",
    ),
    "too_large": Preset(
        "A learning rate that is too large",
        "quadratic",
        (-4.5, 2.0),
        100,
        {"sgd": {"lr": 0.21}, "adam": {"lr": 0.21}},
        "On this bowl GD is stable only for lr < 2/L = 0.2. At 0.21 each SGD step overshoots more than the "
        "last and the path diverges; Adam, with the same learning rate, normalizes its step and survives.",
    ),
    "himmelblau": Preset(
        "Himmelblau: which minimum do you reach?",
        "himmelblau",
        (-0.3, -0.9),
        300,
        {
            "sgd": {"lr": 0.01},
            "momentum": {"lr": 0.005, "momentum": 0.9},
            "adagrad": {"lr": 0.5},
            "rmsprop": {"lr": 0.05},
            "adam": {"lr": 0.1},
        },
        "Four equally deep minima, and a start near the hilltop between them: the same start, different "
        "optimizers, different destinations. Nudge the start and watch the destinations change.",
    ),
    "warmup": Preset(
        "Warm-up rescues a learning rate that is too large",
        "beale",
        (1.0, 1.5),
        300,
        {"sgd": {"lr": 0.05}, "momentum": {"lr": 0.05, "momentum": 0.0}},
        "Both paths are plain SGD at lr = 0.05 (Momentum's μ is 0 here, which is exactly SGD): only the schedule "
        "differs. Without one, the first step off Beale's steep wall is about 5 units long and the path flies off "
        "(diverged at step 3). SGD's schedule warms up linearly from 0.0005 to 0.05 over 40 steps, then follows a "
        "cosine down: its small first steps reach the valley, where 0.05 is safe, and it ends within 3 × 10⁻⁴ of "
        "the minimum's loss.",
        schedules={
            "sgd": (
                "sequential",
                {
                    "schedulers": (("linear", {"start_factor": 0.01, "total_iters": 40}), ("cosine", {})),
                    "milestones": (40,),
                },
            )
        },
    ),
    "anneal": Preset(
        "Decay lets a bouncing path settle",
        "ackley",
        (3.2, 2.4),
        300,
        {"sgd": {"lr": 0.1}, "momentum": {"lr": 0.1, "momentum": 0.0}},
        "Both paths are plain SGD at lr = 0.1 (Momentum's μ is 0 here, which is exactly SGD). Steps that large hop "
        "over Ackley's small dips towards the deep centre, but they never shrink: without a schedule the path keeps "
        "bouncing around the centre (f between 0.05 and 4.4 over its last 100 steps). SGD's cosine schedule "
        "brings the learning rate down to nearly 0 by the last step, so the same hops settle at the global minimum "
        "(f ≈ 2 × 10⁻¹⁰). At a small lr such as 0.01, SGD stops in the first dip near the start instead (f ≈ 8).",
        schedules={"sgd": ("cosine", {})},
    ),
    "amsgrad": Preset(
        "Adam against AMSGrad (Reddi et al.'s lesson)",
        "quadratic",
        (-4.5, 2.0),
        300,
        {
            "adam": {"lr": 0.5, "betas": (0.0, 0.1)},
            "adamw": {"lr": 0.5, "betas": (0.0, 0.1), "weight_decay": 0.0, "amsgrad": True},
        },
        "Reddi, Kale & Kumar (2018) made Adam fail on a convex problem whose loss changes every step (Cx on every "
        "third step, −x on the others, x in [−1, 1], C > 2: the best x is −1, Adam goes to +1). A fixed surface "
        "cannot change, so that problem cannot be drawn; what breaks Adam there breaks it on this convex bowl too: it "
        "divides each step by a moving average of g² that forgets, so its step lr/√v can grow again. Both race with "
        "their β1 = 0 and β2 = 1/(1 + C²) = 0.1 (C = 3), at a constant lr = 0.5 (theirs shrinks as 1/√t). AdamW is "
        "AMSGrad here: weight decay 0 makes it exactly Adam, and its amsgrad switch is on. Adam's steps stay about "
        "0.5 long however small the gradient gets: from step 17 on it jumps between (0.25, 0.25) and (−0.25, −0.25) "
        "for good (f ≈ 0.34). AMSGrad divides by the largest average so far, so lr/√v can only shrink: f falls at "
        "every step, to 4 × 10⁻³² by step 300.",
    ),
    "lbfgs": Preset(
        "L-BFGS against GD on Rosenbrock",
        "rosenbrock",
        (-1.2, 1.0),
        300,
        {"sgd": {"lr": 0.001}, "lbfgs": {"lr": 0.5}},
        "GD (SGD on exact gradients) scales every direction by one lr, so a step that is safe across the valley's "
        "steep walls (curvature about 1,500 where it starts) is tiny along its nearly flat floor (curvature 0.4 at "
        "the minimum): at lr = 0.001 it ends its 300 steps at f ≈ 3.1, at (−0.76, 0.58), not yet round the bend, and "
        "even at the lr Tune learning rates picks for it, 0.0041, at f ≈ 0.08. L-BFGS (torch's, without a line "
        "search; lr = 0.5) estimates the curvature from how the gradient changed over its last steps and divides by "
        "it, stepping long along the floor and short across: f < 10⁻³ at step 51, and from step 62 on it holds "
        "still at f ≈ 2 × 10⁻¹⁰, because the decrease its next step promises is under torch's tolerance_change "
        "(10⁻⁹).",
    ),
}
