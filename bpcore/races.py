r"""Chapter 7: optimizer races on test surfaces, a fair tuning protocol,
momentum's rate on a quadratic, and measured step sizes.

A *race* runs several :mod:`bpcore.optim` optimizers from the same start on
the same :mod:`bpcore.surfaces` surface.  It is fair only if every optimizer
is tuned the same way; :func:`tune_lr` is that protocol: the learning rate is
chosen from one shared logarithmic grid by one criterion (fewest steps to
the tolerance, ties broken by the lower final loss), every other
hyperparameter stays at its default.

Everything here is numpy only.

>>> from bpcore.surfaces import Quadratic
>>> from bpcore.optim import SGD
>>> run = descend_until(SGD(1.0), Quadratic(condition=1.0), [1.0, 1.0], steps=50, tol=1e-8)
>>> run["steps_to_tol"], run["minimum"]
(1, 0)
"""

import copy
import math

import numpy as np

from ._checks import as_float64, check_callable, check_size, integer, real_number
from .optim import Optimizer
from .surfaces import Surface

__all__ = [
    "LR_GRID",
    "descend_until",
    "tune_lr",
    "race_table",
    "markdown_table",
    "momentum_optimal",
    "measured_rate",
    "step_sizes",
]

#: The shared learning-rate grid of the tuning protocol: eleven rates a third
#: of a decade apart, from 10^-3 to 10^(1/3) ≈ 2.154 (four significant digits).
LR_GRID = tuple(float(f"{10.0 ** (k / 3):.4g}") for k in range(-9, 2))


def _check_surface(surface):
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a bpcore.surfaces surface, got {type(surface).__name__}")


def _check_optimizer(optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a bpcore.optim optimizer, got {type(optimizer).__name__}")


def _positive_int(name, value):
    return integer(value, name, minimum=1)


def _positive(name, value):
    value = real_number(value, name, finite=False)
    if not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _check_mapping(value, name, what):
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict mapping {what}, got {type(value).__name__}")


def _start(x0):
    x = np.array(as_float64(x0, "x0"))
    if x.shape != (2,) or not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be two finite numbers (shape (2,)), got {x0!r}")
    return x


def descend_until(optimizer, surface, x0, steps, tol=1e-6):
    r"""Run ``optimizer`` on ``surface`` from ``x0`` for at most ``steps``
    steps; stop early once the iterate is within distance ``tol`` of one of
    the surface's minima, :math:`\min_k \lVert x_t - x^*_k\rVert < \text{tol}`.

    A run whose iterate leaves the box :math:`\lVert x\rVert_\infty > 10^{6}`
    (or stops being finite) is stopped as diverged, with ``final_loss``
    :math:`\infty`.

    Returns a dict: ``path`` (shape ``(t + 1, 2)``), ``steps_to_tol`` (the
    first such :math:`t`, or ``None``), ``minimum`` (index into
    ``surface.minima`` of the nearest minimum at the end, ``None`` after
    divergence; 0 is the global one) and ``final_loss``.  The optimizer is
    copied and reset first.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> descend_until(SGD(0.1), Quadratic(condition=1.0), [1.0, 0.0], 200, tol=1e-3)["steps_to_tol"]
    66
    """
    _check_optimizer(optimizer)
    _check_surface(surface)
    x = _start(x0)
    steps = _positive_int("steps", steps)
    check_size(2 * (steps + 1), "steps")   # the path
    tol = _positive("tol", tol)
    opt = copy.deepcopy(optimizer)
    opt.reset()
    minima = np.array(surface.minima)
    path = [x]
    hit = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            x = opt.step(x, surface.grad(x))
            path.append(x)
            if not np.all(np.abs(x) <= 1e6):   # diverged (also catches inf and nan)
                break
            if np.min(np.linalg.norm(minima - x, axis=1)) < tol:
                hit = t
                break
        diverged = not np.all(np.abs(x) <= 1e6)
        nearest = None if diverged else int(np.argmin(np.linalg.norm(minima - x, axis=1)))
        final = math.inf if diverged else float(surface.value(x))
    return {"path": np.array(path), "steps_to_tol": hit, "minimum": nearest,
            "final_loss": final if math.isfinite(final) else math.inf}


def tune_lr(make_optimizer, surface, x0, steps, tol=1e-6, grid=LR_GRID):
    r"""The tuning protocol: try every learning rate of ``grid`` with
    ``make_optimizer(lr)``; keep the one that reaches ``tol`` in the fewest
    steps (ties: the lower final loss); if none reaches it, the one with the
    lowest final loss.  Returns ``(lr, run)`` with ``run`` from
    :func:`descend_until`.

    Once some rate has reached the tolerance in :math:`k` steps, later rates
    are run for at most :math:`k` steps: they cannot win with more, so the
    result is the same as running every rate in full, only faster.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> lr, run = tune_lr(SGD, Quadratic(condition=1.0), [1.0, 1.0], 100, grid=(0.1, 1.0, 0.5))
    >>> lr, run["steps_to_tol"]
    (1.0, 1)
    """
    if not callable(make_optimizer):
        raise TypeError("make_optimizer must be a function lr -> optimizer")
    g = as_float64(grid, "grid")
    if g.ndim != 1:
        raise ValueError(f"grid must be a 1-D sequence of learning rates, got shape {g.shape}")
    grid = [_positive("grid value", v) for v in g.tolist()]
    if not grid:
        raise ValueError("grid must hold at least one learning rate")
    best = None
    for lr in grid:
        budget = steps if best is None or best[0][0] == 1 else best[0][1]
        optimizer = make_optimizer(lr)
        if not isinstance(optimizer, Optimizer):   # the callback's result, named as such
            raise TypeError(f"make_optimizer({lr}) must return a bpcore.optim optimizer, got {type(optimizer).__name__}")
        run = descend_until(optimizer, surface, x0, budget, tol)
        reached = run["steps_to_tol"] is not None
        key = (0 if reached else 1, run["steps_to_tol"] or 0, run["final_loss"], lr)
        if best is None or key < best[0]:
            best = (key, lr, run)
    return best[1], best[2]


def race_table(makers, surfaces, steps, tol=1e-6, grid=LR_GRID):
    r"""Tune every optimizer on every surface with :func:`tune_lr`.

    ``makers`` maps an optimizer name to ``lr -> optimizer``; ``surfaces``
    maps a surface name to ``(surface, x0)``.  Returns
    ``{surface_name: {optimizer_name: (lr, run)}}``.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> table = race_table({"GD": SGD}, {"bowl": (Quadratic(condition=1.0), [1.0, 1.0])}, 50, grid=(1.0,))
    >>> table["bowl"]["GD"][1]["steps_to_tol"]
    1
    """
    _check_mapping(makers, "makers", "an optimizer name to a function lr -> optimizer")
    _check_mapping(surfaces, "surfaces", "a surface name to (surface, x0)")
    for o_name, make in makers.items():
        check_callable(make, f"makers[{o_name!r}]")
    for s_name, pair in surfaces.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"surfaces[{s_name!r}] must be a pair (surface, x0), got {type(pair).__name__}")
        if not isinstance(pair[0], Surface):
            raise TypeError(f"surfaces[{s_name!r}][0] (the surface of surfaces) must be a bpcore.surfaces surface, "
                            f"got {type(pair[0]).__name__}")
        _start(pair[1])
    steps = _positive_int("steps", steps)
    return {
        s_name: {o_name: tune_lr(make, surface, x0, steps, tol, grid) for o_name, make in makers.items()}
        for s_name, (surface, x0) in surfaces.items()
    }


def markdown_table(table, steps):
    r"""A :func:`race_table` as a Markdown table: one row per optimizer, one
    column per surface, each cell "steps to the tolerance, η = tuned rate";
    "> steps" if the tolerance was not reached, "(local)" if the run ended
    nearest to a minimum other than the global one.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> t = race_table({"GD": SGD}, {"bowl": (Quadratic(condition=1.0), [1.0, 1.0])}, 50, grid=(1.0,))
    >>> print(markdown_table(t, 50))
    | optimizer | bowl |
    |---|---|
    | GD | 1, η = 1 |
    """
    steps = _positive_int("steps", steps)
    _check_mapping(table, "table", "a surface name to {optimizer name: (lr, run)}, as race_table returns")
    surfaces = list(table)
    if not surfaces:
        raise ValueError("table must hold at least one surface")
    for s in surfaces:
        _check_mapping(table[s], f"table[{s!r}]", "an optimizer name to (lr, run), as race_table returns")
    optimizers = list(table[surfaces[0]])
    for s in surfaces:
        for o in optimizers:
            cell_value = table[s].get(o)
            if (not isinstance(cell_value, (tuple, list)) or len(cell_value) != 2
                    or not isinstance(cell_value[1], dict) or "steps_to_tol" not in cell_value[1]):
                raise ValueError(f"table[{s!r}][{o!r}] must be (lr, run) as race_table returns, got {cell_value!r}")
            real_number(cell_value[0], f"the learning rate in table[{s!r}][{o!r}]")

    def cell(lr, run):
        reached = f"> {steps}" if run["steps_to_tol"] is None else str(run["steps_to_tol"])
        where = " (local)" if run["minimum"] not in (None, 0) else ""
        return f"{reached}{where}, η = {lr:.3g}"

    rows = ["| optimizer | " + " | ".join(surfaces) + " |", "|---" * (len(surfaces) + 1) + "|"]
    rows += [f"| {o} | " + " | ".join(cell(*table[s][o]) for s in surfaces) + " |" for o in optimizers]
    return "\n".join(rows)


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


def measured_rate(path, minimum, skip=None):
    r"""Measured linear rate of convergence of a path: the geometric-mean
    factor by which the distance :math:`d_t = \lVert x_t - x^*\rVert` to
    ``minimum`` shrinks per step over the second half of the path (or after
    ``skip`` steps), :math:`(d_T / d_s)^{1/(T - s)}`.  Steps after the
    distance has come near the underflow of its square (:math:`d_t < 10^{-140} d_0`) are
    left out, so a path that converges to the last bit still gives its rate.

    >>> measured_rate(np.array([[8.0, 0.0], [4.0, 0.0], [2.0, 0.0], [1.0, 0.0]]), [0.0, 0.0])
    0.5
    """
    path = as_float64(path, "path")
    if path.ndim != 2 or path.shape[0] < 3:
        raise ValueError(f"path must have shape (steps + 1, d) with at least 3 rows, got {path.shape}")
    minimum = as_float64(minimum, "minimum")
    if minimum.shape != (path.shape[1],):
        raise ValueError(f"minimum must be a point of {path.shape[1]} real numbers, got shape {minimum.shape}")
    d = np.linalg.norm(path - minimum, axis=1)
    if not (np.isfinite(d[0]) and d[0] > 0):
        raise ValueError("the path must start away from the minimum at a finite point")
    usable = np.flatnonzero(~(np.isfinite(d) & (d >= 1e-140 * d[0])))
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
