"""torch.optim.LBFGS's strong Wolfe line search (``_strong_wolfe``, ``_cubic_interpolate``), many starts at once.

An update that searches along its direction needs f and ∇f at trial points within one step: it is marked
``update.oracle = True`` and the walk calls it ``update(grads, state, params, oracle)``, where
``oracle(points) -> (f, g)`` evaluates the surface at points of shape (m, n) (``gradient=False``: f only,
(f, None)). Each start searches on its own:
a round evaluates every start still searching at its own trial step, once; a start leaves when torch's
search would return, so each spends its own number of evaluations. Every comparison, interpolation and
clamp is written in the order torch evaluates it, with Python's ``max(a, b)`` (a unless b > a) for its
builtins, so a NaN goes where torch's goes.
"""

from __future__ import annotations

import numpy as np

from .two_loop import dot

C1, C2, TOLERANCE_CHANGE = 1e-4, 0.9, 1e-9  # torch's defaults: LBFGS passes none of them on
SURFACES_ONLY = (
    "L-BFGS's strong Wolfe line search evaluates f and ∇f at trial points within a step: gdviz runs it on "
    "2D surfaces only, not on classifiers or networks (choose line_search_fn=None there)"
)
NO_NOISE = (
    "L-BFGS's strong Wolfe line search evaluates f and ∇f several times a step, and gdviz draws gradient noise "
    "once a step: set the gradient noise to 0 for it, or choose line_search_fn=None"
)
NO_F = "L-BFGS's strong Wolfe line search compares values of f: pass a Surface or f="


def needs_oracle(opt) -> bool:
    """Whether ``opt.update`` evaluates f and ∇f at trial points (and so takes the oracle)."""
    return getattr(opt.update, "oracle", False)


def _max(a, b):
    return np.where(b > a, b, a)  # Python's max(a, b)


def _min(a, b):
    return np.where(b < a, b, a)  # Python's min(a, b)


def cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """torch's ``_cubic_interpolate``: the minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped
    to ``bounds`` (lo, hi), by default the interval between x1 and x2; the midpoint where the cubic has none."""
    if bounds is None:
        lo, hi = np.where(x1 <= x2, x1, x2), np.where(x1 <= x2, x2, x1)
    else:
        lo, hi = bounds
    with np.errstate(all="ignore"):
        d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        d2_square = d1**2 - g1 * g2
        d2 = np.sqrt(np.where(d2_square >= 0, d2_square, 0.0))
        min_pos = np.where(
            x1 <= x2,
            x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)),
            x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2)),
        )
    return np.where(d2_square >= 0, _min(_max(min_pos, lo), hi), (lo + hi) / 2.0)


def _set(pair, at, value):
    """``pair[at] = value`` per start: pair (m, 2, ...), at (m,) of 0 or 1, value (m, ...)."""
    hit = np.arange(2) == at[:, None]
    hit = hit.reshape(hit.shape + (1,) * (pair.ndim - 2))
    return np.where(hit, np.expand_dims(value, 1), pair)


def _where(mask, a, b):
    """Per start (mask (m,)), a where mask, else b; a and b (m, ...)."""
    return np.where(mask.reshape((-1,) + (1,) * (a.ndim - 1)), a, b)


def _get(pair, at):
    return np.take_along_axis(pair, at.reshape((-1, 1) + (1,) * (pair.ndim - 2)), axis=1)[:, 0]


def strong_wolfe(oracle, x, t, d, f, g, gtd, max_ls):
    """torch's ``_strong_wolfe(obj_func, x, t, d, f, g, gtd, max_ls=max_ls)`` per start: x, d, g (m, n); t, f, gtd
    (m,). Returns (f_new, g_new, t, evals) at the step it settles on; evals (m,) counts its evaluations.

    Bracketing from t: a trial that breaks sufficient decrease (f_new > f + c1·t·g·d, or no lower than the last
    trial after two) or slopes up (g_new·d ≥ 0) brackets a step with the last; one that meets the curvature
    condition |g_new·d| ≤ −c2·g·d is taken; otherwise t extrapolates by cubic interpolation within [t + 0.01(t −
    t_prev), 10t]. Zooming: cubic interpolation inside the bracket (kept 10 % away from its ends when progress
    stalls) until the curvature condition holds, the bracket is narrower than tolerance_change / max|d|, or
    max_ls trials are spent; the lowest end of the bracket is returned. max_ls = 0: one trial, kept if f drops.
    """
    m = len(t)
    trial = lambda i, s: oracle(x[i] + s[i, None] * d[i])  # noqa: E731 (torch: p.add_(d, alpha=t))
    d_norm = np.abs(d).max(axis=-1)
    f_new, g_new = oracle(x + t[:, None] * d)
    gtd_new, ls_iter = dot(g_new, d), np.zeros(m, dtype=int)
    t_prev, f_prev, g_prev, gtd_prev = np.zeros(m), f, g, gtd
    zeros2 = np.zeros((m, 2))
    b, bf, bgtd, bg = zeros2, zeros2, zeros2, np.zeros((m, 2, d.shape[-1]))  # the bracket, per start
    low, insuf = np.zeros(m, dtype=int), np.zeros(m, dtype=bool)
    bracketing, zooming = np.ones(m, dtype=bool), np.zeros(m, dtype=bool)
    armijo = lambda t, f_new: f_new > (f + C1 * t * gtd)  # noqa: E731

    def pair(a, b_):
        return np.stack([a, b_], axis=1)

    while bracketing.any() or zooming.any():
        # bracketing: judge the last trial of each start still bracketing
        out = bracketing & (ls_iter >= max_ls)  # trials spent: bracket [0, t]
        judge = bracketing & ~out
        up = judge & (armijo(t, f_new) | ((ls_iter > 1) & (f_new >= f_prev)))
        wolfe = judge & ~up & (np.abs(gtd_new) <= -C2 * gtd)
        rising = judge & ~up & ~wolfe & (gtd_new >= 0)
        on = (up | rising)[:, None]
        b = np.where(on, pair(t_prev, t), np.where(out[:, None], pair(np.zeros(m), t), b))
        bf = np.where(on, pair(f_prev, f_new), np.where(out[:, None], pair(f, f_new), bf))
        bg = np.where(on[..., None], pair(g_prev, g_new), np.where(out[:, None, None], pair(g, g_new), bg))
        bgtd = np.where(on, pair(gtd_prev, gtd_new), bgtd)
        b = np.where(wolfe[:, None], pair(t, t), b)  # bracket = [t]: its low end is t
        bf = np.where(wolfe[:, None], pair(f_new, f_new), bf)
        bg = np.where(wolfe[:, None, None], pair(g_new, g_new), bg)
        entered = up | rising | out | wolfe
        low = np.where(entered, np.where(bf[:, 0] <= bf[:, 1], 0, 1), low)
        insuf = np.where(entered, False, insuf)
        zooming |= up | rising | out
        extend = judge & ~up & ~wolfe & ~rising
        bracketing = extend
        with np.errstate(all="ignore"):
            t_next = cubic_interpolate(
                t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10)
            )
        t_prev = np.where(extend, t, t_prev)
        f_prev, gtd_prev = np.where(extend, f_new, f_prev), np.where(extend, gtd_new, gtd_prev)
        g_prev = np.where(extend[:, None], g_new, g_prev)
        t = np.where(extend, t_next, t)

        # zooming: the next trial inside each bracket, or leave
        bmax, bmin = _max(b[:, 0], b[:, 1]), _min(b[:, 0], b[:, 1])
        with np.errstate(all="ignore"):
            zooming &= (ls_iter < max_ls) & ~(np.abs(b[:, 1] - b[:, 0]) * d_norm < TOLERANCE_CHANGE)
            t_zoom = cubic_interpolate(b[:, 0], bf[:, 0], bgtd[:, 0], b[:, 1], bf[:, 1], bgtd[:, 1])
            eps = 0.1 * (bmax - bmin)
            near = _min(bmax - t_zoom, t_zoom - bmin) < eps
            edge = insuf | (t_zoom >= bmax) | (t_zoom <= bmin)
            away = np.where(np.abs(t_zoom - bmax) < np.abs(t_zoom - bmin), bmax - eps, bmin + eps)
        t = np.where(zooming, np.where(near & edge, away, t_zoom), t)
        insuf = np.where(zooming, near & ~edge, insuf)

        # one evaluation for every start still searching, each at its own t
        ask = bracketing | zooming
        if not ask.any():
            break
        i = np.flatnonzero(ask)
        f_i, g_i = trial(i, t)
        f_new, g_new = f_new.copy(), g_new.copy()
        f_new[i], g_new[i] = f_i, g_i
        gtd_new = np.where(ask, dot(g_new, d), gtd_new)
        ls_iter = ls_iter + ask

        # zooming: the trial replaces an end of the bracket
        high = 1 - low
        worse = zooming & (armijo(t, f_new) | (f_new >= _get(bf, low)))
        better = zooming & ~worse
        done = better & (np.abs(gtd_new) <= -C2 * gtd)
        flip = better & ~done & (gtd_new * (_get(b, high) - _get(b, low)) >= 0)  # old high becomes new low
        trial_ = (t, f_new, g_new, gtd_new)
        at = np.where(worse, high, low)
        b, bf, bg, bgtd = (
            _where(worse | better, _set(_where(flip, _set(a, high, _get(a, low)), a), at, v), a)
            for a, v in zip((b, bf, bg, bgtd), trial_, strict=True)
        )
        low = np.where(worse, np.where(bf[:, 0] <= bf[:, 1], 0, 1), low)
        zooming &= ~done

    return _get(bf, low), _get(bg, low), _get(b, low), ls_iter + 1  # the first trial, then one per round
