r"""Losses and their gradients for one target, swept over the prediction
(the data behind chapter 1's loss explorer).

For a fixed target :math:`y`, each loss is evaluated as a function of a
single prediction:

* ``task="regression"``: the prediction is :math:`\hat y` and the gradient
  is :math:`\partial L/\partial \hat y`, for the losses in
  :data:`REGRESSION_LOSSES`;
* ``task="classification"``: the prediction is the probability
  :math:`p = \sigma(z)` of class 1, :math:`y \in \{0, 1\}`, and the gradient
  is taken with respect to the logit :math:`z`,

  .. math:: \frac{\partial L}{\partial z} = \frac{\partial L}{\partial p}\,\frac{dp}{dz},
            \qquad \frac{dp}{dz} = \sigma'(z) = p\,(1 - p),

  because that is what reaches the network's weights (the losses are in
  :data:`CLASSIFICATION_LOSSES`).

Every value comes from :mod:`bpcore.losses`; :math:`\sigma'` comes from
:mod:`bpcore.autodiff` (the derivative its ``sigmoid`` node uses), so no
formula is written here a second time.

>>> loss, grad = values_at(1.0, 0.5, "classification")["cross-entropy"]
>>> round(loss, 6), grad            # -ln 0.5 and p - y
(0.693147, -0.5)
"""

import inspect

import numpy as np

from . import _checks, losses
from .autodiff import grad, sigmoid

__all__ = ["REGRESSION_LOSSES", "CLASSIFICATION_LOSSES", "curves", "values_at", "best_constant", "outlier_effect"]

#: Name -> ``(loss, loss_grad)`` of the regression losses compared in chapter 1.
#: The names are plain text (no mathtext): a widget redraws them on every move.
REGRESSION_LOSSES = {
    "squared (y − ŷ)²": (losses.mse, losses.mse_grad),
    "half squared ½(y − ŷ)²": (losses.half_mse, losses.half_mse_grad),
    "absolute |y − ŷ|": (losses.mae, losses.mae_grad),
    "Huber (δ = 1)": (losses.huber, losses.huber_grad),
}

#: Name -> ``(loss, loss_grad)`` of the classification losses, as functions of
#: the probability :math:`p` of class 1.
CLASSIFICATION_LOSSES = {
    "cross-entropy": (losses.binary_cross_entropy, losses.binary_cross_entropy_grad),
    "squared error on $p$": (losses.mse, losses.mse_grad),
}


def _sigmoid_slope(p):
    r""":math:`dp/dz` at the logit :math:`z = \ln\frac{p}{1-p}` of each probability ``p``,
    by autodiff through :func:`bpcore.autodiff.sigmoid`."""
    z = np.log(p) - np.log1p(-p)   # the logit: sigmoid(z) = p
    return grad(lambda t: sigmoid(t).sum())(z)


def _table(task, caller):
    """The losses of ``task`` and the factor that turns ∂L/∂(prediction) into the reported gradient."""
    if not isinstance(task, str):
        raise TypeError(f"{caller}: task must be 'regression' or 'classification', got {task!r}")
    if task == "regression":
        return REGRESSION_LOSSES, lambda prediction: 1.0
    if task == "classification":
        return CLASSIFICATION_LOSSES, _sigmoid_slope
    raise ValueError(f"{caller}: task must be 'regression' or 'classification', got {task!r}")


def _real(name, value, caller):
    # TypeError for a string, None, complex; ValueError for inf/NaN (the rule in bpcore._checks)
    return _checks.real_number(value, f"{caller}: {name}")


#: Most grid points :func:`curves` takes: a figure needs a few hundred, and a call stays under a second
#: (the classification losses without an ``axis`` argument are evaluated one point at a time).
MAX_POINTS = 10**4


def _per_sample(loss, y_true, grid):
    """``loss(y_true, p)`` for each ``p`` of ``grid``: one vectorised call when the loss takes ``axis``."""
    if "axis" in inspect.signature(loss).parameters:
        return np.asarray(loss(np.full((grid.size, 1), y_true), grid[:, None], axis=1), dtype=float)
    return np.array([loss(y_true, float(p)) for p in grid])


def _target(y_true, task, caller):
    y_true = _real("y_true", y_true, caller)
    if task == "classification" and y_true not in (0.0, 1.0):
        raise ValueError(f"{caller}: classification needs y_true 0 or 1, got {y_true!r}")
    return y_true


def curves(y_true, task="regression", lo=-3.0, hi=3.0, points=121):
    r"""Each loss :math:`L(y, \cdot)` and its gradient on a grid of predictions.

    Regression: the grid is ``points`` values of :math:`\hat y` from ``lo``
    to ``hi`` and the gradients are :math:`\partial L/\partial \hat y`.
    Classification: the grid is :math:`p \in [0.005, 0.995]` (``lo`` and
    ``hi`` are not used) and the gradients are :math:`\partial L/\partial z`
    for :math:`p = \sigma(z)`.

    Each value is the loss of one sample, :math:`L(y, \hat y_i)`. The grid is
    passed to ``loss_grad`` as one batch of :math:`n` samples, whose mean
    divides every per-sample gradient by :math:`n`; the result is multiplied
    back by :math:`n`.

    ``points`` is an integer from 2 to ``MAX_POINTS`` (``10**4``).

    Returns ``(grid, losses, grads)``: the grid and two dicts mapping a loss
    name (:data:`REGRESSION_LOSSES`, :data:`CLASSIFICATION_LOSSES`) to an
    array of the grid's shape.

    >>> grid, L, G = curves(0.0, points=5)
    >>> grid.tolist(), L["absolute |y − ŷ|"].tolist(), G["absolute |y − ŷ|"].tolist()
    ([-3.0, -1.5, 0.0, 1.5, 3.0], [3.0, 1.5, 0.0, 1.5, 3.0], [-1.0, -1.0, 0.0, 1.0, 1.0])
    """
    table, chain = _table(task, "curves")
    y_true = _target(y_true, task, "curves")
    points = _checks.integer(points, "curves: points", minimum=2, maximum=MAX_POINTS)
    if task == "classification":
        grid = np.linspace(0.005, 0.995, points)
    else:
        lo, hi = _real("lo", lo, "curves"), _real("hi", hi, "curves")
        if not lo < hi:
            raise ValueError(f"curves: need lo < hi, got lo={lo!r}, hi={hi!r}")
        grid = np.linspace(lo, hi, points)
    targets = np.full_like(grid, y_true)
    slope = chain(grid)
    loss_values, grads = {}, {}
    for name, (loss, loss_grad) in table.items():
        loss_values[name] = _per_sample(loss, y_true, grid)
        grads[name] = grid.size * loss_grad(targets, grid) * slope
    return grid, loss_values, grads


def values_at(y_true, y_pred, task="regression"):
    r"""``{name: (loss, gradient)}`` of every loss at one prediction, with
    the gradient as in :func:`curves` (:math:`\partial L/\partial \hat y`,
    or :math:`\partial L/\partial z` for classification).

    >>> values_at(1.0, -1.0)["squared (y − ŷ)²"]
    (4.0, -4.0)
    """
    table, chain = _table(task, "values_at")
    y_true = _target(y_true, task, "values_at")
    y_pred = _real("y_pred", y_pred, "values_at")
    if task == "classification" and not 0.0 < y_pred < 1.0:
        raise ValueError(f"values_at: a classification prediction is a probability in (0, 1), got {y_pred!r}")
    slope = chain(y_pred)
    return {name: (loss(y_true, y_pred), loss_grad(y_true, y_pred) * slope) for name, (loss, loss_grad) in table.items()}


def _targets(y_true, caller, name="y_true"):
    y = _checks.as_float64(y_true, name).ravel()
    _checks.check_nonempty(y, name)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{caller}: {name} must be finite")
    return y


def best_constant(y_true, loss="mse", delta=1.0):
    r"""The constant prediction :math:`c` that minimises the mean loss
    :math:`\frac1n\sum_i \ell(y_i - c)` over the targets ``y_true``.

    * ``"mse"``: the mean (set :math:`\sum_i 2(c - y_i)/n = 0`);
    * ``"mae"``: the median (the subgradient :math:`\sum_i \operatorname{sign}(c - y_i)/n`
      contains 0); for an even count every point between the two middle
      values is a minimiser and the midpoint is returned;
    * ``"huber"``: the root of :math:`\sum_i \operatorname{clip}(c - y_i, -\delta, \delta) = 0`,
      solved exactly on the one linear piece of the (non-decreasing,
      piecewise linear) sum that crosses zero. For small ``delta`` it is a median, for
      ``delta`` ≥ the largest :math:`|y_i - \bar y|` it is the mean.

    >>> y = [1.0, 2.0, 3.0, 4.0, 50.0]
    >>> best_constant(y, "mse"), best_constant(y, "mae"), best_constant(y, "huber", delta=1.0)
    (12.0, 3.0, 3.0)
    >>> round(best_constant(y, "huber", delta=100.0), 12)
    12.0
    """
    y = _targets(y_true, "best_constant")
    if not isinstance(loss, str):
        raise TypeError(f"best_constant: loss must be 'mse', 'mae' or 'huber', got {type(loss).__name__}")
    if loss == "mse":
        return float(np.mean(y))
    if loss == "mae":
        return float(np.median(y))
    if loss != "huber":
        raise ValueError(f"best_constant: loss must be 'mse', 'mae' or 'huber', got {loss!r}")
    delta = _checks.positive_number(delta, "best_constant: delta")
    if delta >= np.ptp(y):
        # every residual from the mean lies inside [-delta, delta]: the quadratic piece, the mean
        # (also avoids y ± delta overflowing to inf for delta near 1e308)
        return float(np.mean(y))

    # S(c) = sum_i clip(c - y_i, -delta, delta) is piecewise linear and
    # non-decreasing, with kinks at y_i ± delta: evaluate it at the kinks and
    # solve the one linear piece where it crosses zero.
    kinks = np.unique(np.concatenate([y - delta, y + delta]))
    slope = np.array([np.sum(np.clip(c - y, -delta, delta)) for c in kinks])
    k = int(np.argmax(slope >= 0.0))
    if slope[k] == 0.0:
        # S vanishes on a whole interval (as the median's subgradient does for
        # an even count): every point of it minimises; return its midpoint.
        last = int(np.nonzero(slope <= 0.0)[0][-1])
        return float(0.5 * (kinks[k] + kinks[last]))
    c0, c1, s0, s1 = kinks[k - 1], kinks[k], slope[k - 1], slope[k]
    return float(c0 - s0 * (c1 - c0) / (s1 - s0))


def outlier_effect(y_clean, y_dirty, y_pred, loss, loss_grad):
    r"""What corrupting some targets does to a loss and its gradient.

    Returns a dict: ``clean`` and ``dirty``, the loss without and with the
    corrupted targets; ``added`` = dirty − clean, the loss the outliers add;
    ``gradient``, :math:`\partial L/\partial \hat y` on the dirty data; and
    ``share``, the fraction of the total gradient magnitude
    :math:`\sum_i |\partial L/\partial \hat y_i|` that falls on the
    corrupted entries (those where ``y_clean != y_dirty``).

    >>> e = outlier_effect([0.0, 0.0], [0.0, 10.0], [0.0, 1.0], losses.mae, losses.mae_grad)
    >>> e["added"], e["share"]
    (4.0, 1.0)
    """
    _checks.check_callable(loss, "loss")
    _checks.check_callable(loss_grad, "loss_grad")
    clean_y = _targets(y_clean, "outlier_effect", "y_clean")
    dirty_y = _checks.as_float64(y_dirty, "y_dirty").ravel()
    _checks.check_same_shape(clean_y, dirty_y, "y_clean", "y_dirty")
    clean = _checks.callback_number(loss(y_clean, y_pred), "loss(y_clean, y_pred)", finite=False)
    dirty = _checks.callback_number(loss(y_dirty, y_pred), "loss(y_dirty, y_pred)", finite=False)
    g = _checks.as_float64(loss_grad(y_dirty, y_pred), "the result of loss_grad(y_dirty, y_pred)")
    if g.size != dirty_y.size:
        raise ValueError(f"loss_grad(y_dirty, y_pred) returned {g.size} values for {dirty_y.size} targets")
    magnitude = np.abs(g).ravel()
    corrupted = clean_y != dirty_y
    total = float(magnitude.sum())
    share = float(magnitude[corrupted].sum() / total) if total > 0 else 0.0
    return dict(clean=clean, dirty=dirty, added=dirty - clean, gradient=g, share=share)
