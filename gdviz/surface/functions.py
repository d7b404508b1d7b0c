"""2D loss surfaces: the classic test functions optimizers are raced on.

Every surface follows one contract: ``s.f(p)`` maps points ``p`` of shape ``(..., 2)`` to values of
shape ``(...)`` and ``s.grad(p)`` maps them to analytic gradients of shape ``(..., 2)``, vectorized,
float64. Each also carries a plotting ``domain``, its known local ``minima`` (shape ``(k, 2)``), a
LaTeX formula, a default start and one line on what it teaches. ``SURFACES`` is the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]
PI2 = 2 * np.pi


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2D function with its analytic gradient; ``fxy(x, y)`` and ``gradxy(x, y) -> (gx, gy)``."""

    name: str
    title: str
    fxy: Callable
    gradxy: Callable
    domain: Domain
    minima: np.ndarray
    latex: str
    start: tuple[float, float]
    description: str
    lipschitz: float | None = None  # constant bound L on |curvature| where one exists (sweep.stability_limit)
    log_levels: bool = False  # values span orders of magnitude: contour on a log scale
    extras: dict = field(default_factory=dict)
    stability_note: str = ""  # why no learning rate 2/L bounds plain GD here, where the general reason won't do
    torch: str = ""  # the body of ``def f(x, y)`` in torch, as fxy computes it (the PyTorch snippet); "" if none:
    # change it with fxy, or the snippet writes another f

    def f(self, p) -> np.ndarray:
        """Values at points ``p`` of shape ``(..., 2)``; returns shape ``(...)``."""
        p = np.asarray(p, dtype=np.float64)
        return np.asarray(self.fxy(p[..., 0], p[..., 1]), dtype=np.float64)

    def grad(self, p) -> np.ndarray:
        """Gradients at points ``p`` of shape ``(..., 2)``; returns shape ``(..., 2)``."""
        p = np.asarray(p, dtype=np.float64)
        gx, gy = self.gradxy(p[..., 0], p[..., 1])
        out = np.empty(p.shape)  # a constant component (a plane's) fills its column by broadcasting
        out[..., 0], out[..., 1] = gx, gy
        return out

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``xs (n,)``, ``ys (n,)`` and values ``Z (n, n)`` with ``Z[i, j] = f(xs[j], ys[i])``."""
        (x0, x1), (y0, y1) = self.domain
        xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
        with np.errstate(all="ignore"):
            Z = self.fxy(*np.meshgrid(xs, ys))
        return xs, ys, np.asarray(Z, dtype=np.float64)

    def hessian(self, p) -> np.ndarray:
        """Hessians at points ``p`` of shape ``(..., 2)``, shape ``(..., 2, 2)``: centered differences of
        the analytic gradient (step 1e-5 relative), symmetrized."""
        p = np.asarray(p, dtype=np.float64)
        h = 1e-5 * np.maximum(1.0, np.abs(p))
        rows = []
        for i in range(2):
            e = np.zeros_like(p)
            e[..., i] = h[..., i]
            rows.append((self.grad(p + e) - self.grad(p - e)) / (2 * h[..., i, None]))
        H = np.stack(rows, axis=-2)
        return 0.5 * (H + np.swapaxes(H, -1, -2))

    @property
    def global_minima(self) -> np.ndarray:
        """The listed minima with the lowest value, shape ``(g, 2)``."""
        if len(self.minima) == 0:
            return self.minima
        values = self.f(self.minima)
        return self.minima[values <= values.min() + 1e-9 * max(1.0, abs(values.min()))]

    def nearest_minimum(self, p) -> tuple[np.ndarray, np.ndarray]:
        """Index of the nearest listed minimum and the distance to it, for points ``(..., 2)``."""
        p = np.asarray(p, dtype=np.float64)
        if len(self.minima) == 0:
            nan = np.full(p.shape[:-1], np.nan)
            return np.full(p.shape[:-1], -1), nan
        d = np.linalg.norm(p[..., None, :] - self.minima, axis=-1)
        return d.argmin(axis=-1), d.min(axis=-1)


def _minima(*points) -> np.ndarray:
    return np.array(points, dtype=np.float64).reshape(-1, 2)


def newton_minima(surface: Surface, seeds, iterations: int = 60) -> np.ndarray:
    """The local minima Newton's method reaches from ``seeds`` (k, 2): each seed refined on the analytic
    gradient (Hessian by differences) to the last bit, kept where it settled inside the domain with a
    positive definite Hessian, duplicates merged; shape (m, 2), in the order of the seeds."""
    p = np.array(seeds, dtype=np.float64).reshape(-1, 2)
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            step = np.linalg.solve(surface.hessian(p), -surface.grad(p)[..., None])[..., 0]
            p = p + np.where(np.isfinite(step), step, 0.0)
        settled = np.linalg.norm(step, axis=-1) <= 1e-9 * np.maximum(1.0, np.abs(p).max(axis=-1))
        curves_up = (np.linalg.eigvalsh(surface.hessian(p)) > 0).all(axis=-1)
    (x0, x1), (y0, y1) = surface.domain
    inside = (p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1)
    p = p[settled & curves_up & inside & np.isfinite(p).all(axis=-1)]
    width = max(hi - lo for lo, hi in surface.domain)
    kept: list[np.ndarray] = []
    for q in p:
        if all(np.linalg.norm(q - k) > 1e-6 * width for k in kept):
            kept.append(q)
    return np.array(kept, dtype=np.float64).reshape(-1, 2)


def quadratic(condition: float = 10.0) -> Surface:
    """The long valley ½(x² + κy²): a bowl whose Hessian has eigenvalues 1 and κ (the condition number)."""
    if not condition >= 1:
        raise ValueError(f"condition number must be at least 1, got {condition}")
    k = float(condition)
    return Surface(
        name="quadratic",
        title="Long valley (quadratic bowl)",
        fxy=lambda x, y: 0.5 * (x**2 + k * y**2),
        gradxy=lambda x, y: (x, k * y),
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_minima(0.0, 0.0),
        latex=rf"f(x, y) = \tfrac12\,(x^2 + {k:g}\,y^2)",
        start=(-4.5, 2.0),
        description="A narrow valley: plain GD zig-zags across it and crawls along it; momentum helps.",
        lipschitz=max(1.0, k),
        extras={"condition": k},
        torch=f"return 0.5 * (x**2 + {k!r} * y**2)",
    )


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x, y):
    t1, t2, t3 = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    gx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
    gy = 2 * t1 * x + 4 * t2 * x * y + 6 * t3 * x * y**2
    return gx, gy


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_grad(x, y):
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _rastrigin(x, y):
    return 20 + x**2 - 10 * np.cos(PI2 * x) + y**2 - 10 * np.cos(PI2 * y)


def _rastrigin_grad(x, y):
    return 2 * x + 10 * PI2 * np.sin(PI2 * x), 2 * y + 10 * PI2 * np.sin(PI2 * y)


def _ackley(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    return -20 * np.exp(-0.2 * r) - np.exp(0.5 * (np.cos(PI2 * x) + np.cos(PI2 * y))) + np.e + 20


def _ackley_grad(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    # the cone's tip has no gradient; 0 there, the subgradient GD would pick
    radial = np.where(r > 0, 2 * np.exp(-0.2 * r) / np.where(r > 0, r, 1.0), 0.0)
    wave = np.pi * np.exp(0.5 * (np.cos(PI2 * x) + np.cos(PI2 * y)))
    return radial * x + wave * np.sin(PI2 * x), radial * y + wave * np.sin(PI2 * y)


def _booth(x, y):
    return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2


def _booth_grad(x, y):
    a, b = x + 2 * y - 7, 2 * x + y - 5
    return 2 * a + 4 * b, 4 * a + 2 * b


def _six_hump(x, y):
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def _six_hump_grad(x, y):
    return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3


def _three_hump(x, y):
    return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2


def _three_hump_grad(x, y):
    return 4 * x - 4.2 * x**3 + x**5 + y, x + 2 * y


def _goldstein_price(x, y):
    a, b = x + y + 1, 2 * x - 3 * y
    P = 1 + a**2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    Q = 30 + b**2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    return P * Q


def _goldstein_price_grad(x, y):
    a, b = x + y + 1, 2 * x - 3 * y
    A = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    B = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    P, Q = 1 + a**2 * A, 30 + b**2 * B
    dP = 2 * a * A + a**2 * (-14 + 6 * x + 6 * y)  # same for x and y: P is symmetric in them
    dQx = 4 * b * B + b**2 * (-32 + 24 * x - 36 * y)
    dQy = -6 * b * B + b**2 * (48 - 36 * x + 54 * y)
    return dP * Q + P * dQx, dP * Q + P * dQy


def _matyas(x, y):
    return 0.26 * (x**2 + y**2) - 0.48 * x * y


def _matyas_grad(x, y):
    return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


def _styblinski_tang(x, y):
    return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)


def _styblinski_tang_grad(x, y):
    return 2 * x**3 - 16 * x + 2.5, 2 * y**3 - 16 * y + 2.5


def _rastrigin_minima() -> np.ndarray:
    """The 11 × 11 grid of local minima: u + 10π sin 2πu = 0 near each integer, by Newton's method."""
    u = np.arange(-5.0, 6.0)
    for _ in range(30):
        u = u - (2 * u + 10 * PI2 * np.sin(PI2 * u)) / (2 + 10 * PI2**2 * np.cos(PI2 * u))
    x, y = np.meshgrid(u, u)
    p = np.stack([x.ravel(), y.ravel()], axis=-1)
    return p[np.argsort(np.abs(p).sum(axis=-1), kind="stable")]  # global minimum first


ACKLEY_DOMAIN: Domain = ((-5.0, 5.0), (-5.0, 5.0))


def _ackley_minima() -> np.ndarray:
    """The 11 × 11 local minima, one beside each whole-number point, pulled slightly toward the centre by
    the funnel: Newton's method from the whole numbers, lowest value (the global minimum) first."""
    u = np.arange(-5.0, 6.0)
    x, y = np.meshgrid(u, u)
    probe = Surface("ackley", "Ackley", _ackley, _ackley_grad, ACKLEY_DOMAIN, _minima(), "", (0.0, 0.0), "")
    p = newton_minima(probe, np.stack([x.ravel(), y.ravel()], axis=-1))
    return p[np.argsort(_ackley(p[:, 0], p[:, 1]), kind="stable")]


HIMMELBLAU_MINIMA = _minima(
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286170),
    (3.584428340330492, -1.848126526964404),
)

SURFACES: dict[str, Surface] = {
    "quadratic": quadratic(10.0),
    "saddle": Surface(
        name="saddle",
        title="Saddle point",
        fxy=lambda x, y: x**2 - y**2,
        gradxy=lambda x, y: (2 * x, -2 * y),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_minima(),
        latex=r"f(x, y) = x^2 - y^2",
        torch="return x**2 - y**2",
        start=(-1.8, 0.001),
        description="Flat at the centre, downhill only along y: who escapes, and how fast?",
        lipschitz=2.0,
        stability_note="x² − y² curves down along y, so GD moves away from the saddle at every learning rate.",
    ),
    "monkey_saddle": Surface(
        name="monkey_saddle",
        title="Monkey saddle",
        fxy=lambda x, y: x**3 - 3 * x * y**2,
        gradxy=lambda x, y: (3 * x**2 - 3 * y**2, -6 * x * y),
        domain=((-1.5, 1.5), (-1.5, 1.5)),
        minima=_minima(),
        latex=r"f(x, y) = x^3 - 3xy^2",
        torch="return x**3 - 3 * x * y**2",
        start=(0.8, 0.02),
        description="A saddle whose Hessian vanishes too: no second-order hint of the way down.",
        stability_note="x³ − 3xy² curves down in some direction everywhere but at its centre and has no minimum, "
        "so no learning rate makes GD settle.",
    ),
    "beale": Surface(
        name="beale",
        title="Beale",
        fxy=_beale,
        gradxy=_beale_grad,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=_minima(3.0, 0.5),
        latex=r"f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        torch="return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2",
        start=(1.0, 1.5),
        description="Flat plateaus and steep walls: the surface of the classic optimizer animations.",
        log_levels=True,
    ),
    "rosenbrock": Surface(
        name="rosenbrock",
        title="Rosenbrock banana",
        fxy=_rosenbrock,
        gradxy=_rosenbrock_grad,
        domain=((-2.0, 2.0), (-1.0, 3.0)),
        minima=_minima(1.0, 1.0),
        latex=r"f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
        torch="return (1 - x) ** 2 + 100 * (y - x**2) ** 2",
        start=(-1.2, 1.0),
        description="A curved, flat-bottomed valley: easy to fall into, slow to follow to the end.",
        log_levels=True,
    ),
    "himmelblau": Surface(
        name="himmelblau",
        title="Himmelblau",
        fxy=_himmelblau,
        gradxy=_himmelblau_grad,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=HIMMELBLAU_MINIMA,
        latex=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        torch="return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2",
        start=(-0.3, -0.9),
        description="Four equal minima: which one you reach depends on where you start and how you step.",
        log_levels=True,
    ),
    "rastrigin": Surface(
        name="rastrigin",
        title="Rastrigin",
        fxy=_rastrigin,
        gradxy=_rastrigin_grad,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=_rastrigin_minima(),
        latex=r"f(x, y) = 20 + \sum_{u \in \{x, y\}} \left(u^2 - 10\cos 2\pi u\right)",
        torch="return 20 + x**2 - 10 * torch.cos(2 * math.pi * x) + y**2 - 10 * torch.cos(2 * math.pi * y)",
        start=(3.3, 2.6),
        description="An egg carton of local minima around one global one: gradient methods get trapped.",
    ),
    "ackley": Surface(
        name="ackley",
        title="Ackley",
        fxy=_ackley,
        gradxy=_ackley_grad,
        domain=ACKLEY_DOMAIN,
        minima=_ackley_minima(),
        latex=(
            r"f(x, y) = -20\,e^{-0.2\sqrt{(x^2 + y^2)/2}}"
            r" - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20"
        ),
        torch="r = torch.sqrt(0.5 * (x**2 + y**2))\n"
        "waves = torch.exp(0.5 * (torch.cos(2 * math.pi * x) + torch.cos(2 * math.pi * y)))\n"
        "return -20 * torch.exp(-0.2 * r) - waves + math.e + 20",
        start=(3.2, 2.4),
        description="A bumpy funnel: many shallow traps on the way to a sharp global minimum.",
    ),
    "booth": Surface(
        name="booth",
        title="Booth",
        fxy=_booth,
        gradxy=_booth_grad,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=_minima(1.0, 3.0),
        latex=r"f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        torch="return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2",
        start=(-8.0, -6.0),
        description="A tilted quadratic bowl (condition number 9): the simplest non-trivial race.",
        lipschitz=18.0,  # Hessian [[10, 8], [8, 10]]: eigenvalues 18 and 2
    ),
    "six_hump_camel": Surface(
        name="six_hump_camel",
        title="Six-hump camel",
        fxy=_six_hump,
        gradxy=_six_hump_grad,
        domain=((-2.2, 2.2), (-1.2, 1.2)),
        minima=_minima(
            (-0.08984201310031807, 0.7126564030207396),
            (0.08984201310031807, -0.7126564030207396),
            (-1.7036067149699814, 0.7960835686726251),
            (1.7036067149699814, -0.7960835686726251),
            (1.607104752920198, 0.5686514548841313),
            (-1.607104752920198, -0.5686514548841313),
        ),
        latex=r"f(x, y) = \left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (4y^2 - 4)\,y^2",
        torch="return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2",
        start=(-1.5, -0.9),
        description="Six local minima, two of them global: a basin map shows who ends where.",
    ),
    "three_hump_camel": Surface(
        name="three_hump_camel",
        title="Three-hump camel",
        fxy=_three_hump,
        gradxy=_three_hump_grad,
        domain=((-2.5, 2.5), (-2.5, 2.5)),
        minima=_minima((0.0, 0.0), (-1.747552345830289, 0.8737761729151445), (1.747552345830289, -0.8737761729151445)),
        latex=r"f(x, y) = 2x^2 - 1.05x^4 + \tfrac{x^6}{6} + xy + y^2",
        torch="return 2 * x**2 - 1.05 * x**4 + x**6 / 6 + x * y + y**2",
        start=(-2.2, 1.5),
        description="One global minimum flanked by two local ones.",
    ),
    "goldstein_price": Surface(
        name="goldstein_price",
        title="Goldstein–Price",
        fxy=_goldstein_price,
        gradxy=_goldstein_price_grad,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=_minima((0.0, -1.0), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)),
        latex=(
            r"f = \left[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]"
            r"\left[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]"
        ),
        torch="a, b = x + y + 1, 2 * x - 3 * y\n"
        "P = 1 + a**2 * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)\n"
        "Q = 30 + b**2 * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)\n"
        "return P * Q",
        start=(-1.0, 1.2),
        description="Values spanning six orders of magnitude: a fixed learning rate is wrong everywhere.",
        log_levels=True,
    ),
    "matyas": Surface(
        name="matyas",
        title="Matyas",
        fxy=_matyas,
        gradxy=_matyas_grad,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=_minima(0.0, 0.0),
        latex=r"f(x, y) = 0.26\,(x^2 + y^2) - 0.48\,xy",
        torch="return 0.26 * (x**2 + y**2) - 0.48 * x * y",
        start=(8.0, -3.0),
        description="A flat, tilted valley (condition number 25): steepest descent is a poor guide.",
        lipschitz=1.0,
    ),
    "styblinski_tang": Surface(
        name="styblinski_tang",
        title="Styblinski–Tang",
        fxy=_styblinski_tang,
        gradxy=_styblinski_tang_grad,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_minima(
            (-2.903534027771177, -2.903534027771177),
            (-2.903534027771177, 2.7468027709908367),
            (2.7468027709908367, -2.903534027771177),
            (2.7468027709908367, 2.7468027709908367),
        ),
        latex=r"f(x, y) = \tfrac12 \sum_{u \in \{x, y\}} \left(u^4 - 16u^2 + 5u\right)",
        torch="return 0.5 * (x**4 - 16 * x**2 + 5 * x + y**4 - 16 * y**2 + 5 * y)",
        start=(0.3, 0.2),
        description="Four basins of different depths around a central hill.",
    ),
}
