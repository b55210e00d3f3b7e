r"""Checkers for chapter 2, the loss landscape."""

import numpy as np

from .. import grid_search, landscape, losses
from ._core import Mistake, _report, check_function, check_value, finite_real

__all__ = ["check_least_squares", "check_grid_evaluations", "check_mse_grid", "check_best_slope"]

#: The tiny data set of the by-hand exercise.
HAND_X, HAND_Y = (0.0, 1.0, 2.0), (1.0, 2.0, 6.0)


def check_least_squares(answer, name="(w_star, b_star)"):
    r"""Check the minimum :math:`(w^\ast, b^\ast)` of the MSE of
    :math:`\hat y = wx + b` on ``x = (0, 1, 2)``, ``y = (1, 2, 6)``, worked
    out by hand (a tuple, list or array of two numbers).

    >>> check_least_squares((0.5, 2.5))
    ✗ (w_star, b_star) = [0.5, 2.5] is not correct. Hint: The order is (w, b): slope first, then intercept.
    False
    """
    w, b = grid_search.least_squares_line(HAND_X, HAND_Y)
    x, y = np.array(HAND_X), np.array(HAND_Y)
    through_origin = float(np.sum(x * y) / np.sum(x * x))
    mistakes = [
        Mistake((b, w), "The order is (w, b): slope first, then intercept."),
        Mistake((through_origin, 0.0), "That line is forced through the origin (b = 0); set both partial derivatives to zero."),
        Mistake((w, float(np.mean(y))), "The intercept is b* = ȳ − w*·x̄, not ȳ."),
        Mistake((float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((y - y.mean()) ** 2)), b),
                "The slope divides the covariance by the variance of x, not of y."),
    ]
    return check_value(answer, (w, b), name=name, mistakes=mistakes,
                       hint="Set ∂L/∂w = 0 and ∂L/∂b = 0: w* = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², b* = ȳ − w*·x̄.")


def check_grid_evaluations(answer, n=100, weights=3, name="evaluations"):
    r"""Check the number of loss evaluations of a grid search with ``n``
    values per parameter for a linear model with ``weights`` weights and a
    bias: :math:`n^{d}` with :math:`d` = ``weights + 1``.

    >>> check_grid_evaluations(1e8)
    ✓ evaluations = 100000000.0 is correct.
    True
    """
    if not (finite_real(n) and finite_real(weights)) or n < 1 or weights < 0:
        return _report(False, f"n and weights must be a positive and a non-negative number, got {n!r}, {weights!r}.")
    d = int(weights) + 1
    mistakes = [
        Mistake(float(n) ** weights, "Count the bias too: it is a parameter, so the grid has one more axis."),
        Mistake(float(n) * d, "The axes multiply, not add: every value of one parameter meets every value of the others."),
        Mistake(float(d) ** n, "It is n to the power d (values per axis, raised to the number of axes), not d to the power n."),
    ]
    return check_value(answer, float(n) ** d, name=name, mistakes=mistakes, rtol=1e-9,
                       hint="A grid with n values on each of d axes has n·n·…·n = n^d points.")


def _reference_mse_grid(x, y, w_values, b_values):
    return landscape.loss_grid(losses.mse, x, y, w_values, b_values, method="direct")


def _cases():
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, 6)
    y = 1.5 * x + 0.3 + 0.2 * rng.standard_normal(6)
    return [
        ((np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0])), {}),
        ((x, y, np.linspace(-1, 3, 5), np.linspace(-1, 1, 3)), {}),
    ]


_MSE_GRID_MISTAKES = [
    Mistake(lambda x, y, w, b: _reference_mse_grid(x, y, w, b).T,
            "Rows must be the b values and columns the w values: shape (len(b_values), len(w_values)), like np.meshgrid."),
    Mistake(lambda x, y, w, b: 0.5 * _reference_mse_grid(x, y, w, b), "That is ½·MSE; the exercise asks for the MSE itself."),
    Mistake(lambda x, y, w, b: len(x) * _reference_mse_grid(x, y, w, b), "Take the mean over the data points, not the sum."),
    Mistake(lambda x, y, w, b: np.sqrt(_reference_mse_grid(x, y, w, b)), "Do not take the square root: MSE, not RMSE."),
]


def check_mse_grid(candidate, name="my_mse_grid"):
    r"""Check ``my_mse_grid(x, y, w_values, b_values)``: the MSE of
    :math:`\hat y = wx + b` at every grid point, shape
    ``(len(b_values), len(w_values))``.

    >>> check_mse_grid(lambda x, y, w, b: ((w[None, :, None] * x + b[:, None, None] - y) ** 2).mean(axis=2))
    ✓ my_mse_grid agrees with the reference on 2 test cases.
    True
    """
    return check_function(candidate, _reference_mse_grid, _cases(), name=name, mistakes=_MSE_GRID_MISTAKES,
                          rtol=1e-9, atol=1e-12,
                          hint="Broadcast: predictions w[None, :, None]·x + b[:, None, None] have shape (len(b), len(w), n); "
                               "average the squared residuals over the last axis.")


def best_slope(x, y, b):
    r"""The slope that minimises the MSE for a fixed intercept ``b``:
    :math:`w(b) = \big(\overline{xy} - b\,\bar x\big) / \overline{x^2}`."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float((np.mean(x * y) - b * np.mean(x)) / np.mean(x * x))


def check_best_slope(answer, x, y, b=1.0, tol=0.13, name="best_w"):
    r"""Check a slope read off the fit explorer: the best :math:`w` for the
    fixed intercept ``b``, within ``tol`` (about half a scrubber step).

    >>> x, y = np.array([-1.0, 0.0, 1.0]), np.array([-1.0, 1.0, 3.0])
    >>> check_best_slope(2.0, x, y, b=1.0)
    ✓ best_w = 2.0 is correct.
    True
    """
    try:
        target = best_slope(x, y, b)
        overall = grid_search.least_squares_line(x, y)[0]
    except Exception as error:
        return _report(False, f"the data could not be read ({type(error).__name__}).")
    mistakes = []
    if abs(overall - target) > 2 * tol:
        mistakes.append(Mistake(overall, f"That is the slope of the overall minimum; keep the intercept at b = {b:g} and "
                                         "find the lowest point along that horizontal line of the contour plot."))
    return check_value(answer, target, name=name, mistakes=[Mistake(m.answer, m.hint) for m in mistakes], rtol=0.0, atol=tol,
                       hint=f"Keep b = {b:g}, move w, and watch the loss in the right panel's title: the best w gives the smallest value.")
