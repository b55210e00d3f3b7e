r"""Checkers for chapter 2, the loss landscape."""

import math

import numpy as np

from .. import grid_search, landscape, losses
from ._core import Mistake, _as_numbers, _report, check_function, check_value, finite_real, never_raises, whole_number

__all__ = ["check_least_squares", "check_grid_evaluations", "check_mse_grid", "check_best_slope"]

#: The tiny data set of the by-hand exercise.
HAND_X, HAND_Y = (0.0, 1.0, 2.0), (1.0, 2.0, 6.0)


@never_raises
def check_least_squares(answer, name="(w_star, b_star)"):
    r"""Check the minimum :math:`(w^\ast, b^\ast)` of the MSE of
    :math:`\hat y = wx + b` on ``x = (0, 1, 2)``, ``y = (1, 2, 6)``, worked
    out by hand (a tuple, list or array of two numbers, to three significant
    digits).

    >>> check_least_squares(None)
    ✗ (w_star, b_star) is None: replace the ... with your answer. Hint: At the minimum both partial derivatives of the MSE vanish: ∂L/∂w = 0 and ∂L/∂b = 0.
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
                       idea="At the minimum both partial derivatives of the MSE vanish: ∂L/∂w = 0 and ∂L/∂b = 0.",
                       hint="Set ∂L/∂w = 0 and ∂L/∂b = 0: w* = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², b* = ȳ − w*·x̄.")


@never_raises
def check_grid_evaluations(answer, n=100, weights=3, name="evaluations"):
    r"""Check the number of loss evaluations of a grid search with ``n``
    values per parameter for a linear model with ``weights`` weights and a
    bias, compared exactly
    (a count; ``1e8`` and ``10**8`` are both fine).

    On made-up sizes (not the exercise's):

    >>> check_grid_evaluations(10 ** 2, n=10, weights=1)
    ✓ evaluations is correct.
    True
    >>> check_grid_evaluations(11 ** 2, n=10, weights=1)
    ✗ evaluations = 121 is not correct. Hint: A grid with n values per axis has n points per axis, not n + 1 (np.linspace(a, b, n) gives n values).
    False
    """
    if not (whole_number(n, 1, 10**6) and whole_number(weights, 0, 10**4)):
        return _report(False, f"check_grid_evaluations: n must be a whole number from 1 to 10**6 and weights one from 0 "
                              f"to 10**4, got {n!r}, {weights!r}.")
    n, d = int(n), int(weights) + 1
    candidates = [
        Mistake(n ** (d - 1), "Count the bias too: it is a parameter, so the grid has one more axis."),
        Mistake(n * d, "The axes multiply, not add: every value of one parameter meets every value of the others."),
        Mistake(d ** n if n * math.log10(max(d, 2)) < 300 else None,
                "It is n to the power d (values per axis, raised to the number of axes), not d to the power n."),
        Mistake((n + 1) ** d, "A grid with n values per axis has n points per axis, not n + 1 (np.linspace(a, b, n) gives n values)."),
        Mistake(n ** (d + 1), "There is one axis per parameter: the weights and the one bias, no more."),
    ]
    expected = n ** d
    mistakes = [Mistake(float(m.answer), m.hint) for m in candidates if m.answer is not None and m.answer != expected
                and m.answer < 1e300]
    if expected >= 1e300:
        return _report(False, "check_grid_evaluations: n**(weights + 1) is too large to check.")
    return check_value(answer, float(expected), name=name, mistakes=mistakes, integer=True,
                       idea="Every parameter is one axis of the grid; count the points of a grid with n values on each axis.",
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


@never_raises
def check_mse_grid(candidate, name="my_mse_grid"):
    r"""Check ``my_mse_grid(x, y, w_values, b_values)``: the MSE of
    :math:`\hat y = wx + b` at every grid point, shape
    ``(len(b_values), len(w_values))``.

    >>> check_mse_grid(lambda x, y, w, b: np.zeros((len(w), len(b))))
    ✗ my_mse_grid([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [1.0, 2.0, 3.0], [0.0, 1.0]) returned shape (3, 2), expected shape (2, 3). Hint: Give b, w and the data one axis each (rows b, columns w, data last), so the predictions have shape (len(b), len(w), n); average the squared residuals over the data axis.
    False
    """
    return check_function(candidate, _reference_mse_grid, _cases(), name=name, mistakes=_MSE_GRID_MISTAKES,
                          rtol=1e-9, atol=1e-12,
                          idea="Evaluate the MSE of ŷ = w·x + b at every pair (b_values[j], w_values[k]) at once by broadcasting.",
                          hint="Give b, w and the data one axis each (rows b, columns w, data last), so the "
                               "predictions have shape (len(b), len(w), n); average the squared residuals over the data axis.")


def _best_slope(x, y, b):
    r"""The slope that minimises the MSE for a fixed intercept ``b``:
    :math:`w(b) = \big(\overline{xy} - b\,\bar x\big) / \overline{x^2}`."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float((np.mean(x * y) - b * np.mean(x)) / np.mean(x * x))


@never_raises
def check_best_slope(answer, x, y, b=1.0, tol=0.13, name="best_w"):
    r"""Check a slope read off the fit explorer: the best :math:`w` for the
    fixed intercept ``b``, within ``tol`` (about half a scrubber step: a
    value read off the explorer has no more digits to give).

    On made-up data (not the exercise's):

    >>> x, y = np.array([-1.0, 0.0, 1.0]), np.array([-1.0, 1.0, 3.0])
    >>> check_best_slope(2.0, x, y, b=1.0)
    ✓ best_w is correct.
    True
    """
    if not (finite_real(b) and finite_real(tol)) or float(tol) <= 0:
        return _report(False, f"check_best_slope: b and tol must be numbers (tol > 0), got {b!r}, {tol!r}.")
    try:
        target = _best_slope(x, y, b)
        overall = grid_search.least_squares_line(x, y)[0]
        if not (np.isfinite(target) and np.isfinite(overall)):
            raise ValueError
    except Exception as error:
        return _report(False, f"check_best_slope: the data could not be read ({type(error).__name__}).")
    tol = float(tol)
    mistakes = []
    if abs(overall - target) > 2 * tol:
        mistakes.append(Mistake(overall, f"That is the slope of the overall minimum; keep the intercept at b = {b:g} and "
                                         "find the lowest point along that horizontal line of the contour plot."))
    numbers = _as_numbers(answer)
    if numbers is not None and numbers.shape == () and tol < abs(float(numbers) - target) <= 2.5 * tol:
        # one scrubber step off: the neighbour on the other side of the best w has the smaller loss
        mistakes.append(Mistake(float(numbers), "Close, but a neighbouring value gives a smaller loss: compare the loss "
                                                "in the title at the values on both sides of yours."))
    return check_value(answer, target, name=name, mistakes=mistakes, rtol=0.0, atol=tol,
                       idea="The contour plot's lowest point along the horizontal line b = const.",
                       hint=f"Keep b = {b:g}, move w in both directions, and watch the loss in the right panel's "
                            "title: the best w gives the smallest value, and its neighbours on both sides give larger ones.")
