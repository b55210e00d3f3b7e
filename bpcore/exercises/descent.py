r"""Checkers for chapter 3, gradient descent."""

import numpy as np

from .. import descent, landscape, optim, surfaces
from ._core import Mistake, _as_numbers, _report, check_function, check_value, finite_real, never_raises, whole_number

__all__ = ["check_directional_derivative", "check_gradient_descent", "check_optimal_rate", "check_basin",
           "check_hessian_test"]


@never_raises
def check_directional_derivative(answer, name="slope"):
    r"""Check the slope of :math:`L(w_1, w_2) = w_1^2 + 3 w_2^2` at
    :math:`(1, 1)` in the direction of :math:`(3, 4)` (eq-directional).

    Answers to three significant digits.

    >>> check_directional_derivative(None)
    ✗ slope is None: replace the ... with your answer. Hint: The slope along a unit vector u is the dot product ∇L·u (eq-directional).
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
                       idea="The slope along a unit vector u is the dot product ∇L·u (eq-directional).",
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


@never_raises
def check_gradient_descent(candidate, name="my_gradient_descent"):
    r"""Check ``my_gradient_descent(grad_fn, w0, lr, steps)``: the path of
    :math:`w_{k+1} = w_k - \eta \nabla L(w_k)` as an array of shape
    ``(steps + 1, dim)`` starting with ``w0``.

    The test cases are a tilted bowl, Rosenbrock's function and a parabola
    (their gradients are in this module).

    >>> check_gradient_descent(lambda grad_fn, w0, lr, steps: None)
    ✗ my_gradient_descent(bp.exercises.descent.tilted_bowl_grad, [2.0, -1.0], 0.1, 5) returned None: did you forget a `return` statement? Hint: Apply the update rule eq-gd-update `steps` times and keep every point of the path, the start included.
    False
    """
    return check_function(candidate, _reference_gd, _GD_CASES, name=name, mistakes=_GD_MISTAKES, rtol=1e-10, atol=1e-12,
                          idea="Apply the update rule eq-gd-update `steps` times and keep every point of the path, the start included.",
                          hint="Each row of the path is the previous row minus lr times the gradient there; row 0 is w0.")


@never_raises
def check_optimal_rate(answer, condition=10.0, name="rate"):
    r"""Check the per-step contraction factor of the distance to the minimum
    for gradient descent at its best step size on a quadratic with condition
    number ``condition`` (reference: :func:`bpcore.descent.optimal_lr`).

    Answers to three significant digits. On a made-up κ (not the exercise's):

    >>> check_optimal_rate(0.5, condition=3)
    ✓ rate is correct.
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
    mistakes = [m for m in mistakes if not np.isclose(m.answer, rate, rtol=1e-2)]
    return check_value(answer, rate, name=name, mistakes=mistakes,
                       idea="The best η makes the two factors |1 − η·λ| of the two directions equally large.",
                       hint="With eigenvalues 1 and κ, choose η so that |1 − η·1| = |1 − η·κ|, then evaluate |1 − η|.")


@never_raises
def check_basin(answer, start=(1.8, 0.3), lr=0.1, steps=400, name="basin"):
    r"""Check which minimum of ``bp.surfaces.DoubleWell()`` (0 = the global
    one, 1 = the local one) gradient descent reaches from ``start`` with
    step ``lr`` after ``steps`` steps. The answer is the index 0 or 1.

    >>> check_basin(0.5)
    ✗ basin = 0.5 is not a whole number; the answer is a count. Hint: Answer 0 (the global minimum) or 1 (the local one): run the descent and look where it ends.
    False
    """
    start_xy = _as_numbers(start)
    if start_xy is None or start_xy.shape != (2,) or not np.all(np.isfinite(start_xy)) or np.max(np.abs(start_xy)) > 1e6:
        return _report(False, f"check_basin: start must be a point (w1, w2) of two finite numbers, got {start!r}.")
    if not finite_real(lr) or not 0 < float(lr) <= 10:
        return _report(False, f"check_basin: lr must be a number in (0, 10], got {lr!r}.")
    if not whole_number(steps, 1, 100_000):
        return _report(False, f"check_basin: steps must be a whole number from 1 to 100000, got {steps!r}.")
    f = surfaces.DoubleWell()
    end = descent.final_points(f, [tuple(start_xy)], float(lr), int(steps))
    target = int(descent.basin_index(f, end)[0])
    if target < 0:
        return _report(False, "check_basin: with these settings gradient descent does not settle in a minimum; choose a smaller lr.")
    other = 1 - target
    start_basin = 0 if start_xy[0] < f.saddles[0][0] else 1
    hint_other = ("The start lies in that minimum's basin, but the first step is long: compute it, "
                  "w − η∇L(w), and see on which side of the saddle it lands."
                  if other == start_basin else "Trace the first few steps with bp.descent.final_points.")
    idea = "Answer 0 (the global minimum) or 1 (the local one): run the descent and look where it ends."
    return check_value(answer, target, name=name, mistakes=[Mistake(other, hint_other)], integer=True, idea=idea,
                       hint=idea)


# L(w1, w2) = w1² + 4 w1 w2 + w2²: its matrix of second partial derivatives.
_SADDLE_HESSIAN = np.array([[2.0, 4.0], [4.0, 2.0]])


@never_raises
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
                       idea="The Hessian test looks at the sign of the Hessian's smallest eigenvalue: "
                            "first write down the matrix of second partial derivatives.",
                       hint="Write the Hessian [[∂²L/∂w₁², ∂²L/∂w₁∂w₂], [∂²L/∂w₂∂w₁, ∂²L/∂w₂²]] and solve λ² − (trace)·λ + det = 0.")
