r"""Checkers for chapter 3, gradient descent."""

import numpy as np

from .. import descent, landscape, optim, surfaces
from ._core import Mistake, _report, check_function, check_value, finite_real

__all__ = ["check_directional_derivative", "check_gradient_descent", "check_optimal_rate", "check_basin",
           "check_hessian_test"]


def check_directional_derivative(answer, name="slope"):
    r"""Check the slope of :math:`L(w_1, w_2) = w_1^2 + 3 w_2^2` at
    :math:`(1, 1)` along :math:`u = (3/5, 4/5)`: :math:`\nabla L \cdot u`.

    >>> check_directional_derivative(30.0)
    ✗ slope = 30.0 is not correct. Hint: Use the unit vector u = (3/5, 4/5), not (3, 4): a slope is per unit of distance.
    False
    """
    g = np.array([2.0, 6.0])
    u = np.array([0.6, 0.8])
    mistakes = [
        Mistake(float(g @ np.array([3.0, 4.0])), "Use the unit vector u = (3/5, 4/5), not (3, 4): a slope is per unit of distance."),
        Mistake(float(np.linalg.norm(g)), "‖∇L‖ is the slope along the gradient itself, the steepest one; u points elsewhere."),
        Mistake(-float(g @ u), "Check the sign: both components of ∇L and of u are positive, so L rises along u."),
        Mistake(float(np.array([1.0, 3.0]) @ u), "∂(w₁²)/∂w₁ = 2w₁ and ∂(3w₂²)/∂w₂ = 6w₂: the gradient at (1, 1) is (2, 6)."),
    ]
    return check_value(answer, float(g @ u), name=name, mistakes=mistakes,
                       hint="Compute ∇L at (1, 1), then the dot product ∇L·u.")


def _reference_gd(grad_fn, w0, lr, steps):
    return landscape.descend(optim.SGD(lr), grad_fn, w0, steps)


_BOWL, _ROSENBROCK = surfaces.Quadratic(condition=4.0, angle=0.3), surfaces.Rosenbrock()


def tilted_bowl_grad(w):
    """Gradient of a tilted quadratic bowl with condition number 4."""
    return _BOWL.grad(w)


def rosenbrock_grad(w):
    """Gradient of Rosenbrock's function."""
    return _ROSENBROCK.grad(w)


def parabola_grad(w):
    """Gradient of L(w) = w²."""
    return 2.0 * np.asarray(w, dtype=float)


_GD_CASES = [
    ((tilted_bowl_grad, np.array([2.0, -1.0]), 0.1, 5), {}),
    ((rosenbrock_grad, np.array([-1.0, 1.0]), 1e-3, 4), {}),
    ((parabola_grad, np.array([3.0]), 0.25, 3), {}),
]


def _steps_only(grad_fn, w0, lr, steps):
    return _reference_gd(grad_fn, w0, lr, steps)[1:]


def _ascent(grad_fn, w0, lr, steps):
    return _reference_gd(lambda w: -np.asarray(grad_fn(w)), w0, lr, steps)


_GD_MISTAKES = [
    Mistake(_ascent, "The path goes uphill: subtract the gradient, w ← w − η∇L(w)."),
    Mistake(_steps_only, "Include the start: row 0 of the result is w0, so there are steps + 1 rows."),
    Mistake(lambda g, w0, lr, steps: _reference_gd(g, w0, lr, steps)[-1], "Return the whole path (steps + 1 rows), not only the last point."),
    Mistake(lambda g, w0, lr, steps: _reference_gd(g, w0, lr, steps)[:-1], "One step short: run `steps` updates after the start."),
]


def check_gradient_descent(candidate, name="my_gradient_descent"):
    r"""Check ``my_gradient_descent(grad_fn, w0, lr, steps)``: the path of
    :math:`w_{k+1} = w_k - \eta \nabla L(w_k)` as an array of shape
    ``(steps + 1, dim)`` starting with ``w0``.

    >>> def gd(grad_fn, w0, lr, steps):
    ...     path = [np.asarray(w0, dtype=float)]
    ...     for _ in range(steps):
    ...         path.append(path[-1] - lr * np.asarray(grad_fn(path[-1])))
    ...     return np.array(path)
    >>> check_gradient_descent(gd)
    ✓ my_gradient_descent agrees with the reference on 3 test cases.
    True
    """
    return check_function(candidate, _reference_gd, _GD_CASES, name=name, mistakes=_GD_MISTAKES, rtol=1e-10, atol=1e-12,
                          hint="Start a list with w0; repeat `steps` times: w = w − lr·grad_fn(w) and append; return np.array(list).")


def check_optimal_rate(answer, condition=10.0, name="rate"):
    r"""Check the per-step contraction factor of gradient descent at its best
    step size on a quadratic with condition number :math:`\kappa`:
    :math:`(\kappa - 1)/(\kappa + 1)`.

    >>> check_optimal_rate(9 / 11, condition=10)
    ✓ rate = 0.818182 is correct.
    True
    """
    if not finite_real(condition) or condition < 1:
        return _report(False, f"condition must be a real number ≥ 1, got {condition!r}.")
    k = float(condition)
    lr_star, rate = descent.optimal_lr([1.0, k])
    mistakes = [
        Mistake(1.0 - 1.0 / k, "That is the rate at η = 1/λ_max; the best η balances |1 − ηλ_min| = |1 − ηλ_max|."),
        Mistake(rate ** 2, "That is the factor for the loss (a square of the distance); the question asks for the distance."),
        Mistake(lr_star, "That is the best step size η* = 2/(λ_min + λ_max); now evaluate |1 − η*·λ_min|."),
        Mistake(1.0 / k, "1/κ is how much flatter the flat direction is, not the rate; evaluate |1 − η*·λ_min|."),
    ]
    return check_value(answer, rate, name=name, mistakes=mistakes,
                       hint="With eigenvalues 1 and κ, choose η so that |1 − η·1| = |1 − η·κ|, then evaluate |1 − η|.")


def check_basin(answer, start=(1.8, 0.3), lr=0.1, steps=400, name="basin"):
    r"""Check which minimum of ``bp.surfaces.DoubleWell()`` (0 = the global
    one, 1 = the local one) gradient descent reaches from ``start`` with
    step ``lr``.

    >>> check_basin(1)
    ✓ basin = 1.0 is correct.
    True
    """
    f = surfaces.DoubleWell()
    end = descent.final_points(f, [start], lr, steps)
    target = int(descent.basin_index(f, end)[0])
    if target < 0:
        return _report(False, "with these settings gradient descent does not settle in a minimum; choose a smaller lr.")
    other = 1 - target
    start_basin = 0 if start[0] < f.saddles[0][0] else 1
    hint_other = ("The start lies in that minimum's basin, but the first step is long: compute it, "
                  "w − η∇L(w), and see on which side of the saddle it lands."
                  if other == start_basin else "Trace the first few steps with bp.descent.final_points.")
    return check_value(answer, target, name=name, mistakes=[Mistake(other, hint_other)], atol=0.0, rtol=0.0,
                       hint="Answer 0 (the global minimum) or 1 (the local one); run the descent to find out.")


# L(w1, w2) = w1² + 4 w1 w2 + w2²: its matrix of second partial derivatives.
_SADDLE_HESSIAN = np.array([[2.0, 4.0], [4.0, 2.0]])


def check_hessian_test(answer, name="lam_min"):
    r"""Check the smallest eigenvalue of the Hessian of
    :math:`L(w_1, w_2) = w_1^2 + 4 w_1 w_2 + w_2^2` (constant, since
    :math:`L` is quadratic). Its sign is the Hessian test: negative, so
    :math:`L` is not convex and :math:`(0, 0)` is a saddle.

    >>> check_hessian_test(6.0)
    ✗ lam_min = 6.0 is not correct. Hint: That is the largest eigenvalue; the test needs the smallest.
    False
    """
    lam = np.linalg.eigvalsh(_SADDLE_HESSIAN)
    coefficients = np.linalg.eigvalsh(_SADDLE_HESSIAN / 2)
    half_cross = np.linalg.eigvalsh(np.array([[2.0, 2.0], [2.0, 2.0]]))
    mistakes = [
        Mistake(float(lam[-1]), "That is the largest eigenvalue; the test needs the smallest."),
        Mistake(float(_SADDLE_HESSIAN[0, 0]), "2 is a diagonal entry, ∂²L/∂w₁²; the eigenvalues differ from the diagonal when the off-diagonal entry is not 0."),
        Mistake(float(coefficients[0]), "That is an eigenvalue of the coefficient matrix [[1, 2], [2, 1]] of L = wᵀCw; the Hessian of wᵀCw is 2C."),
        Mistake(float(half_cross[0]), "Check the mixed derivative: ∂²(4 w₁w₂)/∂w₁∂w₂ = 4."),
    ]
    return check_value(answer, float(lam[0]), name=name, mistakes=mistakes,
                       hint="Write the Hessian [[∂²L/∂w₁², ∂²L/∂w₁∂w₂], [∂²L/∂w₂∂w₁, ∂²L/∂w₂²]] and solve λ² − (trace)·λ + det = 0.")
