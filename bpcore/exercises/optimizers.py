r"""Checkers for chapter 7, optimizers."""

import math

import numpy as np

from ._core import Mistake, _report, check_function, check_value, finite_real

__all__ = ["check_bias_correction", "check_momentum_beta", "check_adam_step", "check_adamw_vs_l2"]


def check_bias_correction(answer, g=2.0, beta1=0.9, t=3, name="m_t"):
    r"""Check the *uncorrected* first moment of Adam after ``t`` steps of the
    constant gradient ``g``: :math:`m_t = (1-\beta_1)\sum_{k=1}^t \beta_1^{t-k} g
    = (1 - \beta_1^t)\,g`.

    >>> check_bias_correction(2.0 * (1 - 0.9**3))
    ✓ m_t = 0.542 is correct.
    True
    >>> check_bias_correction(2.0)
    ✗ m_t = 2.0 is not correct. Hint: That is the bias-corrected m̂_t; the running average itself starts at 0 and has not caught up yet.
    False
    """
    if not (finite_real(g) and finite_real(beta1) and 0 <= beta1 < 1 and float(t) >= 1):
        return _report(False, "g, beta1 and t must be numbers with 0 ≤ beta1 < 1 and t ≥ 1.")
    g, b, t = float(g), float(beta1), int(t)
    expected = (1 - b**t) * g
    mistakes = [
        Mistake(g, "That is the bias-corrected m̂_t; the running average itself starts at 0 and has not caught up yet."),
        Mistake(b**t * g, "β^t is the weight left on the zero start; the weight on the gradients is 1 − β^t."),
        Mistake(1 - b**t, "Multiply by the gradient g."),
        Mistake(t * (1 - b) * g, "Each older gradient is discounted by another factor β: sum (1 − β)·β^(t−k)·g."),
        Mistake((1 - b) * g, "That is m_1; apply the recursion m_t = β m_(t−1) + (1 − β) g for every step."),
    ]
    return check_value(answer, expected, name=name, mistakes=[m for m in mistakes if not math.isclose(m.answer, expected)],
                       hint="Unroll m_t = β m_(t−1) + (1 − β) g from m_0 = 0 and sum the geometric series.")


def check_momentum_beta(answer, condition=100.0, name="beta_star"):
    r"""Check heavy-ball momentum's optimal
    :math:`\beta^* = \bigl((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\bigr)^2`.

    >>> check_momentum_beta((9 / 11) ** 2)
    ✓ beta_star = 0.669421 is correct.
    True
    >>> check_momentum_beta(9 / 11)
    ✗ beta_star = 0.818182 is not correct. Hint: That is the convergence rate √β*; β* is its square.
    False
    """
    if not finite_real(condition) or condition < 1:
        return _report(False, "condition must be a number ≥ 1.")
    k = float(condition)
    s = math.sqrt(k)
    rate = (s - 1) / (s + 1)
    mistakes = [
        Mistake(rate, "That is the convergence rate √β*; β* is its square."),
        Mistake(((k - 1) / (k + 1)) ** 2, "The formula uses √κ, not κ: ((√κ − 1)/(√κ + 1))²."),
        Mistake((k - 1) / (k + 1), "That is plain gradient descent's best rate (κ − 1)/(κ + 1), not momentum's β."),
        Mistake(0.9, "0.9 is the common default, not the optimum for this κ."),
    ]
    return check_value(answer, rate**2, name=name, mistakes=mistakes,
                       hint="Use β* = ((√κ − 1)/(√κ + 1))² with κ = λ_max/λ_min.")


def _adam(p, g, m, v, t, lr, beta1, beta2, eps, *, correct=True, eps_inside=False, t_shift=0):
    p, g, m, v = (np.asarray(a, dtype=float) for a in (p, g, m, v))
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    tt = t + t_shift
    m_hat = m / (1 - beta1**tt) if correct else m
    v_hat = v / (1 - beta2**tt) if correct else v
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return (p - lr * m_hat / denominator, m, v)


def _adam_reference(p, g, m, v, t, lr, beta1, beta2, eps):
    return _adam(p, g, m, v, t, lr, beta1, beta2, eps)


_ADAM_MISTAKES = [
    Mistake(lambda *a: _adam(*a, correct=False), "Without bias correction the early steps have the wrong size (m and v both start biased towards 0): divide m by 1 − β1^t and v by 1 − β2^t."),
    Mistake(lambda *a: _adam(*a, eps_inside=True), "ε goes outside the square root: √v̂ + ε (as in Kingma & Ba and PyTorch)."),
    Mistake(lambda *a: _adam(*a, t_shift=1), "t is the number of the current step, counting from 1: use β^t with this step's t, not t + 1."),
]


def check_adam_step(candidate, name="my_adam_step"):
    r"""Check one Adam step ``my_adam_step(p, g, m, v, t, lr, beta1, beta2, eps)``
    returning ``(p_new, m_new, v_new)`` (arrays or floats), as in
    :class:`bpcore.optim.Adam`.

    >>> check_adam_step(_adam_reference)
    ✓ my_adam_step agrees with the reference on 4 test cases.
    True
    """
    p = np.array([1.0, -2.0, 0.5])
    g = np.array([0.3, -4.0, 1e-3])
    cases = [
        ((p, g, np.zeros(3), np.zeros(3), 1, 0.1, 0.9, 0.999, 1e-8), {}),
        ((p, g, np.array([0.1, -0.2, 0.0]), np.array([0.01, 0.5, 1e-6]), 2, 0.01, 0.9, 0.999, 1e-8), {}),
        ((p, g, np.array([0.05, 0.3, -0.1]), np.array([0.02, 0.2, 0.01]), 5, 0.05, 0.8, 0.99, 1e-3), {}),
        ((2.0, -1.5, 0.0, 0.0, 1, 0.1, 0.9, 0.999, 1e-8), {}),
    ]
    return check_function(candidate, _adam_reference, cases, name=name, mistakes=_ADAM_MISTAKES,
                          hint="m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; m̂ = m/(1 − β1^t); v̂ = v/(1 − β2^t); "
                               "p − lr·m̂/(√v̂ + ε); return (p_new, m, v).")


def check_adamw_vs_l2(answer, p=2.0, lr=0.01, weight_decay=0.1, name="after_one_step"):
    r"""Check ``(AdamW, L2-in-Adam)`` parameters after one step from ``p`` when
    the loss gradient is zero: AdamW gives :math:`(1 - \eta\lambda)p`;
    Adam on the gradient :math:`\lambda p` gives :math:`p - \eta\,\mathrm{sign}(p)`
    (to within :math:`\epsilon`), because the first Adam step has size
    :math:`\eta` whatever the gradient.

    >>> check_adamw_vs_l2((1.998, 1.99))
    ✓ after_one_step = [1.998, 1.99] is correct.
    True
    >>> check_adamw_vs_l2((1.99, 1.998))
    ✗ after_one_step = [1.99, 1.998] is not correct. Hint: The two are swapped: AdamW shrinks p by the factor 1 − η·λ; L2 inside Adam has its decay gradient normalised to a step of size η.
    False
    """
    if not (finite_real(p) and finite_real(lr) and finite_real(weight_decay)) or p == 0 or lr <= 0 or weight_decay <= 0:
        return _report(False, "p must be a non-zero number and lr, weight_decay positive numbers.")
    p, lr, wd = float(p), float(lr), float(weight_decay)
    adamw = (1 - lr * wd) * p
    g = wd * p                                     # first Adam step: m_hat = g, v_hat = g^2
    l2 = p - lr * g / (abs(g) + 1e-8)
    mistakes = [
        Mistake((l2, adamw), "The two are swapped: AdamW shrinks p by the factor 1 − η·λ; L2 inside Adam has its decay "
                             "gradient normalised to a step of size η."),
        Mistake((adamw, adamw), "L2 inside Adam is not a shrink by 1 − ηλ: the decay term λp goes through Adam's "
                                "normalisation m̂/√v̂, so the first step has size η."),
        Mistake((l2, l2), "AdamW does not pass the decay through Adam's normalisation: it multiplies p by 1 − ηλ."),
        Mistake((p - lr * wd, l2), "AdamW's decay is proportional to p: p − ηλp = (1 − ηλ)p."),
    ]
    # The two answers differ in the fourth digit, so three are not enough here.
    return check_value(answer, (adamw, l2), name=name, mistakes=mistakes, rtol=1e-5,
                       hint="Give a pair (AdamW result, L2-in-Adam result). AdamW: p·(1 − ηλ). "
                            "L2: Adam on the gradient λp, and Adam's first step has size ≈ η.")
