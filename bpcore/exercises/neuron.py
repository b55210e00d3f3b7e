r"""Checkers for chapter 5, the worked example (one neuron)."""

from .. import neuron
from ._core import Mistake, _report, check_function, check_value, finite_real

__all__ = ["check_neuron_step", "check_learning_rate_bound"]


def _neuron_step_reference(W, b, x, y, lr):
    step = neuron.forward_backward(W, b, x, y, lr)
    return (step["W_new"], step["b_new"])


def _residual(W, b, x, y):
    return y - (W * x + b)


_NEURON_STEP_MISTAKES = [
    Mistake(lambda W, b, x, y, lr: (W - lr * _residual(W, b, x, y) * x, b - lr * _residual(W, b, x, y)),
            "The step went uphill: dL/dŷ = −(y − ŷ), so W_new = W + lr·(y − ŷ)·x."),
    Mistake(lambda W, b, x, y, lr: (W + lr * _residual(W, b, x, y), b + lr * _residual(W, b, x, y)),
            "The weight's gradient has the factor ∂ŷ/∂W = x: dL/dW = −(y − ŷ)·x."),
    Mistake(lambda W, b, x, y, lr: (W + 2 * lr * _residual(W, b, x, y) * x, b + 2 * lr * _residual(W, b, x, y)),
            "That is the gradient of (y − ŷ)²; with L = ½(y − ŷ)² the ½ cancels the 2."),
    Mistake(lambda W, b, x, y, lr: (W + lr * _residual(W, b, x, y) * x, b),
            "The bias is a parameter too: b_new = b + lr·(y − ŷ)."),
]


def check_neuron_step(candidate, name="my_neuron_step"):
    r"""Check one gradient-descent step for :math:`\hat y = Wx + b`,
    :math:`L = \tfrac12 (y - \hat y)^2`: the function must return
    :math:`(W - \eta\,\partial L/\partial W,\; b - \eta\,\partial L/\partial b)`
    (a tuple, list or array).

    >>> check_neuron_step(lambda W, b, x, y, lr: (W + lr * (y - W * x - b) * x, b + lr * (y - W * x - b)))
    ✓ my_neuron_step agrees with the reference on 4 test cases.
    True
    """
    cases = [
        ((2.0, -0.5, 1.0, 3.0, 0.1), {}),
        ((2.0, -0.5, 2.0, 3.0, 0.1), {}),
        ((-1.0, 0.3, -1.5, 0.5, 0.05), {}),
        ((0.0, 0.0, 3.0, -2.0, 0.2), {}),
    ]
    return check_function(candidate, _neuron_step_reference, cases, name=name, mistakes=_NEURON_STEP_MISTAKES,
                          hint="dL/dŷ = −(y − ŷ); dL/dW = dL/dŷ · x; dL/db = dL/dŷ; return (W − lr·dL/dW, b − lr·dL/db).")


def check_learning_rate_bound(answer, x=2.0, name="eta_max"):
    r"""Check the critical learning rate of gradient descent on
    :math:`\tfrac12 (y - Wx - b)^2` over :math:`(W, b)`:
    :math:`\eta_c = 2/\lambda_{\max} = 2/(x^2 + 1)`. Below it GD converges,
    at it the iterates oscillate forever, above it they diverge.

    >>> check_learning_rate_bound(0.4, x=2.0)
    ✓ eta_max = 0.4 is correct.
    True
    >>> check_learning_rate_bound(0.2, x=2.0)
    ✗ eta_max = 0.2 is not correct. Hint: That is 1/λ_max, the rate that cancels the residual in one step; the critical rate is twice as large.
    False
    """
    if not finite_real(x):
        return _report(False, f"x must be a finite real number, got {x!r}.")
    x = float(x)
    lam = x * x + 1.0
    mistakes = [
        Mistake(1.0 / lam, "That is 1/λ_max, the rate that cancels the residual in one step; the critical rate is twice as large."),
        Mistake(2.0 / (x * x) if x * x > 0 else float("inf"), "You forgot the bias: the Hessian over (W, b) is [[x², x], [x, 1]], whose largest eigenvalue is x² + 1, not x²."),
        Mistake(1.0, "That is the critical rate for x = 1; redo it for this input."),
        Mistake(lam, "That is λ_max itself; the critical rate is 2/λ_max."),
    ]
    return check_value(answer, 2.0 / lam, name=name, mistakes=mistakes,
                       hint="Write the Hessian of L with respect to (W, b); GD converges for η < 2/λ_max.")
