r"""Rates and step sizes: momentum's optimal constants and stability limit
on a quadratic, measured convergence rates and step sizes."""

import copy
import math

import numpy as np

from .._checks import as_float64, integer, real_number
from ._common import _check_optimizer, _positive


def momentum_optimal(condition, mu=1.0):
    r"""Heavy-ball momentum's best constants on a quadratic whose Hessian has
    eigenvalues in :math:`[\mu, L]` (``mu`` is :math:`\lambda_{\min}`, ``L``
    :math:`= \kappa\mu` is :math:`\lambda_{\max}`), :math:`\kappa = L/\mu` (Polyak 1964;
    Goh 2017), in PyTorch's form :math:`b_t = \beta b_{t-1} + g_t`,
    :math:`\theta_t = \theta_{t-1} - \eta b_t`:

    .. math::

        \beta^* = \Bigl(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Bigr)^2, \qquad
        \eta^* = \frac{4}{(\sqrt L + \sqrt\mu)^2}, \qquad
        \text{rate } \sqrt{\beta^*} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}

    per step, against :math:`(\kappa - 1)/(\kappa + 1)` for gradient descent
    at its best step :math:`2/(L + \mu)`.  Returns a dict with ``beta``,
    ``lr``, ``rate``, ``gd_lr`` and ``gd_rate``.

    >>> r = momentum_optimal(100.0)
    >>> round(r["beta"], 6), round(r["rate"], 6), round(r["gd_rate"], 6)
    (0.669421, 0.818182, 0.980198)
    """
    kappa = _positive("condition", condition)
    if kappa < 1:
        raise ValueError(f"condition must be >= 1, got {condition!r}")
    mu = _positive("mu", mu)
    L = kappa * mu
    sk = math.sqrt(kappa)
    rate = (sk - 1.0) / (sk + 1.0)
    return {"beta": rate * rate, "lr": 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, "rate": rate,
            "gd_lr": 2.0 / (L + mu), "gd_rate": (kappa - 1.0) / (kappa + 1.0)}


def momentum_critical_rate(curvature, beta, nesterov=False):
    r"""The learning rate above which (heavy-ball or Nesterov) momentum in
    PyTorch's form diverges along a direction of curvature :math:`\lambda`:

    .. math::

        \eta_c = \frac{2(1+\beta)}{\lambda} \quad\text{(heavy ball)}, \qquad
        \eta_c = \frac{2(1+\beta)}{(1+2\beta)\,\lambda} \quad\text{(Nesterov)}.

    Along that direction the iteration is linear,
    :math:`(\theta_t, u_t) = M (\theta_{t-1}, u_{t-1})`; at :math:`\eta_c`
    an eigenvalue of :math:`M` reaches :math:`-1` (the characteristic
    polynomial :math:`z^2 - (1+\beta-\eta\lambda)z + \beta` at :math:`z=-1`
    for heavy ball, :math:`z^2 - (1+\beta-\eta\lambda(1+\beta))z
    + \beta(1-\eta\lambda)` for Nesterov).  With :math:`\beta = 0.9`
    that is :math:`\eta\lambda < 3.8` against :math:`\eta\lambda < 1.357`.

    >>> round(momentum_critical_rate(50.0, 0.9), 4), round(momentum_critical_rate(50.0, 0.9, nesterov=True), 4)
    (0.076, 0.0271)
    """
    lam = _positive("curvature", curvature)
    beta = real_number(beta, "beta")
    if not 0 <= beta < 1:
        raise ValueError(f"beta must lie in [0, 1), got {beta!r}")
    if not isinstance(nesterov, (bool, np.bool_)):
        raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
    return 2 * (1 + beta) / ((1 + 2 * beta) * lam if nesterov else lam)


def measured_rate(path, minimum, skip=None):
    r"""Measured linear rate of convergence of a path: the geometric-mean
    factor by which the distance :math:`d_t = \lVert x_t - x^*\rVert` to
    ``minimum`` shrinks per step over the second half of the path (or after
    ``skip`` steps), :math:`(d_T / d_s)^{1/(T - s)}`.

    The measurement holds for a minimum anywhere: in floating point an
    iterate cannot come closer to :math:`x^*` than the rounding of its
    coordinates, about :math:`10^{-16}\lVert x^*\rVert`, so steps after
    :math:`d_t` falls below the floor
    :math:`\max(10^{-140} d_0,\; 10^{3}\,\varepsilon\,\lVert x^*\rVert_\infty)`
    (:math:`\varepsilon \approx 2.2\cdot10^{-16}`; the first term keeps
    the square of :math:`d` away from underflow) are left out, and :math:`T`
    is the last step above it.

    For gradient descent on a quadratic this gives the rate
    :math:`(\kappa-1)/(\kappa+1)` to four digits.  Momentum at its optimal
    :math:`\beta^*` is critically damped, :math:`d_t \propto t\, r^t`, so the
    measurement exceeds :math:`r` by the factor :math:`(T/s)^{1/(T-s)}`
    (a few per cent when the floor stops the path after a few dozen steps).

    >>> measured_rate(np.array([[8.0, 0.0], [4.0, 0.0], [2.0, 0.0], [1.0, 0.0]]), [0.0, 0.0])
    0.5
    >>> measured_rate(np.array([[9.0, 2.0], [5.0, 2.0], [3.0, 2.0], [2.0, 2.0]]), [1.0, 2.0])
    0.5
    """
    path = as_float64(path, "path")
    if path.ndim != 2 or path.shape[0] < 3:
        raise ValueError(f"path must have shape (steps + 1, d) with at least 3 rows, got {path.shape}")
    minimum = as_float64(minimum, "minimum")
    if minimum.shape != (path.shape[1],):
        raise ValueError(f"minimum must be a point of {path.shape[1]} real numbers, got shape {minimum.shape}")
    if not np.all(np.isfinite(minimum)):
        raise ValueError("minimum must be finite")
    d = np.linalg.norm(path - minimum, axis=1)
    if not (np.isfinite(d[0]) and d[0] > 0):
        raise ValueError("the path must start away from the minimum at a finite point")
    floor = max(1e-140 * d[0], 1e3 * np.finfo(float).eps * float(np.max(np.abs(minimum))))
    usable = np.flatnonzero(~(np.isfinite(d) & (d >= floor)))
    T = (usable[0] if usable.size else len(d)) - 1
    s = T // 2 if skip is None else integer(skip, "skip")
    if not 0 <= s < T:
        raise ValueError(f"too few usable steps to measure a rate (skip={s}, last usable step {T})")
    return float((d[T] / d[s]) ** (1.0 / (T - s)))


def step_sizes(optimizer, grads, x0=0.0):
    r"""Feed ``optimizer`` the gradient sequence ``grads`` (one float per
    step) from ``x0`` and return the size :math:`|\theta_t - \theta_{t-1}|`
    of each step.

    >>> from bpcore.optim import Adagrad
    >>> np.round(step_sizes(Adagrad(lr=1.0, eps=0.0), [1.0, 1.0, 1.0, 1.0]), 4).tolist()
    [1.0, 0.7071, 0.5774, 0.5]
    """
    _check_optimizer(optimizer)
    x0 = real_number(x0, "x0", finite=False)
    g = as_float64(grads, "grads")
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"grads must be a non-empty 1-D sequence of numbers, got shape {g.shape}")
    opt = copy.deepcopy(optimizer)
    opt.reset()
    x, out = float(x0), []
    for gt in g:
        new = opt.step(x, float(gt))
        out.append(abs(new - x))
        x = new
    return np.array(out)
