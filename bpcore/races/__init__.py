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

The module is split into ``bpcore.races.tuning`` (the protocol and the
tables), ``bpcore.races.rates`` (rates and step sizes) and
``bpcore.races.studies`` (schedules under noise, RMSprop's instability);
every name is available as ``bpcore.races.X``.
"""

from ._common import LR_GRID
from .rates import measured_rate, momentum_critical_rate, momentum_optimal, step_sizes
from .studies import noisy_descent, rmsprop_sharpness
from .tuning import basin_by_rate, basin_markdown, descend_until, markdown_table, race_table, tune_lr

__all__ = [
    "LR_GRID",
    "descend_until",
    "tune_lr",
    "race_table",
    "markdown_table",
    "momentum_optimal",
    "momentum_critical_rate",
    "basin_by_rate",
    "basin_markdown",
    "noisy_descent",
    "rmsprop_sharpness",
    "measured_rate",
    "step_sizes",
]
