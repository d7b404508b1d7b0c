"""A surface from a formula the student types: ``custom_surface(text, domain) -> Surface``.

The text is parsed by ``parse_expression`` and may use the variables x and y only. ``fxy`` and
``gradxy`` evaluate the expression over whole arrays through the autodiff engine (the gradient is
reverse mode, exact, not finite differences); x and y are broadcast together first, so every point
gets its own gradient and a constant formula still returns an array of the points' shape. The
surface lists no minima. Its LaTeX comes from gdviz/expression_print.py.
"""

from __future__ import annotations

import numpy as np

from ..expression import ExpressionError, parse_expression
from ..expression_print import latex
from .functions import Domain, Surface

VARIABLES = ("x", "y")
DEFAULT_DOMAIN: Domain = ((-3.0, 3.0), (-3.0, 3.0))
CHECK_GRID = 21  # points per axis where f must be finite somewhere
START_FRACTION = 0.8  # the start lies this far from the domain's centre toward a corner


def _check_domain(domain) -> Domain:
    (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)
    if not (np.isfinite([x0, x1, y0, y1]).all() and x0 < x1 and y0 < y1):
        raise ValueError(f"a domain is ((x0, x1), (y0, y1)) with x0 < x1 and y0 < y1, finite; got {domain}")
    return (x0, x1), (y0, y1)


def custom_surface(text: str, domain: Domain = DEFAULT_DOMAIN) -> Surface:
    """The Surface f(x, y) = ``text`` over ``domain``; raises ExpressionError for a formula it cannot use."""
    expr = parse_expression(text)
    unknown = [name for name in expr.variables if name not in VARIABLES]
    if unknown:
        raise ExpressionError(f"unknown variable{'s' * (len(unknown) > 1)} {', '.join(unknown)}: use x and y only")
    (x0, x1), (y0, y1) = domain = _check_domain(domain)

    def fxy(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return np.broadcast_to(expr.evaluate({"x": x, "y": y}), x.shape).copy()

    def gradxy(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        g = expr.gradients({"x": x, "y": y})
        return tuple(np.broadcast_to(g.get(name, 0.0), x.shape).copy() for name in VARIABLES)

    xs, ys = np.meshgrid(np.linspace(x0, x1, CHECK_GRID), np.linspace(y0, y1, CHECK_GRID))
    values = fxy(xs, ys)
    if not np.isfinite(values).any():
        raise ExpressionError("f is not finite anywhere on the domain")
    finite = np.isfinite(values) & np.isfinite(gradxy(xs, ys)).all(axis=0)
    if not finite.any():  # (-1)**x: a value at whole x, a slope nowhere
        raise ExpressionError("f has no finite gradient anywhere on the domain: no optimizer could take a step")
    # 80% of the way to a corner (top right first, then anticlockwise), else the first finite grid point
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    corners = centre + START_FRACTION * (np.array([[x1, y1], [x0, y1], [x0, y0], [x1, y0]]) - centre)
    starts = np.concatenate([corners, centre[None], np.stack([xs[finite], ys[finite]], axis=-1)])
    ok = np.isfinite(fxy(starts[:, 0], starts[:, 1])) & np.isfinite(gradxy(starts[:, 0], starts[:, 1])).all(axis=0)
    start = starts[np.argmax(ok)] if ok.any() else centre
    shown = text.strip()
    return Surface(
        name="custom",
        title=f"Custom: f(x, y) = {shown}",
        fxy=fxy,
        gradxy=gradxy,
        domain=domain,
        minima=np.empty((0, 2)),
        latex=f"f(x, y) = {latex(expr.term)}",
        start=(float(start[0]), float(start[1])),
        description=f"The surface you typed, f(x, y) = {shown}; its gradient comes from reverse-mode autodiff.",
        log_levels=False,
        extras={"expression": expr},
    )
