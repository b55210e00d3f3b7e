r"""Checkers for chapter 5, the worked example (one neuron)."""

from .. import neuron
from ._core import Mistake, _report, check_function, check_value, finite_real, never_raises

__all__ = ["check_neuron_step", "check_bias_step", "check_critical_learning_rate", "check_one_step_rate",
           "check_gradient_ratio"]


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
    Mistake(lambda W, b, x, y, lr: (W + lr * (y - W * x) * x, b + lr * (y - W * x)),
            "The forward pass forgot the bias: ŷ = W·x + b, and the residual y − ŷ uses that ŷ."),
]


@never_raises
def check_neuron_step(candidate, name="my_neuron_step"):
    r"""Check one gradient-descent step ``my_neuron_step(W, b, x, y, lr)`` for
    :math:`\hat y = Wx + b`, :math:`L = \tfrac12 (y - \hat y)^2`: the function
    must return :math:`(W - \eta\,\partial L/\partial W,\; b - \eta\,\partial L/\partial b)`
    (a tuple, list or array), compared at four made-up givens.

    >>> check_neuron_step(lambda W, b, x, y, lr: None)
    ✗ my_neuron_step(2.0, -0.5, 2.0, 3.0, 0.1) returned None: did you forget a `return` statement? Hint: One gradient-descent step on each parameter, with the gradients from the chain rule (eq-chain-w).
    False
    """
    cases = [
        ((2.0, -0.5, 2.0, 3.0, 0.1), {}),
        ((-1.0, 0.3, -1.5, 0.5, 0.05), {}),
        ((0.0, 0.0, 3.0, -2.0, 0.2), {}),
    ]
    cases.append(((0.5, 1.0, -2.0, 1.0, 0.3), {}))
    return check_function(candidate, _neuron_step_reference, cases, name=name, mistakes=_NEURON_STEP_MISTAKES,
                          idea="One gradient-descent step on each parameter, with the gradients from the chain rule (eq-chain-w).",
                          hint="Compute ŷ = W·x + b, then ∂L/∂W and ∂L/∂b by the chain rule, and step against each.")


def _hessian_eigenvalue(x, caller):
    """lambda_max = x² + 1 of the Hessian [[x², x], [x, 1]], or None (reported) for a bad x."""
    if not finite_real(x) or abs(float(x)) > 1e100:
        _report(False, f"{caller}: x must be a finite real number of moderate size, got {x!r}.")
        return None
    return float(x) ** 2 + 1.0


@never_raises
def check_critical_learning_rate(answer, x=2.0, name="eta_critical"):
    r"""Check the critical learning rate of gradient descent on
    :math:`\tfrac12 (y - Wx - b)^2` over :math:`(W, b)` for the input ``x``:
    below it GD converges, at it the residual flips sign with the same size
    forever, above it it grows.

    Answers to three significant digits. On a made-up input (not the
    exercise's):

    >>> check_critical_learning_rate(0.2, x=3.0)
    ✓ eta_critical is correct.
    True
    >>> check_critical_learning_rate(0.1, x=3.0)
    ✗ eta_critical = 0.1 is not correct. Hint: That is 1/λ_max, the rate that cancels the residual in one step; the critical rate is twice as large.
    False
    """
    lam = _hessian_eigenvalue(x, "check_critical_learning_rate")
    if lam is None:
        return False
    x = float(x)
    mistakes = [
        Mistake(1.0 / lam, "That is 1/λ_max, the rate that cancels the residual in one step; the critical rate is twice as large."),
        Mistake(2.0 / (x * x) if x * x > 0 else float("inf"), "You forgot the bias: the Hessian over (W, b) is [[x², x], [x, 1]], whose largest eigenvalue is x² + 1, not x²."),
        Mistake(1.0, "That is the critical rate for x = 1; redo it for this input."),
        Mistake(lam, "That is λ_max itself; the critical rate is 2/λ_max."),
    ]
    return check_value(answer, 2.0 / lam, name=name, mistakes=[m for m in mistakes if abs(m.answer - 2.0 / lam) > 1e-2 * (2.0 / lam)],
                       idea="The critical rate is 2/λ_max, with λ_max the largest eigenvalue of the Hessian of L over (W, b).",
                       hint="Write the Hessian of L with respect to (W, b); the residual's factor per step is 1 − η·λ_max, and its size stops shrinking when that factor reaches −1.")


@never_raises
def check_bias_step(dL_db, b_new, names=("my_dL_db", "my_b_new"), x=1.0):
    r"""Check :math:`\partial L/\partial b` and the updated bias
    :math:`b_\text{new}` at the worked example's givens with input ``x``
    (reference: :func:`bpcore.neuron.forward_backward`).

    Answers to three significant digits.

    >>> check_bias_step(None, None)
    ✗ my_dL_db is None: replace the ... with your answer. Hint: Chain rule: ∂L/∂b = ∂L/∂ŷ · ∂ŷ/∂b.
    ✗ my_b_new is None: replace the ... with your answer. Hint: One gradient-descent step: b_new = b − η·∂L/∂b.
    False
    """
    v = neuron.forward_backward(x=x)
    at_one = neuron.forward_backward()
    b, lr = v["b"], v["lr"]
    no_bias_grad = -(v["y"] - v["W"] * v["x"])       # the forward pass without b: ŷ = W·x
    # Listed first, so it wins where it coincides with another mistake (at x = 2,
    # ∂L/∂W equals twice ∂L/∂b): the weight's gradient carries the factor x.
    weight = [] if v["dL_dW"] == v["dL_db"] else [
        Mistake(v["dL_dW"], "That is ∂L/∂W = −(y − ŷ)·x; for the bias ∂ŷ/∂b = 1, so there is no factor x.")]
    other_input = [] if v["dL_db"] == at_one["dL_db"] else [
        Mistake(at_one["dL_db"], "That is the value at the chapter's input x = 1; redo it for this input.")]
    first = check_value(dL_db, v["dL_db"], name=names[0], idea="Chain rule: ∂L/∂b = ∂L/∂ŷ · ∂ŷ/∂b.", mistakes=[
        *weight, *other_input,
        Mistake(no_bias_grad, "The forward pass forgot the bias: ŷ = W·x + b with b = −0.5, and the residual y − ŷ uses that ŷ."),
        Mistake(-v["dL_db"], "The sign is flipped: ∂L/∂ŷ = −(y − ŷ), and ∂ŷ/∂b = +1."),
        Mistake(2 * v["dL_db"], "That is the gradient of (y − ŷ)²; with L = ½(y − ŷ)² the ½ cancels the 2."),
        Mistake(v["L"], "That is the loss L itself, not its derivative."),
    ], hint="Chain rule: ∂L/∂b = ∂L/∂ŷ · ∂ŷ/∂b, with ∂L/∂ŷ = −(y − ŷ) and ∂ŷ/∂b = 1.")
    weight = [] if v["dL_dW"] == v["dL_db"] else [
        Mistake(b - lr * v["dL_dW"], "That step uses ∂L/∂W = −(y − ŷ)·x; the bias's gradient has no factor x.")]
    other_input = [] if v["b_new"] == at_one["b_new"] else [
        Mistake(at_one["b_new"], "That is the value at the chapter's input x = 1; redo it for this input.")]
    second = check_value(b_new, v["b_new"], name=names[1], idea="One gradient-descent step: b_new = b − η·∂L/∂b.", mistakes=[
        *weight, *other_input,
        Mistake(b - lr * no_bias_grad, "The forward pass forgot the bias: ŷ = W·x + b with b = −0.5, so the residual, "
                                       "and with it ∂L/∂b, is different."),
        Mistake(b + lr * v["dL_db"], "The step went uphill: gradient descent subtracts η·∂L/∂b."),
        Mistake(b - v["dL_db"], "You forgot the learning rate: b_new = b − η·∂L/∂b with η = 0.1."),
        Mistake(b - lr * 2 * v["dL_db"], "That step uses the gradient of (y − ŷ)²; with the ½ the gradient is −(y − ŷ)."),
    ], hint="b_new = b − η·∂L/∂b with b = −0.5 and η = 0.1.")
    return first and second


@never_raises
def check_one_step_rate(answer, x=1.0, name="eta_one_step"):
    r"""Check the learning rate that reaches zero loss in one step for the
    input ``x`` (from the residual recursion eq-residual-recursion).

    Answers to three significant digits. On a made-up input (not the
    exercise's):

    >>> check_one_step_rate(0.8, x=0.5)
    ✓ eta_one_step is correct.
    True
    """
    lam = _hessian_eigenvalue(x, "check_one_step_rate")
    if lam is None:
        return False
    mistakes = [
        Mistake(2.0 / lam, "That is the critical rate 2/λ_max: there the residual flips sign and keeps its size forever."),
        Mistake(0.1, f"That is the chapter's learning rate; for this input it multiplies the residual by "
                     f"1 − 0.1·(x² + 1) = {1 - 0.1 * lam:.3g} per step, not by 0."),
        Mistake(lam, "That is λ_max itself; the factor 1 − η·λ_max vanishes at η = 1/λ_max."),
    ]
    if float(x) != 1.0:
        mistakes.append(Mistake(0.5, "That is the rate for the chapter's input x = 1; redo it for this input."))
    if float(x) != 0.0 and all(abs(m.answer - 1.0 / float(x) ** 2) > 1e-9 for m in mistakes):
        mistakes.append(Mistake(1.0 / float(x) ** 2, "That forgets the bias: one step moves ŷ by η·r·(x² + 1), not η·r·x²."))
    return check_value(answer, 1.0 / lam, name=name,
                       mistakes=[m for m in mistakes if abs(m.answer - 1.0 / lam) > 1e-2 / lam],
                       idea="Use the residual recursion (eq-residual-recursion): choose η so that one step takes the residual to 0.",
                       hint="In r_{k+1} = (1 − η(x² + 1))·r_k, choose η so that the factor is 0.")


@never_raises
def check_gradient_ratio(ratio, name="ratio"):
    r"""Check the ratio true / claimed gradient when the loss
    :math:`(y - \hat y)^2` is paired with the gradient formula derived for
    :math:`\tfrac12 (y - \hat y)^2`, at the worked example's givens; to
    three significant digits.

    >>> check_gradient_ratio(0.5)
    ✗ ratio = 0.5 is not correct. Hint: That is claimed / true; the question asks for the true gradient divided by the claimed one.
    False
    """
    mistakes = [
        Mistake(0.5, "That is claimed / true; the question asks for the true gradient divided by the claimed one."),
        Mistake(-2.0, "Both gradients have the same sign (both point uphill); only their size differs."),
        Mistake(1.0, "A gradient check that passes would give 1; this one fails: compare numerical_grad with the claimed gradient."),
    ]
    return check_value(ratio, 2.0, name=name, mistakes=mistakes,
                       idea="Compare the gradient of the loss actually used, (y − ŷ)², with the formula eq-chain-w "
                            "derived for ½(y − ŷ)².",
                       hint="Write the loss (y − ŷ)² as a function of W, take its numerical gradient at the givens "
                            "(bp.gradcheck.numerical_grad) and divide it by the value of eq-chain-w there.")
