r"""Fast kernels behind :func:`bpcore.landscape.loss_grid` for a linear model
:math:`\hat y = w x + b` (numpy only).

**MSE** is a quadratic in :math:`(w, b)`, fixed by five moments of the data:
the means :math:`\bar x, \bar y` and the centred second moments
:math:`V_{xx}, V_{xy}, V_{yy}`.  Completing the square,

.. math::

    \tfrac1n\sum_i (w x_i + b - y_i)^2
    = V_{xx}\,(w - w^\ast)^2 \;+\; (w \bar x + b - \bar y)^2 \;+\; V_{\mathrm{res}},
    \qquad w^\ast = V_{xy}/V_{xx},

with :math:`V_{\mathrm{res}}` the mean squared residual of the least-squares
line.  :math:`V_{\mathrm{res}}` equals :math:`V_{yy} - V_{xy}^2/V_{xx}`
algebraically, but that difference of two nearly equal numbers loses every
digit when the line fits almost perfectly (it can even come out negative);
:func:`mse_moments` computes it instead as the mean of the squared centred
residuals :math:`(e_i - w^\ast a_i)^2`, :math:`a = x - \bar x`,
:math:`e = y - \bar y`.  The grid formula then adds three non-negative
terms (and a cross term that is zero up to rounding), at a cost of a few
flops per grid point instead of :math:`3n`.  The tests and chapter 2 measure
its error against exact rational arithmetic (:func:`bpcore.grid_search.exact_mse_grid`):
on well-scaled data it is as small as the direct sum's.

**MAE and Huber** are piecewise in the residual, so no finite set of moments
fixes them.  For one :math:`w` the residuals are :math:`c_i + b` with
:math:`c_i = w x_i - y_i`; sorting the :math:`c_i` once per column, the
residuals below, inside and above any threshold are contiguous runs, and
prefix sums of :math:`c` and :math:`c^2` give each run's sum in O(1).  A
column of :math:`m` values of :math:`b` costs one sort,
:math:`O(n \log n)`, plus :math:`O(m \log n)` binary searches, instead of
:math:`O(mn)`.  Each column is centred on its median first, so the prefix
sums hold small numbers near the minimum, where the loss is small too.
"""

import numpy as np

__all__ = ["mse_moments", "mse_grid", "abs_grid", "huber_grid"]


def mse_moments(x, y):
    r"""The five moments that fix the MSE of :math:`wx + b`:
    ``(x_mean, y_mean, v_xx, w_star, v_res)`` plus the tiny means of the
    centred data (``a_mean``, ``e_mean``: zero up to rounding) that keep the
    decomposition exact in floating point.

    >>> m = mse_moments(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    >>> [round(float(v), 6) for v in m[:5]]
    [1.0, 3.0, 0.666667, 2.0, 0.0]
    """
    x_mean, y_mean = x.mean(), y.mean()
    a, e = x - x_mean, y - y_mean
    v_xx = np.mean(a * a)
    w_star = np.mean(a * e) / v_xx if v_xx > 0 else 0.0
    v_res = np.mean((e - w_star * a) ** 2)
    return x_mean, y_mean, v_xx, w_star, v_res, a.mean(), e.mean()


def mse_grid(x, y, w_values, b_values):
    r"""MSE of :math:`w x + b` on the grid, shape ``(len(b), len(w))``, from
    the moments (see the module docstring).

    >>> mse_grid(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    array([[4.66666667, 1.        ],
           [1.66666667, 0.        ]])
    """
    x_mean, y_mean, v_xx, w_star, v_res, a_mean, e_mean = mse_moments(x, y)
    slope = v_xx * (w_values - w_star) ** 2 + v_res                 # per column
    offset = w_values * x_mean - y_mean                              # per column
    shift = b_values[:, None] + offset[None, :]                     # w x̄ + b − ȳ
    # mean((w a - e) + shift)^2 = mean((w a - e)^2) + 2 shift mean(w a - e) + shift^2;
    # the middle term is zero up to rounding (mean(a) = mean(e) = 0) but kept exact.
    cross = 2.0 * (w_values * a_mean - e_mean)
    return slope[None, :] + shift * (shift + cross[None, :])


def _sorted_columns(x, y, w_values):
    """Per value of w: the sorted, median-centred c = w x - y, its median, and
    prefix sums of c and c² (with a leading 0)."""
    c = np.sort(np.multiply.outer(w_values, x) - y, axis=1)          # (len(w), n)
    n = x.size
    median = 0.5 * (c[:, (n - 1) // 2] + c[:, n // 2])
    c -= median[:, None]
    zeros = np.zeros((len(w_values), 1))
    prefix = np.concatenate([zeros, np.cumsum(c, axis=1)], axis=1)
    prefix_sq = np.concatenate([zeros, np.cumsum(c * c, axis=1)], axis=1)
    return c, median, prefix, prefix_sq


def _counts_below(c_sorted, thresholds, side):
    """For each column k and threshold t[j, k]: how many c[k, :] lie below t
    (``side='left'``: c < t; ``'right'``: c <= t).  Shape of ``thresholds``."""
    out = np.empty(thresholds.shape, dtype=np.intp)
    for k in range(c_sorted.shape[0]):       # one binary search per column: O(m log n)
        out[:, k] = np.searchsorted(c_sorted[k], thresholds[:, k], side=side)
    return out


def _take(prefix, counts):
    """prefix[k, counts[j, k]] for every (j, k)."""
    return np.take_along_axis(prefix, counts.T, axis=1).T


def abs_grid(x, y, w_values, b_values):
    r"""MAE of :math:`w x + b` on the grid by sorted residuals and prefix sums.

    With :math:`c` sorted and :math:`k` of them below :math:`-b`,
    :math:`\sum_i |c_i + b| = (P_n - P_k) - P_k + (n - 2k)\,b`.

    >>> abs_grid(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]), np.array([2.0]), np.array([-1.0, 0.0, 1.0]))
    array([[2.],
           [1.],
           [0.]])
    """
    n = x.size
    c, median, prefix, _ = _sorted_columns(x, y, w_values)
    b = b_values[:, None] + median[None, :]                            # b', centred with c
    k = _counts_below(c, -b, side="left")
    total = prefix[:, -1][None, :]
    below = _take(prefix, k)
    return ((total - below) - below + (n - 2 * k) * b) / n


def huber_grid(x, y, w_values, b_values, delta):
    r"""Huber loss of :math:`w x + b` on the grid by sorted residuals and
    prefix sums: with :math:`r_i = c_i + b`, the residuals below
    :math:`-\delta` contribute :math:`\delta(-r_i - \delta/2)`, those in
    :math:`[-\delta, \delta]` contribute :math:`\tfrac12 r_i^2`, those above
    :math:`\delta(r_i - \delta/2)`; each run's sum comes from prefix sums of
    :math:`c` and :math:`c^2`.

    >>> huber_grid(np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([1.0]), np.array([0.5, 3.0]), 1.0)
    array([[0.125],
           [2.5  ]])
    """
    n = x.size
    c, median, prefix, prefix_sq = _sorted_columns(x, y, w_values)
    b = b_values[:, None] + median[None, :]
    lo = _counts_below(c, -b - delta, side="left")                   # r < -delta
    hi = _counts_below(c, -b + delta, side="right")                  # r <= delta
    p_lo, p_hi, p_n = _take(prefix, lo), _take(prefix, hi), prefix[:, -1][None, :]
    q_lo, q_hi = _take(prefix_sq, lo), _take(prefix_sq, hi)
    m = hi - lo
    # sum over the middle run of (c + b)^2 = sum c^2 + 2 b sum c + m b^2
    middle = 0.5 * ((q_hi - q_lo) + 2.0 * b * (p_hi - p_lo) + m * b * b)
    left = delta * (-(p_lo + lo * b) - lo * (0.5 * delta))
    right = delta * ((p_n - p_hi) + (n - hi) * b - (n - hi) * (0.5 * delta))
    return (left + middle + right) / n
