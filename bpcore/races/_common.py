"""Shared argument checks and the learning-rate grid of :mod:`bpcore.races`."""

import math

import numpy as np

from .._checks import as_float64, integer, real_number
from ..optim import Optimizer
from ..surfaces import Surface


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
