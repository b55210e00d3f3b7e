r"""Gradient checking: compare an analytic gradient with finite differences.

A hand-derived gradient (or an autodiff engine) can be wrong in ways that
still train, slowly. The cure is cheap: nudge each input by :math:`\pm h`
and watch the function,

.. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h},

whose error is :math:`O(h^2)` (one-sided differences are only :math:`O(h)`).

>>> import numpy as np
>>> result = check_grad(lambda x: float(np.sum(x ** 3)), lambda x: 3 * x ** 2, np.array([1.0, -2.0]))
>>> result.passed
True
"""

import numbers
from dataclasses import dataclass

import numpy as np

from ._checks import as_array, as_float64, check_callable, check_finite, real_number

__all__ = ["numerical_grad", "rel_error", "check_grad", "GradCheckResult", "TINY"]

#: Floor of the denominator in :func:`rel_error`, so two exact zeros compare as error 0.
TINY = np.finfo(np.float64).tiny


def _is_number(x):
    """A real number, a real numpy scalar or a 0-d array (not a bool, a string or a complex)."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _positive(value, name):
    value = real_number(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return value


def _value(y, where):
    """What ``f`` returned, as a float; anything but one real number is an error."""
    data = y.data if hasattr(y, "_backward") else y   # a Tensor
    arr = as_float64(data, f"f's result {where}")
    if arr.size != 1:
        raise ValueError(f"f must return one number, but returned shape {arr.shape} {where}; reduce it, e.g. .sum()")
    return float(arr.reshape(()))


def numerical_grad(f, x, eps=1e-6):
    r"""Central-difference gradient :math:`\frac{f(x+h e_i)-f(x-h e_i)}{2h}` with :math:`h` = ``eps``.

    ``f`` maps ``x`` (a float or an array) to a number. Returns a float for a
    float ``x``, otherwise an array of ``x``'s shape. ``x`` is never modified
    (``f`` sees a float64 copy). Costs ``2 * x.size`` calls of ``f``.

    >>> round(numerical_grad(lambda w: 0.5 * (3.0 - (w - 0.5)) ** 2, 2.0), 6)
    -1.5
    """
    check_callable(f, "f")
    eps = _positive(eps, "eps")
    if _is_number(x):
        x = real_number(x, "x")
        return (_value(f(x + eps), "at x + eps") - _value(f(x - eps), "at x - eps")) / (2.0 * eps)
    xp = np.array(as_array(x, "x", nonempty=False, finite=True), dtype=np.float64)  # our own copy; empty x: empty gradient
    g = np.empty_like(xp)
    for i in np.ndindex(xp.shape):
        original = xp[i]
        xp[i] = original + eps
        f_plus = _value(f(xp), f"at x + eps e_{i}")
        xp[i] = original - eps
        f_minus = _value(f(xp), f"at x - eps e_{i}")
        xp[i] = original
        g[i] = (f_plus - f_minus) / (2.0 * eps)
    return g


def rel_error(a, b):
    r"""Largest elementwise relative error :math:`\max_i \frac{|a_i-b_i|}{\max(|a_i|+|b_i|,\ \text{tiny})}`.

    The result lies in [0, 1]: 0 for equal values, 1 when the signs are
    opposite or exactly one of them is 0. ``tiny`` is :data:`TINY` (the
    smallest normal float64), so 0 vs 0 gives 0. Shapes must match.

    >>> rel_error(1.0, 3.0)   # 2 / 4
    0.5
    >>> rel_error(0.0, 0.0)
    0.0
    >>> rel_error(1.5e308, -1.5e308)   # no overflow: opposite signs give 1
    1.0
    """
    a, b = as_float64(a, "a"), as_float64(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; shapes must match")
    if a.size == 0:
        return 0.0
    check_finite(a, "a")
    check_finite(b, "b")
    return float(np.max(_rel_errors(a, b)))


def _rel_errors(a, b):
    """Elementwise :math:`|a-b| / \\max(|a|+|b|, \\text{tiny})` without overflow.

    Near the float64 limit ``a - b`` and ``|a| + |b|`` overflow (1.5e308 vs
    -1.5e308 would give inf/inf = nan); there both are computed from halves,
    which changes nothing else (halving is exact for normal numbers).
    """
    a, b = np.atleast_1d(a), np.atleast_1d(b)
    with np.errstate(over="ignore", invalid="ignore"):
        difference, size = np.abs(a - b), np.abs(a) + np.abs(b)
        errors = difference / np.maximum(size, TINY)
    big = ~(np.isfinite(difference) & np.isfinite(size))
    if big.any():
        ha, hb = a[big] / 2.0, b[big] / 2.0
        errors[big] = np.abs(ha - hb) / (np.abs(ha) + np.abs(hb))
    return errors


@dataclass(frozen=True)
class GradCheckResult:
    """What :func:`check_grad` found. True in a boolean context iff the check passed."""

    error: float  #: rel_error(analytic, numeric)
    abs_error: float  #: the largest absolute difference, :math:`\max |a - n|`
    passed: bool
    analytic: np.ndarray
    numeric: np.ndarray
    message: str

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self.message


def check_grad(f, grad_f, x, tol=1e-6, atol=1e-8, eps=1e-6):
    r"""Check ``grad_f(x)`` against :func:`numerical_grad` of ``f`` at ``x``.

    Passes when the relative error :math:`\le` ``tol`` or the absolute error
    :math:`\le` ``atol`` (the second covers true zeros, where finite
    differences leave about :math:`10^{-10}|f|` of rounding noise and any
    relative error is meaningless). On failure ``message`` lists the worst
    entries, analytic next to numeric.

    >>> bad = check_grad(lambda w: w ** 2, lambda w: w, 3.0)   # forgot the 2
    >>> bool(bad)
    False
    >>> print(bad)   # doctest: +NORMALIZE_WHITESPACE
    gradient check FAILED: rel. error 0.333 > tol 1e-06 (abs. error 3)
      index   analytic      numeric        rel. error
      ()      3             6              0.333
    """
    check_callable(grad_f, "grad_f")
    tol, atol = _positive(tol, "tol"), real_number(atol, "atol")
    if atol < 0:
        raise ValueError(f"atol must be >= 0, got {atol!r}")
    numeric = np.asarray(numerical_grad(f, x, eps=eps), dtype=np.float64)
    result = grad_f(x)
    analytic = as_float64(result.data if hasattr(result, "_backward") else result, "grad_f(x)")
    if analytic.shape != numeric.shape:
        raise ValueError(f"grad_f(x) has shape {analytic.shape} but x has shape {numeric.shape}")
    for values, which in ((analytic, "analytic"), (numeric, "numeric")):
        if not np.all(np.isfinite(values)):
            where = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0]) if values.ndim else ()
            message = (f"gradient check FAILED: the {which} gradient is {values[where]} at index {where} "
                       f"(f or grad_f overflows or divides by zero at x)")
            return GradCheckResult(1.0, float("inf"), False, analytic, numeric, message)
    with np.errstate(over="ignore"):
        abs_error = float(np.max(np.abs(analytic - numeric), initial=0.0))
    error = rel_error(analytic, numeric)
    passed = bool(error <= tol or abs_error <= atol)
    if passed:
        message = f"gradient check passed: rel. error {error:.3g} (abs. error {abs_error:.3g})"
    else:
        per_entry = _rel_errors(analytic, numeric).reshape(analytic.shape)
        # Worst first, by the 3 digits shown: equal errors that differ only in
        # their last bits (which vary by CPU) keep index order.
        shown = np.array([float(f"{e:.3g}") for e in per_entry.flat])
        worst = np.argsort(-shown, kind="stable")[:10]
        rows = [f"  {str(tuple(int(i) for i in np.unravel_index(k, analytic.shape))):<7} "
                f"{analytic.flat[k]:<14.6g} {numeric.flat[k]:<14.6g} {per_entry.flat[k]:.3g}" for k in worst]
        message = "\n".join([
            f"gradient check FAILED: rel. error {error:.3g} > tol {tol:g} (abs. error {abs_error:.3g})",
            f"  {'index':<7} {'analytic':<14} {'numeric':<14} rel. error", *rows])
    return GradCheckResult(error, abs_error, passed, analytic, numeric, message)
