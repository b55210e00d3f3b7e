r"""Chapter 2's numbers: the course notes' (w, b) table, the least-squares line, the
cost of brute-force grid search, and the kinds of critical points (numpy only).

* :func:`notes_table` recomputes the course notes' four-row table from a stated model;
* :func:`least_squares_line` is the minimum of the MSE bowl in closed form;
* :func:`grid_search` evaluates a batched loss at all :math:`n^d` points of a
  grid (the brute force that gradient descent replaces), and
  :func:`linear_mse_batch` is such a loss;
* :func:`local_minima_1d` and :func:`classify_critical_point` name what a
  curve or a Hessian shows; :func:`swap_hidden_units` builds the second,
  equally good minimum every network with two hidden units has.
"""


import math

import numpy as np

from ._checks import MAX_ELEMENTS, as_array, as_float64, check_callable, check_size, integer, real_number
from ._grid_kernels import mse_moments

__all__ = ["notes_table", "least_squares_line", "exact_mse_grid", "linear_mse_batch", "grid_search", "grid_evaluations",
           "local_minima_1d", "classify_critical_point", "swap_hidden_units"]


#: Most points :func:`grid_search` evaluates in one call.
MAX_EVALUATIONS = 10**9


def _vector(values, name, min_size=1):
    arr = as_float64(values, name)
    if arr.ndim != 1 or arr.size < min_size or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a 1-D array of at least {min_size} finite numbers, got shape {arr.shape}")
    return arr


def _positive_int(value, name):
    return integer(value, name, minimum=1)


def notes_table(w_values=(1.0, 2.0), b_values=(1.0, 2.0), x=1.0, y=-1.0):
    r"""Rows ``(w, b, L)`` of the signed error :math:`L = \hat y - y` of the
    model :math:`\hat y = w x + b` on one example ``(x, y)``, for every
    ``b`` (outer loop) and ``w`` (inner loop).

    With :math:`x = 1, y = -1` this is :math:`L = w + b + 1`, the table of the
    course notes the book grew from.

    >>> notes_table()
    [(1.0, 1.0, 3.0), (2.0, 1.0, 4.0), (1.0, 2.0, 4.0), (2.0, 2.0, 5.0)]
    """
    w_values, b_values = _vector(w_values, "w_values"), _vector(b_values, "b_values")
    x, y = real_number(x, "x"), real_number(y, "y")
    return [(float(w), float(b), float(w * x + b - y)) for b in b_values for w in w_values]


def least_squares_line(x, y):
    r"""The minimum :math:`(w^\ast, b^\ast)` of :math:`\tfrac1n\sum_i (w x_i + b - y_i)^2`:

    .. math:: w^\ast = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sum_i (x_i - \bar x)^2},
              \qquad b^\ast = \bar y - w^\ast \bar x .

    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    """
    x, y = _vector(x, "x", 2), _vector(y, "y", 2)
    if x.shape != y.shape:
        raise ValueError(f"x has shape {x.shape} but y has shape {y.shape}; they must match")
    if np.all(x == x[0]):
        raise ValueError("x must not be constant: with one distinct input the minimum is a whole line, not a point")
    # The line does not depend on the units: solve for x / sx and y / sy (entries below 2, so the
    # squares neither overflow for x near 1e200 nor underflow to 0 for x near 1e-200), then scale back.
    # Powers of two, so the scaling itself is exact.
    sx, sy = (float(np.ldexp(0.5, int(np.frexp(np.max(np.abs(v)))[1]))) if np.any(v) else 1.0 for v in (x, y))
    x_mean, y_mean, v_xx, w_star, _, _, _ = mse_moments(x / sx, y / sy)
    if not v_xx > 0:   # distinct but so close that their spread rounds to 0
        raise ValueError("x must not be constant: its values differ by less than float64 can resolve")
    return float(w_star * (sy / sx)), float(sy * (y_mean - w_star * x_mean))


#: The most squared residuals :func:`exact_mse_grid` computes in one call (pure Python, ~1 µs each).
EXACT_TERMS = 1_000_000


def exact_mse_grid(x, y, w_values, b_values):
    r"""The MSE of :math:`\hat y = w x + b` at every grid point, computed in
    exact rational arithmetic (Python's ``fractions.Fraction``) from the float
    inputs and rounded once at the end: the reference against which the
    floating-point methods of :func:`bpcore.landscape.loss_grid` are measured.
    Shape ``(len(b_values), len(w_values))``, as ``loss_grid``. Slow (pure
    Python): meant for a few hundred points; at most ``EXACT_TERMS``
    squared residuals (grid points times data points) per call. A loss
    beyond the largest float64 is ``inf``, as rounding gives it.

    >>> exact_mse_grid([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], [2.0, 1.0], [1.0, 0.0])
    array([[0.        , 1.66666667],
           [1.        , 4.66666667]])
    """
    from fractions import Fraction

    x, y = _vector(x, "x"), _vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x has shape {x.shape} but y has shape {y.shape}; they must match")
    w_values, b_values = _vector(w_values, "w_values"), _vector(b_values, "b_values")
    check_size(w_values.size * b_values.size * x.size, "len(w_values) * len(b_values) * len(x) (exact terms)",
               limit=EXACT_TERMS)
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    n = len(xs)

    def mse(w, b):
        w, b = Fraction(float(w)), Fraction(float(b))
        exact = sum((w * xi + b - yi) ** 2 for xi, yi in zip(xs, ys)) / n
        try:
            return float(exact)
        except OverflowError:      # beyond the largest float64: rounds to inf
            return math.inf

    return np.array([[mse(w, b) for w in w_values] for b in b_values])


def linear_mse_batch(X, y):
    r"""A batched loss for grid search: ``f(thetas)`` with ``thetas`` of shape
    ``(m, d + 1)`` (``d`` weights, then the bias) returns the ``m`` values

    .. math:: L(\theta) = \tfrac1n \lVert X w + b - y \rVert^2 .

    >>> f = linear_mse_batch(np.array([[0.0], [1.0]]), np.array([1.0, 3.0]))
    >>> f(np.array([[2.0, 1.0], [0.0, 0.0]]))
    array([0., 5.])
    """
    X = as_float64(X, "X")
    y = _vector(y, "y")
    if X.ndim != 2 or X.shape[0] != y.size:
        raise ValueError(f"X must have shape (n, d) with n = len(y) = {y.size}, got shape {X.shape}")

    def f(thetas):
        thetas = as_float64(thetas, "thetas")
        if thetas.ndim != 2 or thetas.shape[1] != X.shape[1] + 1:
            raise ValueError(f"thetas must have shape (m, {X.shape[1] + 1}) (the weights, then the bias), "
                             f"got shape {thetas.shape}")
        predictions = thetas[:, :-1] @ X.T + thetas[:, -1:]      # (m, n)
        return np.mean((predictions - y) ** 2, axis=1)

    return f


def grid_evaluations(n, d):
    r"""How many loss evaluations a grid search with ``n`` values per
    parameter needs for ``d`` parameters: :math:`n^d` (an exact integer).

    The count must have at most 100,000 decimal digits (``10**100000``): a
    larger power takes Python very long to compute and cannot be a count.

    >>> grid_evaluations(10, 3)
    1000
    """
    n, d = _positive_int(n, "n"), _positive_int(d, "d")
    if d * np.log10(n) > 100_000:
        raise ValueError(f"grid_evaluations: n**d has about {d * np.log10(n):.3g} digits, more than the "
                         f"100000 this function computes (n={n}, d={d})")
    return n**d


def grid_search(batch_loss, lows, highs, n, chunk=20_000):
    r"""Brute force: evaluate ``batch_loss`` at all :math:`n^d` points of the
    grid with ``n`` values per coordinate between ``lows`` and ``highs``, and
    return ``(best_point, best_loss, evaluations)``.

    ``batch_loss`` maps an array of points ``(m, d)`` to ``m`` losses;
    the points are visited ``chunk`` at a time so memory stays bounded.
    A point where the loss is NaN (undefined there) is skipped; if it is
    NaN everywhere, that is a ValueError. At most ``MAX_EVALUATIONS``
    (``10**9``) points.

    >>> best, loss, count = grid_search(lambda p: ((p - 0.5) ** 2).sum(axis=1), [0, 0], [1, 1], 3)
    >>> best.tolist(), loss, count
    ([0.5, 0.5], 0.0, 9)
    """
    check_callable(batch_loss, "batch_loss")
    lows, highs = _vector(lows, "lows"), _vector(highs, "highs")
    if lows.shape != highs.shape:
        raise ValueError(f"lows has shape {lows.shape} but highs has shape {highs.shape}")
    n = _positive_int(n, "n")
    chunk = min(_positive_int(chunk, "chunk"), MAX_ELEMENTS // max(1, lows.size))
    if lows.size * np.log10(n) > np.log10(MAX_EVALUATIONS):
        raise ValueError(f"grid_search: n**d = {n}**{lows.size} points, more than the {MAX_EVALUATIONS:.0e} "
                         "one call evaluates")
    axes = np.array([np.linspace(lo, hi, n) for lo, hi in zip(lows, highs)])   # (d, n)
    d, total = len(axes), n ** len(axes)
    best_point, best_loss, count = None, np.inf, 0
    for start in range(0, total, chunk):
        flat = np.arange(start, min(start + chunk, total))
        index = np.unravel_index(flat, (n,) * d)                  # the grid point of each flat index
        block = axes[np.arange(d)[:, None], np.array(index)].T     # (m, d)
        losses = as_float64(batch_loss(block), "batch_loss's result")
        if losses.shape != (len(block),):
            raise ValueError(f"batch_loss must return shape ({len(block)},), got shape {losses.shape}")
        count += len(block)
        if np.all(np.isnan(losses)):
            continue
        i = int(np.nanargmin(losses))
        if best_point is None or losses[i] < best_loss:
            best_point, best_loss = block[i], float(losses[i])
    if best_point is None:
        raise ValueError("grid_search: batch_loss returned NaN at every point of the grid")
    return best_point, best_loss, count


def local_minima_1d(values):
    r"""Indices :math:`i` of the strict interior local minima of a sampled
    curve: :math:`v_{i-1} > v_i < v_{i+1}`.

    >>> local_minima_1d([3.0, 1.0, 2.0, 0.5, 4.0])
    [1, 3]
    """
    v = _vector(values, "values", 3)
    inner = (v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])
    return [int(i) + 1 for i in np.flatnonzero(inner)]


def classify_critical_point(hessian, tol=1e-12):
    r"""What a critical point is, from the eigenvalues :math:`\lambda_i` of its
    Hessian (eq-hessian-test), with :math:`|\lambda_i| \le` ``tol`` counted as zero:

    * ``"saddle"`` if some :math:`\lambda_i > 0` and some :math:`\lambda_j < 0`,
      whatever the others: the loss rises along one eigenvector and falls
      along another, so the point is neither a minimum nor a maximum;
    * ``"minimum"`` if all :math:`\lambda_i > 0`, ``"maximum"`` if all
      :math:`< 0`;
    * ``"flat"`` otherwise (some :math:`\lambda_i = 0`, the rest of one sign
      or none): the second derivatives do not decide, higher-order terms do.

    >>> classify_critical_point([[2.0, 0.0], [0.0, -1.0]])
    'saddle'
    >>> classify_critical_point(np.diag([1.0, -1.0, 0.0]))
    'saddle'
    >>> classify_critical_point(np.diag([1.0, 0.0]))
    'flat'
    """
    H = as_float64(hessian, "hessian")
    tol = real_number(tol, "tol", finite=False)
    if H.ndim != 2 or H.shape[0] != H.shape[1] or not np.all(np.isfinite(H)):
        raise ValueError(f"hessian must be a finite square matrix, got shape {H.shape}")
    if H.size == 0:
        raise ValueError("hessian is empty (shape (0, 0)): a critical point needs at least one parameter")
    lam = np.linalg.eigvalsh((H + H.T) / 2)
    up, down = np.any(lam > tol), np.any(lam < -tol)
    if up and down:
        return "saddle"
    if np.any(np.abs(lam) <= tol):
        return "flat"
    return "minimum" if up else "maximum"


def swap_hidden_units(params, i, j):
    r"""The parameters of the same network with hidden units ``i`` and ``j``
    of its first hidden layer swapped: ``params = [W1, b1, W2, ...]`` with
    ``W1`` of shape ``(n_in, h)``, ``b1`` ``(h,)``, ``W2`` ``(h, n_out)``.
    The swapped network computes exactly the same function, so it has the
    same loss: every minimum of a network's loss has such twins.

    >>> W1, b1, W2 = np.array([[1.0, 2.0]]), np.array([0.1, 0.2]), np.array([[3.0], [4.0]])
    >>> [p.ravel().tolist() for p in swap_hidden_units([W1, b1, W2], 0, 1)]
    [[2.0, 1.0], [0.2, 0.1], [4.0, 3.0]]
    """
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list [W1, b1, W2, ...], got {type(params).__name__}")
    arrays = [np.array(as_float64(p, f"params[{k}]")) for k, p in enumerate(params)]
    if len(arrays) < 3 or arrays[0].ndim != 2 or arrays[1].ndim != 1 or arrays[2].ndim != 2:
        raise ValueError("params must start with W1 (n_in, h), b1 (h,), W2 (h, n_out)")
    h = arrays[0].shape[1]
    if arrays[1].shape != (h,) or arrays[2].shape[0] != h:
        raise ValueError(f"W1, b1, W2 disagree on the hidden width: {[a.shape for a in arrays[:3]]}")
    for name, k in (("i", i), ("j", j)):
        if not 0 <= integer(k, name) < h:
            raise ValueError(f"hidden unit indices must be integers in 0..{h - 1}, got {name}={k!r}")
    order = np.arange(h)
    order[[i, j]] = order[[j, i]]
    arrays[0], arrays[1], arrays[2] = arrays[0][:, order], arrays[1][order], arrays[2][order, :]
    return arrays
