r"""Chapter 6: stochastic and mini-batch gradient descent, measured.

Two small problems whose loss is a *mean over data*, so that a mini-batch
gradient is a genuine random sample of the full gradient:

* linear regression :math:`\hat y = w x + b` with the mean squared error
  :math:`L(w, b) = \frac1N \sum_i (w x_i + b - y_i)^2`;
* the *tilted wells*: sample :math:`i` carries its own tilt :math:`t_i` and
  the loss :math:`\ell_i(\theta) = (\theta^2 - 1)^2 + t_i\,\theta`, so the
  mean loss is a double well tilted by the mean tilt, with a shallow local
  minimum on one side (the ``x`` profile of :class:`bpcore.surfaces.DoubleWell`).

and the measurements the chapter makes on them: the variance of the
mini-batch gradient against the batch size, SGD runs counted in steps and in
per-sample gradient evaluations, and how often SGD escapes the shallow well.

Everything here is numpy only.

>>> x, y = np.array([0.0, 1.0]), np.array([1.0, 3.0])
>>> linreg_loss([2.0, 1.0], x, y)
0.0
"""

import math

import numpy as np

from ._checks import (as_array, as_float64, as_rng, callback_number, check_finite, check_size, integer,
                      real_number)
from .data import minibatches
from .optim import Optimizer

__all__ = [
    "linreg_loss",
    "linreg_grad",
    "linreg_per_sample_grads",
    "linreg_loss_grid",
    "linreg_minimum",
    "predicted_gradient_variance",
    "measured_gradient_variance",
    "noise_floor",
    "robbins_monro",
    "run_sgd",
    "steps_per_epoch",
    "tilted_wells_loss",
    "tilted_wells_grad",
    "tilted_wells_critical_points",
    "make_tilts",
    "escape_runs",
]


# --------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------

def _data(x, y):
    x, y = as_float64(x, "x"), as_float64(y, "y")
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"x and y must be 1-D arrays, got shapes {x.shape} and {y.shape}")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    if x.size == 0:
        raise ValueError("x and y are empty: the loss is a mean over at least one sample")
    return x, y


def _params(params, name="params"):
    p = as_float64(params, name)
    if p.shape[-1:] != (2,):
        raise ValueError(f"{name} must have shape (2,) or (..., 2) for (w, b), got shape {p.shape}")
    return p


def _seed_list(seeds, name="seeds"):
    """``seeds`` (any iterable of seeds but a string or a mapping) as a non-empty list."""
    if isinstance(seeds, (str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"{name} must be a list or range of seeds, got {type(seeds).__name__}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError(f"{name} must name at least one seed")
    return seeds


def _positive_int(name, value):
    return integer(value, name, minimum=1)


def _one_point(params, name="params"):
    """``(w, b)`` of shape (2,) only: the per-sample gradients are for one point, not a stack."""
    p = _params(params, name)
    if p.shape != (2,):
        raise ValueError(f"{name} must be one point (w, b) of shape (2,), got shape {p.shape}")
    return p


def _scheduled_lr(schedule, t):
    """``schedule(t)`` checked: a positive finite real number (a string or None is a TypeError)."""
    return callback_number(schedule(t), f"schedule({t})", positive=True)


def _positive_float(name, value):
    value = real_number(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


# --------------------------------------------------------------------------
# linear regression
# --------------------------------------------------------------------------

def linreg_loss(params, x, y):
    r"""Mean squared error of :math:`\hat y = w x + b`:
    :math:`L(w, b) = \frac1N\sum_i (w x_i + b - y_i)^2`.

    ``params`` is ``(w, b)`` or a stack of shape ``(..., 2)`` (one loss per
    row).

    >>> linreg_loss([0.0, 0.0], [1.0, 2.0], [1.0, 3.0])
    5.0
    """
    x, y = _data(x, y)
    p = _params(params)
    if p.ndim == 2 and p.shape[0] * x.size > 2 ** 20:    # a long path on a large data set: in row blocks
        rows = max(1, 2 ** 20 // x.size)                # (no (steps, N) temporary; the same result per row)
        return np.concatenate([linreg_loss(p[i:i + rows], x, y) for i in range(0, p.shape[0], rows)])
    r = p[..., 0, None] * x + p[..., 1, None] - y
    out = np.mean(r * r, axis=-1)
    return float(out) if out.ndim == 0 else out


def linreg_per_sample_grads(params, x, y):
    r"""Gradient of each sample's loss :math:`(w x_i + b - y_i)^2`, one row per
    sample: :math:`g_i = 2 (w x_i + b - y_i)\,(x_i, 1)`, shape ``(N, 2)``.

    >>> linreg_per_sample_grads([0.0, 0.0], [2.0], [1.0]).tolist()
    [[-4.0, -2.0]]
    """
    x, y = _data(x, y)
    w, b = _one_point(params)
    r = 2.0 * (w * x + b - y)
    return np.stack([r * x, r], axis=1)


def linreg_grad(params, x, y):
    r"""Gradient of :func:`linreg_loss`, the mean of the per-sample gradients:
    :math:`\nabla L = \frac2N \sum_i (w x_i + b - y_i)\,(x_i, 1)`.

    >>> linreg_grad([0.0, 0.0], [1.0, 2.0], [1.0, 3.0]).tolist()
    [-7.0, -4.0]
    """
    return linreg_per_sample_grads(params, x, y).mean(axis=0)


def linreg_minimum(x, y):
    r"""The least-squares solution :math:`(w^*, b^*)` and the loss there,
    :math:`L^* = L(w^*, b^*)` (the irreducible noise).

    >>> p, L = linreg_minimum([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    >>> np.round(p, 12).tolist(), round(L, 12)
    ([2.0, 1.0], 0.0)
    """
    x, y = _data(x, y)
    check_finite(x, "x")   # LAPACK's SVD fails on inf/NaN (and prints to stderr)
    check_finite(y, "y")
    A = np.stack([x, np.ones_like(x)], axis=1)
    p, *_ = np.linalg.lstsq(A, y, rcond=None)
    return p, linreg_loss(p, x, y)


def linreg_loss_grid(w_values, b_values, x, y):
    r"""The loss on a grid, from the sufficient statistics of the data:
    :math:`L = w^2\overline{x^2} + 2wb\,\bar x + b^2 - 2w\,\overline{xy}
    - 2b\,\bar y + \overline{y^2}` (exact, and independent of :math:`N`).

    Returns ``(W, B, L)`` in meshgrid ``'xy'`` order.

    >>> W, B, L = linreg_loss_grid([0.0, 2.0], [1.0], [0.0, 1.0], [1.0, 3.0])
    >>> np.round(L, 12).tolist()
    [[2.0, 0.0]]
    """
    x, y = _data(x, y)
    w_values, b_values = as_array(w_values, "w_values", ndim=(0, 1)), as_array(b_values, "b_values", ndim=(0, 1))
    check_size(w_values.size * b_values.size, "len(w_values) * len(b_values)")
    W, B = np.meshgrid(w_values, b_values)
    xx, xm, xy, ym, yy = np.mean(x * x), x.mean(), np.mean(x * y), y.mean(), np.mean(y * y)
    L = W * W * xx + 2 * W * B * xm + B * B - 2 * W * xy - 2 * B * ym + yy
    return W, B, np.maximum(L, 0.0)


# --------------------------------------------------------------------------
# gradient noise
# --------------------------------------------------------------------------

def _grads_and_batch(per_sample_grads, batch_size):
    """The per-sample gradients as an (N, d) float array, N and a batch size in 1..N."""
    g = as_float64(per_sample_grads, "per_sample_grads")
    if g.ndim != 2 or g.shape[0] < 2:
        raise ValueError(f"per_sample_grads must have shape (N, d) with N >= 2, got {g.shape}")
    n = g.shape[0]
    b = _positive_int("batch_size", batch_size)
    if b > n:
        raise ValueError(f"batch_size must be at most N = {n}, got {b}")
    return g, n, b


def predicted_gradient_variance(per_sample_grads, batch_size):
    r"""Expected squared distance of a mini-batch gradient from the full one,
    for a batch of :math:`B` samples drawn *without replacement* from
    :math:`N`:

    .. math::

        \mathbb E\,\lVert g_B - \nabla L\rVert^2
        = \frac{N - B}{N - 1}\,\frac{\sigma^2}{B},
        \qquad \sigma^2 = \frac1N \sum_i \lVert g_i - \nabla L \rVert^2 .

    The factor :math:`(N-B)/(N-1)` is the finite-population correction: it is
    :math:`\approx 1` for :math:`B \ll N` and :math:`0` at :math:`B = N`.

    >>> g = np.array([[1.0], [-1.0], [3.0], [-3.0]])   # sigma^2 = 5
    >>> predicted_gradient_variance(g, 1), predicted_gradient_variance(g, 4)
    (5.0, 0.0)
    """
    g, n, b = _grads_and_batch(per_sample_grads, batch_size)
    sigma2 = float(np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1)))
    return (n - b) / (n - 1) * sigma2 / b


def measured_gradient_variance(per_sample_grads, batch_size, draws=2000, seed=0):
    r"""Monte-Carlo estimate of :math:`\mathbb E\lVert g_B - \nabla L\rVert^2`:
    the mean over ``draws`` random batches (each without replacement, as one
    batch of a shuffled epoch).

    At :math:`B = N` every batch is the whole data set; what is left is the
    rounding error of two means that are equal in exact arithmetic (about
    :math:`10^{-31}` for gradients of order 1), computed, not special-cased.

    >>> g = np.array([[1.0], [-1.5], [3.25], [-3.0]])
    >>> measured_gradient_variance(g, 4, draws=10) < 1e-28
    True
    """
    g, n, b = _grads_and_batch(per_sample_grads, batch_size)
    draws = _positive_int("draws", draws)
    check_size(draws * n, "draws * N")
    rng = as_rng(seed)
    # argsort of uniforms = one random permutation per row; keep the first B
    idx = np.argsort(rng.random((draws, n)), axis=1)[:, :b]
    batch_means = g[idx].mean(axis=1)
    deviation = batch_means - g.mean(axis=0)
    return float(np.mean(np.sum(deviation**2, axis=1)))


def noise_floor(per_sample_grads, lr, batch_size):
    r"""Predicted excess loss at which constant-rate SGD settles near a
    minimum :math:`\theta^*` of a loss with Hessian :math:`H`, to first order in
    :math:`\eta`:

    .. math::

        \mathbb E\,[L(\theta) - L^*] \approx \frac{\eta}{4B}\,\frac{N-B}{N-1}\,
        \operatorname{tr}\Sigma^*,
        \qquad \Sigma^* = \frac1N\sum_i (g_i - \bar g)(g_i - \bar g)^\top ,

    with ``per_sample_grads`` the gradients :math:`g_i` of the single-sample
    losses *at the minimum* (one row each). Derivation: near
    :math:`\theta^*` the error :math:`e = \theta - \theta^*` follows
    :math:`e \leftarrow e - \eta(He + \xi)` with noise covariance
    :math:`\frac{N-B}{N-1}\Sigma^*/B`; its stationary covariance :math:`C`
    solves :math:`HC + CH = \eta\,\frac{N-B}{N-1}\Sigma^*/B + O(\eta^2)`, and the
    excess loss is :math:`\tfrac12\operatorname{tr}(HC)`. It treats the
    batches as independent draws.

    >>> g = np.array([[1.0], [-1.0], [3.0], [-3.0]])   # tr Sigma = 5
    >>> round(noise_floor(g, 0.1, 1), 12)
    0.125
    """
    g, n, b = _grads_and_batch(per_sample_grads, batch_size)
    check_finite(g, "per_sample_grads")
    lr = _positive_float("lr", lr)
    trace = float(np.mean(np.sum((g - g.mean(axis=0)) ** 2, axis=1)))
    return lr / (4.0 * b) * (n - b) / (n - 1) * trace


# --------------------------------------------------------------------------
# SGD runs
# --------------------------------------------------------------------------

def steps_per_epoch(n, batch_size):
    r"""Number of updates in one epoch: :math:`\lceil N / B \rceil` (the last
    batch may be smaller, as in :func:`bpcore.data.minibatches`).

    >>> steps_per_epoch(1000, 64)
    16
    """
    n, b = _positive_int("n", n), _positive_int("batch_size", batch_size)
    return -(-n // b)


def robbins_monro(lr0, decay_steps):
    r"""The schedule :math:`\eta_t = \eta_0 / (1 + t/\tau)`, :math:`t = 0, 1, \dots`
    (``decay_steps`` is :math:`\tau`).  It satisfies the Robbins--Monro
    conditions :math:`\sum_t \eta_t = \infty` (it decays like :math:`1/t`)
    and :math:`\sum_t \eta_t^2 < \infty`.

    >>> f = robbins_monro(0.1, 100)
    >>> f(0), f(100)
    (0.1, 0.05)
    """
    lr0 = _positive_float("lr0", lr0)
    tau = _positive_float("decay_steps", decay_steps)

    def schedule(t):
        return lr0 / (1.0 + real_number(t, "t (the step number)", nonnegative=True) / tau)
    return schedule


def run_sgd(optimizer, x, y, params0, batch_size, epochs, seed=0, schedule=None, shuffle=True):
    r"""Mini-batch SGD on :func:`linreg_loss`: each epoch visits every sample
    once in batches from :func:`bpcore.data.minibatches` (a new shuffle each
    epoch, drawn from ``seed``), and ``optimizer`` takes one step per batch
    with the batch's mean gradient.

    ``schedule(t)`` (optional) sets ``optimizer.lr`` before step ``t = 0, 1, …``;
    the optimizer's own rate is restored when the run ends.
    Returns a dict with ``path`` (shape ``(steps + 1, 2)``), ``loss`` (full
    loss at every point of the path) and ``evals`` (per-sample gradient
    evaluations spent to reach each point: the sum of the batch sizes so far).

    >>> from bpcore.optim import SGD
    >>> r = run_sgd(SGD(0.1), [0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 5.0, 7.0], [0.0, 0.0], 2, 3)
    >>> r["path"].shape, int(r["evals"][-1])
    ((7, 2), 12)
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a bpcore.optim optimizer, got {type(optimizer).__name__}")
    x, y = _data(x, y)
    p = _params(params0, "params0")
    if p.shape != (2,):
        raise ValueError(f"params0 must be (w, b), got shape {p.shape}")
    b = _positive_int("batch_size", batch_size)
    epochs = _positive_int("epochs", epochs)
    check_size(epochs * -(-x.size // b), "epochs * steps per epoch")
    if schedule is not None and not callable(schedule):
        raise TypeError("schedule must be a function of the step number, or None")
    rng = as_rng(seed)
    optimizer.reset()
    path, evals = [p.copy()], [0]
    t, lr0 = 0, optimizer.lr
    try:
        for _ in range(epochs):
            for xb, yb in minibatches(x, y, b, shuffle=shuffle, seed=rng):
                if schedule is not None:
                    optimizer.lr = _scheduled_lr(schedule, t)
                p = optimizer.step(p, linreg_grad(p, xb, yb))
                path.append(p)
                evals.append(evals[-1] + len(xb))
                t += 1
    finally:
        optimizer.lr = lr0             # the caller's optimizer keeps its own rate
    path = np.array(path)
    return {"path": path, "loss": linreg_loss(path, x, y), "evals": np.array(evals)}


# --------------------------------------------------------------------------
# the tilted wells: a shallow minimum that noise can leave
# --------------------------------------------------------------------------

def make_tilts(n=64, mean=1.0, std=3.0, seed=0):
    r"""``n`` per-sample tilts with exactly the given mean and (population)
    standard deviation: standard normal draws, centred and rescaled.

    >>> t = make_tilts(8, mean=1.0, std=2.0)
    >>> round(float(t.mean()), 12), round(float(t.std()), 12)
    (1.0, 2.0)
    """
    n = _positive_int("n", n)
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    check_size(n, "n")
    std = _positive_float("std", std)
    mean = real_number(mean, "mean")
    z = as_rng(seed).standard_normal(n)
    z = (z - z.mean()) / z.std()
    return float(mean) + std * z


def _tilts_and_theta(theta, tilts):
    t = as_float64(tilts, "tilts")
    if t.ndim not in (1, 2) or t.size == 0:
        raise ValueError(f"tilts must be a non-empty 1-D array of real numbers (or 2-D, one batch per row), "
                         f"got shape {t.shape}")
    return as_array(theta, "theta"), t


def tilted_wells_loss(theta, tilts):
    r"""Mean over samples of :math:`\ell_i(\theta) = (\theta^2-1)^2 + t_i\theta`:
    :math:`L(\theta) = (\theta^2 - 1)^2 + \bar t\,\theta`.

    ``theta`` may be an array (one loss per entry).

    >>> tilted_wells_loss(1.0, [1.0, -1.0])
    0.0
    """
    th, t = _tilts_and_theta(theta, tilts)
    out = (th * th - 1.0) ** 2 + t.mean() * th
    return float(out) if out.ndim == 0 else out


def tilted_wells_grad(theta, tilts):
    r"""Gradient of the mean loss over the samples ``tilts``:
    :math:`\frac{d}{d\theta}\frac1B\sum_{i} \ell_i = 4\theta(\theta^2 - 1) + \bar t_B`,
    where :math:`\bar t_B` is the mean tilt of those samples (a batch).

    >>> tilted_wells_grad(1.0, [2.0, 0.0])
    1.0
    """
    th, t = _tilts_and_theta(theta, tilts)
    out = 4.0 * th * (th * th - 1.0) + t.mean(axis=-1)
    return float(out) if out.ndim == 0 else out


def tilted_wells_critical_points(mean_tilt):
    r"""The two minima and the barrier top of :math:`(\theta^2-1)^2 + \bar t\theta`
    (the real roots of :math:`4\theta^3 - 4\theta + \bar t = 0`), as
    ``(global_min, barrier, local_min)``; for :math:`\bar t > 0` the global
    minimum is on the left.

    >>> [round(v, 4) for v in tilted_wells_critical_points(1.0)]
    [-1.1072, 0.2696, 0.8376]
    """
    mean_tilt = real_number(mean_tilt, "mean_tilt", finite=False)
    limit = 8.0 / (3.0 * math.sqrt(3.0))
    if not abs(mean_tilt) < limit:
        raise ValueError(f"|mean_tilt| must be below {limit:.4f} for two minima, got {mean_tilt!r}")
    roots = np.sort(np.roots([4.0, 0.0, -4.0, float(mean_tilt)]).real)
    for _ in range(3):  # polish with Newton's method
        roots = roots - (4 * roots**3 - 4 * roots + mean_tilt) / (12 * roots**2 - 4)
    left, middle, right = (float(r) for r in roots)
    return (left, middle, right) if mean_tilt >= 0 else (right, middle, left)


def escape_runs(tilts, theta0, lr, batch_size, steps, seeds):
    r"""Plain mini-batch SGD :math:`\theta \leftarrow \theta - \eta\,
    \nabla \frac1B\sum_{i\in\text{batch}}\ell_i` on the tilted wells, for
    many seeds at once: ``steps`` updates, each seed with its own shuffle
    every epoch (``batch_size`` must divide the number of samples).  With
    ``batch_size`` equal to the number of samples it is full-batch gradient
    descent, the same for every seed.

    Returns the paths, shape ``(len(seeds), steps + 1)``.

    >>> paths = escape_runs([1.0, 1.0], 0.9, 0.1, 1, 5, seeds=range(2))
    >>> paths.shape
    (2, 6)
    """
    t = as_float64(tilts, "tilts")
    if t.ndim != 1 or t.size < 2:
        raise ValueError(f"tilts must be a 1-D array of at least 2 samples, got shape {t.shape}")
    n = t.size
    b = _positive_int("batch_size", batch_size)
    if n % b:
        raise ValueError(f"batch_size must divide the number of samples {n}, got {b}")
    lr = _positive_float("lr", lr)
    steps = _positive_int("steps", steps)
    theta0 = real_number(theta0, "theta0")
    seeds = _seed_list(seeds)
    check_size(len(seeds) * (steps + 1), "len(seeds) * (steps + 1)")
    rngs = [as_rng(s, "seeds") for s in seeds]
    theta = np.full(len(seeds), theta0)
    path = [theta.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        while len(path) <= steps:
            order = np.stack([r.permutation(n) for r in rngs])
            batch_tilts = t[order].reshape(len(seeds), n // b, b).mean(axis=2)
            for k in range(min(n // b, steps + 1 - len(path))):
                theta = theta - lr * (4.0 * theta * (theta * theta - 1.0) + batch_tilts[:, k])
                path.append(theta.copy())
    return np.array(path).T
