"""Quasi-Newton: torch.optim.LBFGS with max_iter=1 (and max_eval=25), one torch ``step(closure)`` per gdviz step.

Each start of a batch is its own L-BFGS problem: the last axis of the params is torch's flat parameter
vector (a start's 2 coordinates on a surface), the axes before it a batch stepped together with masks.
The history of curvature pairs (y, s) is a fixed-size array per start, newest pair first,
``history_size`` pairs long; a slot holds a pair when y·s > 0 (torch stores one only when y·s > 1e-10;
an empty slot is zeros). ``line_search_fn="strong_wolfe"`` evaluates f and ∇f at trial points inside
one step: its update takes the walk's oracle (gdviz/optimizers/line_search.py), so it runs on surfaces.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .line_search import SURFACES_ONLY, strong_wolfe
from .notation import GRAD_STEP, STEP, Explanation, Step, tex_number, tex_rate, tex_vector
from .spec import NONNEGATIVE, Bounds, HyperParam, Look, Optimizer, OptimizerSpec, Torch, check, lr_param, zeros
from .two_loop import columns, dot, pairs, total, two_loop

CURVATURE = 1e-10  # torch keeps a pair (y, s) only when y·s exceeds this
MAX_EVAL = 25  # evaluations a step may spend (torch's default at max_iter=20): the line search gets 24
LINE_SEARCHES = (None, "strong_wolfe")


class LBFGSState(NamedTuple):
    """torch's LBFGS state, per start. A number per start (n_iter, t, H_diag) fills every column; the
    history is ``history_size`` pairs of n-vectors flattened to n·history_size numbers, newest first."""

    n_iter: np.ndarray
    d: np.ndarray
    t: np.ndarray
    H_diag: np.ndarray
    prev_flat_grad: np.ndarray
    old_dirs: np.ndarray  # y = g_t − g_{t−1}
    old_stps: np.ndarray  # s = t·d, the step taken
    func_evals: np.ndarray  # evaluations of f and ∇f so far: one a step, plus the line search's


def lbfgs(
    lr: float = 1.0,
    history_size: int = 100,
    tolerance_grad: float = 1e-7,
    tolerance_change: float = 1e-9,
    line_search_fn: str | None = None,
) -> Optimizer:
    """torch.optim.LBFGS(max_iter=1, max_eval=25): each step, per start,

    max|g| ≤ tolerance_grad: return without moving or changing the state (but func_evals, as torch counts);
    first iteration: d = −g, t = min(1, 1/‖g‖₁)·lr;
    later: y = g − g_prev, s = t_prev·d_prev; if y·s > 1e-10 store (y, s) (dropping the oldest beyond
    history_size) and H_diag = y·s / y·y; d = −H·g by the two-loop recursion; t = lr;
    g·d > −tolerance_change: no move (the new d, t and history are kept, as torch keeps them);
    else θ ← θ + t·d, where ``line_search_fn="strong_wolfe"`` first moves t to the step its search settles on
    (``line_search.strong_wolfe`` from t, with up to 24 more evaluations of f and ∇f).
    """
    check(
        line_search_fn in LINE_SEARCHES,
        f"line_search_fn must be None or 'strong_wolfe' (torch's only line search), got {line_search_fn!r}",
    )

    def init(params):
        *batch, n = np.shape(params)
        history = np.zeros((*batch, n * int(history_size)))
        return LBFGSState(
            zeros(params), zeros(params), zeros(params), zeros(params) + 1, zeros(params), history, history,
            zeros(params),
        )  # fmt: skip

    def direction(grads, state):
        """The step's d and t, the new state, and which starts move (torch's step up to its line search)."""
        optimal = np.max(np.abs(grads), axis=-1) <= tolerance_grad  # torch returns before changing anything
        first = state.n_iter[..., 0] == 0
        y, s = grads - state.prev_flat_grad, state.d * state.t
        ys = dot(y, s)
        keep = (~optimal & ~first & (ys > CURVATURE))[..., None]
        n = grads.shape[-1]  # the newest pair goes first, the oldest falls off the end
        old_dirs = np.where(keep, np.concatenate([y, state.old_dirs[..., :-n]], axis=-1), state.old_dirs)
        old_stps = np.where(keep, np.concatenate([s, state.old_stps[..., :-n]], axis=-1), state.old_stps)
        with np.errstate(divide="ignore", invalid="ignore"):  # y = 0 or g = 0: those values are not kept
            H_diag = np.where(keep, columns((ys / dot(y, y))[..., None], grads), state.H_diag)
            scale = np.minimum(1.0, 1.0 / total(np.abs(grads)))
        H_diag = np.where(first[..., None], 1.0, H_diag)  # what a start that never iterated holds anyway
        d = np.where(first[..., None], -grads, two_loop(grads, old_dirs, old_stps, H_diag, ~optimal & ~first))
        t = columns(np.where(first[..., None], scale[..., None] * lr, lr), grads)
        hold = optimal[..., None]
        new = LBFGSState(
            np.where(hold, state.n_iter, state.n_iter + 1),
            np.where(hold, state.d, d),
            np.where(hold, state.t, t),
            H_diag,
            np.where(hold, state.prev_flat_grad, grads),
            old_dirs,
            old_stps,
            state.func_evals + 1,
        )
        moves = ~hold & ~(dot(grads, d) > -tolerance_change)[..., None]
        return d, t, new, moves[..., 0]

    def update(grads, state, params):
        d, t, new, moves = direction(grads, state)
        return np.where(moves[..., None], t * d, 0.0), new

    def searching(grads, state, params, oracle=None):
        if oracle is None:
            raise ValueError(SURFACES_ONLY)
        d, t, new, moves = direction(grads, state)
        n = grads.shape[-1]
        i = np.flatnonzero(moves)  # the starts that search, as rows of the flattened batch
        if len(i):
            x, g, di, ti = (np.reshape(a, (-1, n))[i] for a in (params, grads, d, t))
            f, _ = oracle(x, gradient=False)
            _, _, found, evals = strong_wolfe(oracle, x, ti[:, 0], di, f, g, dot(g, di), MAX_EVAL - 1)
            t, func_evals = np.reshape(t, (-1, n)).copy(), np.reshape(new.func_evals, (-1, n)).copy()
            t[i], func_evals[i] = found[:, None], func_evals[i] + evals[:, None]
            new = new._replace(t=t.reshape(grads.shape), func_evals=func_evals.reshape(grads.shape))
            t = new.t
        return np.where(moves[..., None], t * d, 0.0), new

    if line_search_fn is None:
        return Optimizer(init, update)
    searching.oracle = True  # the walk hands it f and ∇f at trial points (line_search.needs_oracle)
    return Optimizer(init, searching)


# --- the inspector ---------------------------------------------------------------------------


def _explain_lbfgs(s: Step) -> Explanation:
    lr, tol_grad, tol_change = s.hyper["lr"], s.hyper["tolerance_grad"], s.hyper["tolerance_change"]
    g, d, tau = s.g, s.new.d, s.new.t
    searched = s.hyper.get("line_search_fn") == "strong_wolfe"
    first_tau = r"\tau^0_<t>" if searched else r"\tau_<t>"  # with a search, τ is where the search starts
    lines = []
    largest = float(np.max(np.abs(g)))
    if largest <= tol_grad:
        lines += [
            s.line(r"\max_i |g_{<t>,i}|", tex_number(largest))
            + rf" \le {tex_number(tol_grad)} \quad \text{{(tolerance\_grad: torch returns at once, }}"
            rf"\eta = {tex_rate(lr)} \text{{ unused)}}",
        ]
    elif int(s.new.n_iter[0]) == 1:
        l1 = float(np.abs(g).sum())
        lines += [
            s.line(r"d_<t> = -g_<t>", tex_vector(d)) + r" \quad \text{(the first iteration)}",
            s.line(
                first_tau + r" = \min(1,\, 1/\|g_<t>\|_1)\, \eta",
                rf"\min(1,\, 1/{tex_number(l1)}) \cdot {tex_rate(lr)}",
                tex_rate(min(1.0, 1.0 / l1) * lr if searched else tau if tau[0] != tau[1] else tau[0]),
            ),
        ]
    else:
        y, step_prev = g - s.prev.prev_flat_grad, s.prev.d * s.prev.t
        ys = float(dot(y, step_prev))
        stored = ys > CURVATURE
        count = int((dot(pairs(s.new.old_dirs, 2), pairs(s.new.old_stps, 2)) > 0).sum())
        h0 = tex_number(s.new.H_diag[0])
        verdict = (
            rf"> 10^{{-10}} \quad \text{{(stored: }} H_0 = \frac{{y \cdot s}}{{y \cdot y}} = {h0}\text{{)}}"
            if stored
            else rf"\le 10^{{-10}} \quad \text{{(not stored; }} H_0 = {h0} \text{{ kept)}}"
        )
        lines += [
            s.line(r"y = g_<t> - g_<p>", f"{tex_vector(g)} - {tex_vector(s.prev.prev_flat_grad)}", tex_vector(y)),
            s.line(r"s = \tau_<p> d_<p>", tex_vector(step_prev)),
            s.line(r"y \cdot s", tex_number(ys)) + " " + verdict,
            s.line(r"d_<t> = -H_<t> g_<t>", tex_vector(d))
            + rf" \quad \text{{(two-loop recursion over {count} stored pair{'s' * (count != 1)})}}",
            s.line(first_tau + r" = \eta", tex_rate(lr)),
        ]
    if largest > tol_grad:
        gtd = float(dot(g, d))
        lines.append(
            s.line(r"g_<t> \cdot d_<t>", tex_number(gtd))
            + (
                rf" < -{tex_number(tol_change)} \quad \text{{(a descent direction: step)}}"
                if gtd <= -tol_change
                else rf" \ge -{tex_number(tol_change)} \quad \text{{(tolerance\_change: no move)}}"
            )
        )
        if searched and gtd <= -tol_change:
            evals = int(s.new.func_evals[0] - s.prev.func_evals[0]) - 1
            lines.append(
                s.line(r"\tau_<t>", tex_number(tau[0]))
                + rf" \quad \text{{(strong Wolfe line search from }} {s.sym(first_tau)}\text{{: {evals} "
                rf"evaluation{'s' * (evals != 1)} of }} f, \nabla f\text{{)}}"
            )
    lines.append(
        s.line(
            r"\theta_<t> = \theta_<p> + \tau_<t>\, d_<t>",
            f"{tex_vector(s.theta_prev)} + {tex_vector(s.step)}",
            tex_vector(s.theta),
        )
    )
    return Explanation(lines, {GRAD_STEP: -lr * s.g, STEP: s.step})


RANK = 7  # where this family comes in the registry: simplest first
SPECS = (
    OptimizerSpec(
        "lbfgs",
        "L-BFGS",
        lbfgs,
        (
            lr_param(1.0, help="step length τ of every iteration but the first"),
            # a page keeps up to 100 pairs (each costs memory on every start of a basin map); torch takes any
            HyperParam("history_size", 100, 1, 100, kind="int", help="curvature pairs (y, s) kept", bounds=Bounds(1)),
            HyperParam(
                "tolerance_grad",
                1e-7,
                1e-15,
                1.0,
                log=True,
                help="no step at all once every |gᵢ| is this small",
                bounds=NONNEGATIVE,
            ),
            HyperParam(
                "tolerance_change",
                1e-9,
                1e-15,
                1.0,
                log=True,
                help="no move when g·d is above −this (not downhill)",
                bounds=NONNEGATIVE,
            ),
            HyperParam(
                "line_search_fn",
                None,
                0.0,
                1.0,
                kind="choice",
                choices=LINE_SEARCHES,
                help="strong_wolfe: search along d for a step with enough decrease and a flatter slope (up to 24 "
                "more evaluations of f and ∇f a step; surfaces only, without gradient noise)",
            ),
        ),
        r"y = g_t - g_{t-1},\ s = \tau_{t-1} d_{t-1} \text{ (kept if } y \cdot s > 10^{-10}) \qquad "
        r"d_t = -H_t\, g_t \text{ (two-loop recursion, } H_0 = \tfrac{y \cdot s}{y \cdot y}) \qquad "
        r"\theta_t = \theta_{t-1} + \tau_t\, d_t,\ \tau_t = \eta\ (\tau_1 = \min(1, 1/\|g_1\|_1)\, \eta)",
        "torch.optim.LBFGS with max_iter=1 and max_eval=25: one quasi-Newton iteration per step, the inverse "
        "Hessian built from the last history_size steps; with line_search_fn='strong_wolfe' the step length "
        "τ is searched for (torch's strong Wolfe search, up to 24 more evaluations of f and ∇f a step), on "
        "surfaces without gradient noise only.",
        explain=_explain_lbfgs,
        torch=Torch("LBFGS", f", max_iter=1, max_eval={MAX_EVAL}", closure=True),
        look=Look("#0072B2", "octagon", "solid"),
        start={"lr": 0.5},  # at lr 1, no line search, it can settle on a saddle (Himmelblau's race start)
        linear_start={"lr": 0.1},
        symbols={
            "n_iter": "k",
            "d": "d",
            "t": "τ",
            "H_diag": "H₀",
            "prev_flat_grad": "gₜ₋₁",
            "old_dirs": "y (newest)",
            "old_stps": "s (newest)",
            "func_evals": "evals",
        },
        params="flat",
    ),
)
