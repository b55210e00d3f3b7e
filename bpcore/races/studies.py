r"""Two studies of chapter 7: noisy descent under a learning-rate schedule,
and RMSprop's effective step against the curvature."""

import copy
import math

import numpy as np

from .._checks import as_rng, check_size, real_number
from ..optim import RMSprop, Schedule
from ._common import _check_optimizer, _check_surface, _positive_int, _start


def noisy_descent(optimizer, surface, x0, steps, noise, seed=0, schedule=None):
    r"""Run ``optimizer`` on ``surface`` with noisy gradients
    :math:`g_t = \nabla f(x_{t-1}) + \sigma\,\xi_t`,
    :math:`\xi_t \sim \mathcal N(0, I)` (``noise`` is :math:`\sigma`), a
    stand-in for mini-batch noise; ``schedule`` (a :mod:`bpcore.optim`
    schedule, optional) is attached to a copy of the optimizer and stepped
    after every update.  Returns :math:`f(x_t) - f^*` for
    :math:`t = 0, \dots,` ``steps`` (:math:`f^*` the global minimum's
    value).  The caller's optimizer and schedule are not changed.

    >>> from bpcore.surfaces import Quadratic
    >>> from bpcore.optim import SGD
    >>> gaps = noisy_descent(SGD(0.5), Quadratic(condition=1.0), [1.0, 1.0], 3, noise=0.0)
    >>> gaps.round(4).tolist()
    [1.0, 0.25, 0.0625, 0.0156]
    """
    _check_optimizer(optimizer)
    _check_surface(surface)
    x = _start(x0)
    steps = _positive_int("steps", steps)
    check_size(steps + 1, "steps")
    sigma = real_number(noise, "noise")
    if sigma < 0:
        raise ValueError(f"noise must be >= 0, got {sigma!r}")
    rng = as_rng(seed)
    opt = copy.deepcopy(optimizer)
    opt.reset()
    if schedule is not None:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be a bpcore.optim schedule or None, got {type(schedule).__name__}")
        schedule = copy.deepcopy(schedule).attach(opt)
    f_star = float(surface.value(np.array(surface.minima[0])))
    out = [float(surface.value(x)) - f_star]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = opt.step(x, surface.grad(x) + sigma * rng.standard_normal(2))
            if not np.all(np.abs(x) <= 1e6):   # diverged: the rest is infinite
                out += [math.inf] * (steps + 1 - len(out))
                break
            out.append(float(surface.value(x)) - f_star)
            if schedule is not None:
                schedule.step()
    return np.array(out)


def rmsprop_sharpness(lr, surface, x0, steps, alpha=0.99, eps=1e-8):
    r"""RMSprop's effective step against the curvature, step by step.

    RMSprop moves coordinate :math:`i` by :math:`D_i g_i` with the effective
    rate :math:`D_i = \eta/(\sqrt{v_{t,i}} + \epsilon)`.  Near a minimum
    with Hessian :math:`H` the error follows :math:`e_t = (I - DH)\,e_{t-1}`,
    which is stable only while every eigenvalue of :math:`DH` stays below 2.
    Returns a dict: ``gap`` (:math:`f(x_t) - f^*`, :math:`t = 1, \dots,`
    ``steps``) and ``sharpness`` (the largest eigenvalue modulus of
    :math:`DH` after step :math:`t`, with :math:`H` the Hessian at
    :math:`x_t`).

    >>> from bpcore.surfaces import Quadratic
    >>> out = rmsprop_sharpness(0.1, Quadratic(condition=1.0), [1.0, 1.0], 1, eps=0.0)
    >>> round(float(out["sharpness"][0]), 6)   # g = 1, v_1 = 0.01: D = 0.1 / 0.1 = 1, H = I
    1.0
    """
    _check_surface(surface)
    x = _start(x0)
    steps = _positive_int("steps", steps)
    check_size(2 * steps, "steps")
    opt = RMSprop(lr, alpha=alpha, eps=eps)
    f_star = float(surface.value(np.array(surface.minima[0])))
    gap, sharp = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = opt.step(x, surface.grad(x))
            if not np.all(np.abs(x) <= 1e6):
                break
            D = opt.lr / (np.sqrt(opt.state[0]["mean_sq"]) + opt.eps)
            scaled = np.sqrt(D)[:, None] * surface.hessian(x) * np.sqrt(D)[None, :]   # same spectrum as D H
            gap.append(float(surface.value(x)) - f_star)
            sharp.append(float(np.max(np.abs(np.linalg.eigvalsh(scaled)))))
    return {"gap": np.array(gap), "sharpness": np.array(sharp)}
