r"""Chapter 3's numbers: directional derivatives, the convergence rate of
gradient descent on a quadratic, and which basin it ends in (numpy only).

On a quadratic :math:`f(p) = \tfrac12 (p - c)^\top A (p - c)` one step of
gradient descent maps the error :math:`e = p - c` to :math:`(I - \eta A)\,e`,
so along the eigenvector of :math:`\lambda_i` the error is multiplied by
:math:`1 - \eta \lambda_i` every step.  Everything in this module follows
from that.
"""


import numpy as np

from ._checks import as_array, as_float64, check_callable, check_size, integer, real_number

__all__ = ["directional_derivatives", "contraction_factor", "optimal_lr", "measured_rate",
           "steps_to_reach", "final_points", "basin_index", "backtracking_descent", "linear_mse_hessian"]


def _finite_array(values, name):
    arr = as_float64(values, name)
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty array of finite numbers, got {arr!r}")
    return arr


def _surface(surface):
    from .surfaces import Surface
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a bpcore.surfaces surface, got {type(surface).__name__}")
    return surface


def _point(minimum, path):
    c = _finite_array(minimum, "minimum")
    if c.shape != path.shape[-1:]:
        raise ValueError(f"minimum must have shape {path.shape[-1:]} like one point of path, got shape {c.shape}")
    return c


def _eigenvalues(eigenvalues):
    lam = _finite_array(eigenvalues, "eigenvalues").ravel()
    if np.any(lam <= 0):
        raise ValueError(f"eigenvalues must be positive (a convex quadratic), got {lam.tolist()}")
    return lam


def _lr(lr):
    lr = real_number(lr, "lr", finite=False)
    if not 0 < lr < np.inf:
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    return lr


def directional_derivatives(gradient, angles):
    r"""The slope :math:`D_u f = \nabla f \cdot u` along the unit vectors
    :math:`u = (\cos\theta, \sin\theta)` for each angle :math:`\theta`.
    It equals :math:`\lVert\nabla f\rVert \cos\varphi`, with :math:`\varphi`
    the angle between :math:`u` and :math:`\nabla f`: largest along the gradient.

    >>> directional_derivatives([3.0, 4.0], [0.0, np.pi / 2]).tolist()
    [3.0, 4.0]
    """
    g = _finite_array(gradient, "gradient")
    if g.shape != (2,):
        raise ValueError(f"gradient must have shape (2,), got shape {g.shape}")
    theta = _finite_array(angles, "angles")
    return g[0] * np.cos(theta) + g[1] * np.sin(theta)


def contraction_factor(eigenvalues, lr):
    r"""The factor by which gradient descent with step :math:`\eta` shrinks
    the slowest error component on a quadratic with Hessian eigenvalues
    :math:`\lambda_i`:

    .. math:: \rho(\eta) = \max_i |1 - \eta \lambda_i| .

    :math:`\rho < 1` (convergence) exactly when :math:`\eta < 2/\lambda_{\max}`.

    >>> contraction_factor([1.0, 10.0], 0.1)
    0.9
    """
    lam = _eigenvalues(eigenvalues)
    return float(np.max(np.abs(1.0 - _lr(lr) * lam)))


def optimal_lr(eigenvalues):
    r"""The step that minimises :math:`\rho(\eta)` and the rate it reaches:

    .. math:: \eta^\ast = \frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad
              \rho(\eta^\ast) = \frac{\kappa - 1}{\kappa + 1}, \quad
              \kappa = \lambda_{\max}/\lambda_{\min} .

    >>> optimal_lr([1.0, 3.0])
    (0.5, 0.5)
    """
    lam = _eigenvalues(eigenvalues)
    # (kappa - 1) / (kappa + 1) = (high - low) / (high + low), halved so the sum cannot overflow
    # (kappa itself is inf for eigenvalues 1e-300 and 1e300, and inf / inf is NaN).
    half_low, half_high = 0.5 * lam.min(), 0.5 * lam.max()
    return float(1.0 / (half_low + half_high)), float((half_high - half_low) / (half_high + half_low))


def measured_rate(path, minimum, first=None, last=None):
    r"""The average factor by which the distance to ``minimum`` shrank per
    step between iterates ``first`` and ``last`` of ``path``:

    .. math:: \hat\rho = \Big(\frac{\lVert p_{\text{last}} - c\rVert}{\lVert p_{\text{first}} - c\rVert}\Big)^{1/(\text{last}-\text{first})}

    Defaults: the second half of the path (after the start-up transient).

    >>> path = [[8.0, 0.0], [4.0, 0.0], [2.0, 0.0], [1.0, 0.0]]
    >>> measured_rate(path, [0.0, 0.0], first=0, last=3)
    0.5
    """
    path = _finite_array(path, "path")
    if path.ndim != 2:
        raise ValueError(f"path must have shape (steps + 1, dim), got shape {path.shape}")
    c = _point(minimum, path)
    steps = len(path) - 1
    first = steps // 2 if first is None else integer(first, "first")
    last = steps if last is None else integer(last, "last")
    if not 0 <= first < last <= steps:
        raise ValueError(f"need 0 <= first < last <= {steps}, got first={first}, last={last}")
    d0, d1 = np.linalg.norm(path[first] - c), np.linalg.norm(path[last] - c)
    if d0 == 0:
        raise ValueError("the path is already at the minimum at 'first'; choose an earlier start")
    return float((d1 / d0) ** (1.0 / (last - first)))


def steps_to_reach(path, minimum, tol):
    r"""The first step :math:`k` with :math:`\lVert p_k - c\rVert \le` ``tol``,
    or ``None`` if the path never gets that close.

    >>> steps_to_reach([[4.0], [2.0], [1.0], [0.5]], [0.0], tol=1.0)
    2
    """
    path = as_array(path, "path", ndim=2)
    c = _point(minimum, path)
    tol = real_number(tol, "tol", finite=False, nonnegative=True)   # NaN would match nothing, silently
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.flatnonzero(np.linalg.norm(path - c, axis=-1) <= tol)
    return int(close[0]) if close.size else None


def final_points(surface, starts, lr, steps):
    r"""Run plain gradient descent :math:`p \leftarrow p - \eta \nabla f(p)`
    from every start at once (``starts`` of shape ``(m, 2)``) for ``steps``
    steps on a :mod:`bpcore.surfaces` surface; return the ``(m, 2)`` end points
    (``nan`` where a run overflowed).

    >>> from bpcore.surfaces import Quadratic
    >>> final_points(Quadratic(condition=2), [[1.0, 1.0]], lr=0.5, steps=1).tolist()
    [[0.5, 0.0]]
    """
    p = _finite_array(starts, "starts")
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"starts must have shape (m, 2), got shape {p.shape}")
    _surface(surface)
    lr = _lr(lr)
    steps = integer(steps, "steps", minimum=0)
    p = p.copy()
    with np.errstate(all="ignore"):
        for _ in range(int(steps)):
            p -= lr * surface.grad(p)
    p[~np.all(np.isfinite(p), axis=1)] = np.nan
    return p


def basin_index(surface, points, tol=1e-3):
    r"""For each point, the index of the minimum in ``surface.minima``
    (global first) within ``tol``, or ``-1`` for a point near none of them
    (still travelling, on a plateau, or diverged).

    >>> from bpcore.surfaces import DoubleWell
    >>> f = DoubleWell()
    >>> basin_index(f, [f.minima[1], [5.0, 5.0]]).tolist()
    [1, -1]
    """
    _surface(surface)
    p = as_array(points, "points")
    if p.ndim == 0 or p.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got shape {p.shape}")
    p = p.reshape(-1, 2)
    tol = real_number(tol, "tol", finite=False, nonnegative=True)   # NaN would match nothing, silently
    out = np.full(len(p), -1)
    for k, m in enumerate(surface.minima):
        with np.errstate(invalid="ignore"):
            out[np.linalg.norm(p - m, axis=1) <= tol] = k
    return out


def backtracking_descent(f, grad_fn, x0, steps, lr0=1.0, shrink=0.5, c=1e-4, max_halvings=60, grow=None):
    r"""Gradient descent that chooses each step by backtracking (Armijo) line
    search, without knowing the curvature.

    At every iterate :math:`\theta` with gradient :math:`g` it tries
    :math:`\eta = \eta_0, \eta_0\beta, \eta_0\beta^2, \dots` (``lr0``,
    ``shrink``) and accepts the first step that lowers the loss by at least a
    fraction ``c`` of what the slope promises (the Armijo condition):

    .. math:: L(\theta - \eta g) \le L(\theta) - c\,\eta\,\lVert g\rVert^2 .

    With ``grow`` (a number > 1) each search after the first starts at
    :math:`\min(\eta_0, \text{grow}\cdot\eta_{\text{previous}})` instead of
    :math:`\eta_0`, which saves most trials once the steps have settled.

    Returns ``(path, lrs, evaluations)``: the iterates
    :math:`\theta_0, \dots, \theta_T` (shape ``(T + 1, d)``), the accepted
    step sizes (``T``), and the number of loss evaluations used in all. It
    stops early when the gradient is exactly zero or when ``max_halvings``
    trials find no acceptable step (rounding at a minimum), so ``T`` can be
    smaller than ``steps``.

    >>> path, lrs, evals = backtracking_descent(lambda p: float(p @ p), lambda p: 2 * p, [1.0, -2.0], 3)
    >>> path[1].tolist(), lrs.tolist()
    ([0.0, 0.0], [0.5])
    """
    check_callable(f, "f")
    check_callable(grad_fn, "grad_fn")
    theta = _finite_array(x0, "x0").ravel().copy()
    steps = integer(steps, "steps", minimum=0)
    lr0 = _lr(real_number(lr0, "lr0"))
    shrink = real_number(shrink, "shrink")
    if not 0.0 < shrink < 1.0:
        raise ValueError(f"shrink must lie strictly between 0 and 1, got {shrink!r}")
    c = real_number(c, "c")
    if not 0.0 < c < 1.0:
        raise ValueError(f"c must lie strictly between 0 and 1, got {c!r}")
    if grow is not None:
        grow = real_number(grow, "grow")
        if not grow > 1.0:
            raise ValueError(f"grow must be a number greater than 1 (or None), got {grow!r}")
    check_size((steps + 1) * theta.size, "steps (the path)")
    max_halvings = integer(max_halvings, "max_halvings", minimum=1)
    if max_halvings > 1100:
        raise ValueError(f"max_halvings must be at most 1100 (the step would underflow), got {max_halvings}")

    def loss(p):
        value = real_number(f(p), "f(x)", finite=False)
        return value

    path, lrs = [theta.copy()], []
    value, evaluations = loss(theta), 1
    if not np.isfinite(value):
        raise ValueError(f"f must be finite at x0, got {value!r}")
    for _ in range(steps):
        g = as_float64(grad_fn(theta), "grad_fn(x)")
        if g.size != theta.size:
            raise ValueError(f"grad_fn(x) must return one partial derivative per entry of x0 ({theta.size}), "
                             f"got shape {g.shape}")
        g = g.reshape(theta.shape)
        if not np.all(np.isfinite(g)):
            raise ValueError("grad_fn returned a non-finite gradient")
        slope = float(g @ g)
        if slope == 0.0:
            break
        eta = lr0 if grow is None or not lrs else min(lr0, grow * lrs[-1])
        for _ in range(max_halvings):
            candidate = theta - eta * g
            new_value = loss(candidate)
            evaluations += 1
            if new_value <= value - c * eta * slope:     # Armijo: enough decrease
                break
            eta *= shrink
        else:
            break
        theta, value = candidate, new_value
        path.append(theta.copy())
        lrs.append(eta)
    return np.array(path), np.array(lrs, dtype=float), evaluations


def linear_mse_hessian(x):
    r"""The Hessian of the mean squared error of the line :math:`\hat y = wx + b`
    over the inputs ``x``, with respect to :math:`(w, b)`:

    .. math:: H = 2 \begin{pmatrix} \overline{x^2} & \bar x \\ \bar x & 1 \end{pmatrix} .

    It does not depend on the targets. Centring the inputs
    (:math:`\bar x = 0`) makes it diagonal.

    >>> linear_mse_hessian([-1.0, 1.0]).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """
    x = _finite_array(x, "x")
    if x.ndim > 2 or (x.ndim == 2 and x.shape[1] != 1):
        raise ValueError(f"x must be a 1-D array of inputs or a column (one feature), got shape {x.shape}")
    x = x.ravel()
    return 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
