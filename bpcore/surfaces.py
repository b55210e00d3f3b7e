r"""Two-dimensional test surfaces for watching optimizers move.

Each surface is an object :math:`f: \mathbb{R}^2 \to \mathbb{R}` with an
analytic gradient and Hessian, its known critical points, and a plotting
window:

* ``value(xy)``: ``xy`` is one point of shape ``(2,)`` (returns a float) or
  a stack of points of shape ``(..., 2)`` (returns an array of shape
  ``(...)``), so a whole grid is evaluated in one vectorised call.
  ``surface(xy)`` is the same as ``surface.value(xy)``.
* ``grad(xy)``: shape ``(2,)`` or ``(..., 2)``, like ``xy``.
* ``hessian(xy)``: shape ``(2, 2)`` or ``(..., 2, 2)``.
* ``minima`` (global minimum first) and ``saddles``: lists of ``(2,)`` arrays.
* ``bounds``: ``((x_min, x_max), (y_min, y_max))`` for plots, and
  ``grid(n)`` -> ``(X, Y, Z)`` in meshgrid ``'xy'`` order, ready for
  ``plt.contour(X, Y, Z)``.

>>> from bpcore.surfaces import Rosenbrock
>>> f = Rosenbrock()
>>> f.value([1.0, 1.0]), f.grad([1.0, 1.0]).tolist()
(0.0, [0.0, 0.0])
>>> f.value([[0.0, 0.0], [1.0, 2.0]])   # two points at once
array([  1., 100.])
"""

import math

import numpy as np

from ._checks import as_float64, integer, real_number, to_float

#: Largest eigenvalue / coefficient a surface accepts: beyond it the value
#: overflows float64 within a few units of the minimum, so plots and descent
#: would show inf instead of the surface.
MAX_COEFFICIENT = 1e300

__all__ = ["Surface", "Quadratic", "Rosenbrock", "DoubleWell", "GaussianWells"]


def _points(xy, name="xy"):
    """``xy`` as a float64 array whose last axis has length 2."""
    points = as_float64(xy, name)   # no numeric strings, complex numbers, None or ragged lists
    if points.ndim == 0 or points.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (2,) or (..., 2), got shape {points.shape}")
    return points


def _number(name, value):
    """``value`` as a finite float (a 0-d array too): TypeError for a string, None, complex; ValueError for inf/NaN."""
    return real_number(value, name)


class Surface:
    """Base class: input checking, vectorisation and plotting helpers.

    A subclass implements ``_value(x, y)``, ``_grad(x, y)`` (returning the
    pair of partial derivatives) and ``_hessian(x, y)`` (returning
    ``(f_xx, f_xy, f_yy)``) for arrays ``x``, ``y`` of equal shape, and sets
    ``minima``, ``saddles`` and ``bounds``.
    """

    minima = ()
    saddles = ()
    bounds = ((-1.0, 1.0), (-1.0, 1.0))

    def value(self, xy):
        r"""The value :math:`f(x, y)`; a float for one point."""
        p = _points(xy)
        v = self._value(p[..., 0], p[..., 1])
        return float(v) if p.ndim == 1 else v

    __call__ = value

    def grad(self, xy):
        r"""The gradient :math:`\nabla f = (\partial f/\partial x, \partial f/\partial y)`."""
        p = _points(xy)
        gx, gy = self._grad(p[..., 0], p[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1)

    def hessian(self, xy):
        r"""The Hessian :math:`\begin{pmatrix} f_{xx} & f_{xy} \\ f_{xy} & f_{yy}\end{pmatrix}`."""
        p = _points(xy)
        fxx, fxy, fyy = np.broadcast_arrays(*self._hessian(p[..., 0], p[..., 1]))
        return np.stack([np.stack([fxx, fxy], -1), np.stack([fxy, fyy], -1)], -2)

    def grid(self, n=201):
        """``(X, Y, Z)`` on an ``n`` x ``n`` grid over ``bounds`` (meshgrid 'xy')."""
        n = integer(n, "n (an n x n grid)", minimum=2, maximum=100_000)
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self._value(X, Y)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def _params(self):
        return {}


class Quadratic(Surface):
    r"""A quadratic bowl :math:`f(p) = \tfrac12 (p - c)^\top A (p - c)`.

    :math:`A` is symmetric positive definite, so the only critical point is
    the minimum :math:`c` with :math:`f(c) = 0`;
    :math:`\nabla f = A(p - c)`, Hessian :math:`A`.  Built either from
    ``A`` or from ``condition`` (the ratio
    :math:`\kappa = \lambda_{\max}/\lambda_{\min}` of its eigenvalues):
    eigenvalues :math:`1` and :math:`\kappa` (times ``scale``), with the
    steep direction along :math:`y` rotated by ``angle`` radians.

    Gradient descent with step :math:`\eta` converges on it exactly when
    :math:`\eta < 2/\lambda_{\max}` (``max_stable_lr``); the larger
    :math:`\kappa`, the slower the flat direction converges at that step.

    >>> f = Quadratic(condition=10)
    >>> f.eigenvalues.tolist(), f.max_stable_lr
    ([1.0, 10.0], 0.2)
    >>> f.value([1.0, 1.0]), f.grad([1.0, 1.0]).tolist()
    (5.5, [1.0, 10.0])
    """

    def __init__(self, condition=10.0, angle=0.0, scale=1.0, center=(0.0, 0.0), A=None):
        if A is None:
            condition = _number("condition", condition)
            angle = _number("angle", angle)
            scale = _number("scale", scale)
            if not condition >= 1.0:
                raise ValueError(f"condition must be a finite number >= 1, got {condition!r}")
            if not scale > 0.0:
                raise ValueError(f"scale must be positive and finite, got {scale!r}")
            if scale * condition > MAX_COEFFICIENT:
                raise ValueError(f"scale * condition (the largest eigenvalue) must be at most {MAX_COEFFICIENT:g}, so "
                                 f"that f stays finite near its minimum; got scale={scale!r}, condition={condition!r}")
            c, s = math.cos(angle), math.sin(angle)
            R = np.array([[c, -s], [s, c]])
            A = R @ np.diag([scale, scale * condition]) @ R.T
        A = np.array(as_float64(A, "A"))   # TypeError for strings, complex, objects
        if A.shape != (2, 2):
            raise ValueError(f"A must have shape (2, 2), got shape {A.shape}")
        if not np.all(np.isfinite(A)) or not np.allclose(A, A.T, rtol=1e-12, atol=0):
            raise ValueError(f"A must be finite and symmetric, got {A.tolist()}")
        A = A / 2 + A.T / 2   # not (A + A.T) / 2: the sum overflows for entries near 1e308
        if np.abs(A).max() > MAX_COEFFICIENT:
            raise ValueError(f"A's entries (scale * condition) must be at most {MAX_COEFFICIENT:g}, so that f stays "
                             f"finite near its minimum; got {np.abs(A).max():g}")
        eigenvalues = np.linalg.eigvalsh(A)
        if eigenvalues[0] <= 0:
            raise ValueError(f"A must be positive definite; its eigenvalues are {eigenvalues.tolist()}")
        self.A = A
        self.eigenvalues = eigenvalues
        self.condition = float(eigenvalues[1] / eigenvalues[0])
        if center is None or isinstance(center, (str, bytes, complex)):
            raise TypeError(f"center must be 2 finite numbers, got {type(center).__name__} {center!r:.40}")
        try:
            self.center = np.array(as_float64(center, "center"))
        except ValueError:
            raise ValueError(f"center must be 2 finite numbers, got {center!r:.40}") from None
        if self.center.shape != (2,) or not np.all(np.isfinite(self.center)):
            raise ValueError(f"center must be 2 finite numbers (shape (2,)), got shape {self.center.shape}: "
                             f"{self.center.tolist()!r}")
        self.minima = [self.center.copy()]
        self.saddles = []
        cx, cy = self.center
        self.bounds = ((cx - 3.0, cx + 3.0), (cy - 3.0, cy + 3.0))

    @property
    def max_stable_lr(self):
        r"""Largest step that does not diverge: :math:`2/\lambda_{\max}`."""
        return 2.0 / float(self.eigenvalues[1])

    def _params(self):
        return {"A": self.A.tolist(), "center": self.center.tolist()}

    def _value(self, x, y):
        (a, b), (_, d) = self.A
        u, v = x - self.center[0], y - self.center[1]
        return 0.5 * (a * u * u + 2.0 * b * u * v + d * v * v)

    def _grad(self, x, y):
        (a, b), (_, d) = self.A
        u, v = x - self.center[0], y - self.center[1]
        return a * u + b * v, b * u + d * v

    def _hessian(self, x, y):
        (a, b), (_, d) = self.A
        one = np.ones_like(x)
        return a * one, b * one, d * one


class Rosenbrock(Surface):
    r"""Rosenbrock's banana valley :math:`f(x, y) = (a - x)^2 + b\,(y - x^2)^2`.

    The global minimum :math:`(a, a^2)` with :math:`f = 0` lies at the
    bottom of a long, curved, flat-bottomed valley: easy to find the valley,
    slow to walk along it.

    .. math::

        \nabla f = \begin{pmatrix} 2(x - a) - 4 b x (y - x^2) \\ 2 b (y - x^2) \end{pmatrix}

    >>> f = Rosenbrock(a=1, b=100)
    >>> f.minima[0].tolist(), f.value([-1.2, 1.0])
    ([1.0, 1.0], 24.199999999999996)
    """

    def __init__(self, a=1.0, b=100.0):
        self.a, self.b = _number("a", a), _number("b", b)
        if not self.b > 0:
            raise ValueError(f"b must be positive and finite, got {b!r}")
        if abs(self.a) > 1e150 or self.b > MAX_COEFFICIENT:   # a**2 is the minimum's y coordinate
            raise ValueError(f"Rosenbrock needs |a| <= 1e150 and b <= {MAX_COEFFICIENT:g} (float64 range), "
                             f"got a={self.a!r}, b={self.b!r}")
        self.minima = [np.array([self.a, self.a**2])]
        self.saddles = []
        s = max(1.0, abs(self.a))
        self.bounds = ((-2.0 * s, 2.0 * s), (-1.0 * s * s, 3.0 * s * s))

    def _params(self):
        return {"a": self.a, "b": self.b}

    def _value(self, x, y):
        return (self.a - x) ** 2 + self.b * (y - x * x) ** 2

    def _grad(self, x, y):
        valley = y - x * x
        # 2(x - a), not -2(a - x): at the minimum the latter is -0.0
        return 2.0 * (x - self.a) - 4.0 * self.b * x * valley, 2.0 * self.b * valley

    def _hessian(self, x, y):
        b = self.b
        return 2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b * np.ones_like(x)


class DoubleWell(Surface):
    r"""A tilted double well :math:`f(x, y) = (x^2 - 1)^2 + t\,x + k\,y^2`.

    Two valleys near :math:`x = \pm 1` separated by a ridge.  The tilt
    :math:`t` makes them unequal: for :math:`t > 0` the left one is the
    global minimum (depth about :math:`-t`) and the right one a *local*
    minimum (about :math:`+t`).  Between them, on the ridge, sits a
    **saddle point**: a maximum along :math:`x` and a minimum along
    :math:`y`, where the gradient also vanishes.

    The critical points are :math:`y = 0` and the three real roots of
    :math:`\partial f/\partial x = 4x^3 - 4x + t = 0`, which exist when
    :math:`|t| < 8/(3\sqrt3) \approx 1.54`.

    >>> f = DoubleWell(tilt=0.5)
    >>> [round(f.value(m), 4) for m in f.minima]   # global first
    [-0.5148, 0.4833]
    >>> f.saddles[0].round(4).tolist()
    [0.1271, 0.0]
    """

    MAX_TILT = 8.0 / (3.0 * math.sqrt(3.0))

    def __init__(self, tilt=0.5, stiffness=1.0):
        self.tilt, self.stiffness = _number("tilt", tilt), _number("stiffness", stiffness)
        if not abs(self.tilt) < self.MAX_TILT:
            raise ValueError(
                f"tilt must satisfy |tilt| < {self.MAX_TILT:.4f} for two minima, got {tilt!r}"
            )
        if not (0 < self.stiffness <= MAX_COEFFICIENT):
            raise ValueError(f"stiffness must be positive and at most {MAX_COEFFICIENT:g}, got {stiffness!r}")
        roots = np.sort(np.roots([4.0, 0.0, -4.0, self.tilt]).real)
        for _ in range(3):  # polish the roots with Newton's method
            roots = roots - (4 * roots**3 - 4 * roots + self.tilt) / (12 * roots**2 - 4)
        left, middle, right = (np.array([r, 0.0]) for r in roots)
        self.minima = sorted([left, right], key=self.value)
        self.saddles = [middle]
        self.bounds = ((-2.0, 2.0), (-1.5, 1.5))

    def _params(self):
        return {"tilt": self.tilt, "stiffness": self.stiffness}

    def _value(self, x, y):
        return (x * x - 1.0) ** 2 + self.tilt * x + self.stiffness * y * y

    def _grad(self, x, y):
        return 4.0 * x * (x * x - 1.0) + self.tilt, 2.0 * self.stiffness * y

    def _hessian(self, x, y):
        return 12.0 * x * x - 4.0, np.zeros_like(x), 2.0 * self.stiffness * np.ones_like(x)


class GaussianWells(Surface):
    r"""Several Gaussian wells of different depths on a flat plateau (chapters 2 and 3).

    .. math::

        f(p) &= -\sum_i a_i \exp\!\Big(-\frac{\lVert p - c_i\rVert^2}{2 s^2}\Big),\\
        \nabla f &= \sum_i g_i\,\frac{p - c_i}{s^2},\\
        H &= \sum_i g_i \Big(\frac{I}{s^2} - \frac{(p - c_i)(p - c_i)^\top}{s^4}\Big),

    with :math:`g_i = a_i \exp(-\lVert p - c_i\rVert^2 / 2s^2)`.  Each well
    :math:`i` (centre :math:`c_i`, depth :math:`a_i > 0`, width :math:`s`)
    makes a minimum; the deepest is the **global** minimum, the others are
    **local** minima.  Between two wells the surface has a **saddle point**,
    and far from all wells it is a **plateau**: :math:`f \approx 0` and
    :math:`\nabla f \approx 0` although no minimum is near.

    The critical points are found numerically (Newton's method on
    :math:`\nabla f = 0` from a grid of starts inside ``bounds``) and sorted
    by value: ``minima`` (global first), ``saddles`` and ``maxima``.

    >>> f = GaussianWells()
    >>> [round(f.value(m), 3) for m in f.minima]   # three minima, global first
    [-1.001, -0.709, -0.513]
    >>> len(f.saddles)
    2
    """

    DEFAULT_CENTERS = ((-1.5, 0.0), (1.3, 1.0), (1.2, -1.3))
    DEFAULT_DEPTHS = (1.0, 0.7, 0.5)

    def __init__(self, centers=DEFAULT_CENTERS, depths=DEFAULT_DEPTHS, width=0.8):
        centers = np.array(as_float64(centers, "centers"))
        depths = np.array(as_float64(depths, "depths"))
        if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] == 0:
            raise ValueError(f"centers must have shape (k, 2) with k >= 1, got shape {centers.shape}")
        if depths.shape != (centers.shape[0],):
            raise ValueError(f"depths must have shape ({centers.shape[0]},) like centers, got shape {depths.shape}")
        if not (np.all(np.isfinite(centers)) and np.all(np.isfinite(depths)) and np.all(depths > 0)):
            raise ValueError("centers must be finite and depths positive and finite")
        self.width = _number("width", width)
        if not 0 < self.width < 1e150:   # width**2 must be a positive float
            raise ValueError(f"width must be positive and below 1e150, got {width!r}")
        self.centers, self.depths = centers, depths
        lo, hi = centers.min(axis=0) - 2.0, centers.max(axis=0) + 2.0
        self.bounds = ((float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1])))
        self.minima, self.saddles, self.maxima = self._critical_points()

    def _params(self):
        return {"centers": self.centers.tolist(), "depths": self.depths.tolist(), "width": self.width}

    def _wells(self, x, y):
        """Per well: (g_i, x - cx_i, y - cy_i), stacked on a new last axis."""
        dx = np.asarray(x, dtype=np.float64)[..., None] - self.centers[:, 0]
        dy = np.asarray(y, dtype=np.float64)[..., None] - self.centers[:, 1]
        g = self.depths * np.exp(-(dx * dx + dy * dy) / (2.0 * self.width ** 2))
        return g, dx, dy

    def _value(self, x, y):
        g, _, _ = self._wells(x, y)
        return -g.sum(axis=-1)

    def _grad(self, x, y):
        g, dx, dy = self._wells(x, y)
        s2 = self.width ** 2
        return (g * dx).sum(axis=-1) / s2, (g * dy).sum(axis=-1) / s2

    def _hessian(self, x, y):
        g, dx, dy = self._wells(x, y)
        s2 = self.width ** 2
        fxx = (g * (1.0 / s2 - dx * dx / s2 ** 2)).sum(axis=-1)
        fxy = (g * (-dx * dy / s2 ** 2)).sum(axis=-1)
        fyy = (g * (1.0 / s2 - dy * dy / s2 ** 2)).sum(axis=-1)
        return fxx, fxy, fyy

    def _critical_points(self):
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, 29), np.linspace(y0, y1, 29))
        p = np.stack([X.ravel(), Y.ravel()], axis=-1)
        with np.errstate(all="ignore"):
            for _ in range(60):   # Newton's method, all starts at once
                H, g = self.hessian(p), self.grad(p)
                det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] ** 2
                ok = np.abs(det) > 1e-300
                step_x = np.where(ok, (H[:, 1, 1] * g[:, 0] - H[:, 0, 1] * g[:, 1]) / np.where(ok, det, 1.0), 0.0)
                step_y = np.where(ok, (H[:, 0, 0] * g[:, 1] - H[:, 0, 1] * g[:, 0]) / np.where(ok, det, 1.0), 0.0)
                p = p - np.stack([step_x, step_y], axis=-1)
        inside = (np.all(np.isfinite(p), axis=1) & (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1))
        p = p[inside]
        # a real critical point, not a flat spot of the plateau: tiny gradient *relative* to the curvature
        g = np.linalg.norm(self.grad(p), axis=1)
        curvature = np.abs(np.linalg.eigvalsh(self.hessian(p))).min(axis=1)
        p = p[(g < 1e-10) & (curvature > 1e-6)]
        points = []
        for q in p:
            if all(np.linalg.norm(q - r) > 1e-6 for r in points):
                points.append(q)
        kinds = {"min": [], "saddle": [], "max": []}
        for q in points:
            lam = np.linalg.eigvalsh(self.hessian(q))
            kinds["min" if lam[0] > 0 else "max" if lam[1] < 0 else "saddle"].append(q)
        return tuple(sorted(kinds[k], key=self.value) for k in ("min", "saddle", "max"))
