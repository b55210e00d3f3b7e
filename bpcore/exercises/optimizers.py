r"""Checkers for chapter 7, optimizers."""

import math

import numpy as np

from ._core import Mistake, _report, check_function, check_value, finite_real, never_raises, whole_number

__all__ = ["check_bias_correction", "check_momentum_beta", "check_adam_step", "check_adamw_vs_l2"]


@never_raises
def check_bias_correction(answer, g=2.0, beta1=0.9, t=3, name="m_t"):
    r"""Check the *uncorrected* first moment :math:`m_t` of Adam after ``t``
    steps of the constant gradient ``g`` with ``beta1``, worked out by hand
    from the recursion of eq-opt-adam (reference: the unrolled recursion).

    Answers to three significant digits. On made-up values (not the
    exercise's):

    >>> check_bias_correction(0.875, g=1.0, beta1=0.5, t=3)
    ✓ m_t is correct.
    True
    >>> check_bias_correction(1.0, g=1.0, beta1=0.5, t=3)
    ✗ m_t = 1.0 is not correct. Hint: That is the bias-corrected m̂_t; the running average itself starts at 0 and has not caught up yet.
    False
    """
    if not (finite_real(g) and finite_real(beta1) and 0 <= float(beta1) < 1 and whole_number(t, 1, 10**6)) \
            or abs(float(g)) > 1e150:
        return _report(False, f"check_bias_correction: g must be a number, beta1 one with 0 ≤ beta1 < 1 and t a whole "
                              f"number ≥ 1, got g={g!r}, beta1={beta1!r}, t={t!r}.")
    g, b, t = float(g), float(beta1), int(t)
    expected = (1 - b**t) * g
    mistakes = [
        Mistake(g, "That is the bias-corrected m̂_t; the running average itself starts at 0 and has not caught up yet."),
        Mistake(b**t * g, "β^t is the weight left on the zero start; the weight on the gradients is 1 − β^t."),
        Mistake(1 - b**t, "Multiply by the gradient g."),
        Mistake(t * (1 - b) * g, "Each older gradient is discounted by another factor β: sum (1 − β)·β^(t−k)·g."),
        Mistake((1 - b) * g, "That is m_1; apply the recursion m_t = β m_(t−1) + (1 − β) g for every step."),
    ]
    return check_value(answer, expected, name=name,
                       mistakes=[m for m in mistakes if not math.isclose(m.answer, expected, rel_tol=1e-2)],
                       idea="Unroll the recursion of Adam's first moment (eq-opt-adam) from m_0 = 0.",
                       hint="Unroll m_t = β m_(t−1) + (1 − β) g from m_0 = 0 and sum the geometric series.")


@never_raises
def check_momentum_beta(answer, condition=100.0, name="beta_star"):
    r"""Check heavy-ball momentum's optimal :math:`\beta^*` for a quadratic
    with condition number ``condition`` (eq-opt-momentum-optimal).

    Answers to three significant digits. On a made-up κ (not the exercise's):

    >>> check_momentum_beta(1 / 9, condition=4)
    ✓ beta_star is correct.
    True
    >>> check_momentum_beta(1 / 3, condition=4)
    ✗ beta_star = 0.333333 is not correct. Hint: That is the convergence rate √β*; β* is its square.
    False
    """
    if not finite_real(condition) or not 1 <= float(condition) <= 1e300:
        return _report(False, f"check_momentum_beta: condition must be a number ≥ 1, got {condition!r}.")
    k = float(condition)
    s = math.sqrt(k)
    rate = (s - 1) / (s + 1)
    mistakes = [
        Mistake(rate, "That is the convergence rate √β*; β* is its square."),
        Mistake(((k - 1) / (k + 1)) ** 2, "The formula uses √κ, not κ: ((√κ − 1)/(√κ + 1))²."),
        Mistake((k - 1) / (k + 1), "That is plain gradient descent's best rate (κ − 1)/(κ + 1), not momentum's β."),
        Mistake(0.9, "0.9 is the common default, not the optimum for this κ."),
    ]
    return check_value(answer, rate**2, name=name,
                       mistakes=[m for m in mistakes if not math.isclose(m.answer, rate**2, rel_tol=1e-2)],
                       idea="Use the optimal momentum of eq-opt-momentum-optimal with κ = λ_max/λ_min.",
                       hint="Use β* = ((√κ − 1)/(√κ + 1))² with κ = λ_max/λ_min.")


def _adam(p, g, m, v, t, lr, beta1, beta2, eps, *, correct=True, correct_v=True, eps_inside=False, t_shift=0,
          keras=False, return_hats=False):
    p, g, m, v = (np.asarray(a, dtype=float) for a in (p, g, m, v))
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    tt = t + t_shift
    m_hat = m / (1 - beta1**tt) if correct else m
    v_hat = v / (1 - beta2**tt) if correct and correct_v else v
    if keras:   # Keras/TF: lr_t = lr·√(1 − β2^t)/(1 − β1^t), ε̂ = ε·√(1 − β2^t) added to √v
        lr_t = lr * np.sqrt(1 - beta2**tt) / (1 - beta1**tt)
        return (p - lr_t * m / (np.sqrt(v) + eps), m, v)
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    p_new = p - lr * m_hat / denominator
    return (p_new, m_hat, v_hat) if return_hats else (p_new, m, v)


def _adam_reference(p, g, m, v, t, lr, beta1, beta2, eps):
    return _adam(p, g, m, v, t, lr, beta1, beta2, eps)


_ADAM_MISTAKES = [
    Mistake(lambda *a: _adam(*a, correct=False), "Without bias correction the early steps have the wrong size (m and v both start biased towards 0): divide m by 1 − β1^t and v by 1 − β2^t."),
    Mistake(lambda *a: _adam(*a, correct_v=False), "You corrected m but not v: v starts biased towards 0 too, so divide it by 1 − β2^t before the square root."),
    Mistake(lambda *a: _adam(*a, return_hats=True), "Return the running moments m and v themselves, not the bias-corrected m̂ and v̂: the next step continues from m and v."),
    Mistake(lambda *a: _adam(*a, eps_inside=True), "ε goes outside the square root: √v̂ + ε (as in Kingma & Ba and PyTorch)."),
    Mistake(lambda *a: _adam(*a, keras=True), "That is the Keras/TensorFlow form, which adds ε to √v (an ε̂ = ε·√(1 − β2^t) "
                                               "in terms of v̂); the book, Kingma & Ba and PyTorch add ε to √v̂. The two differ where ε matters."),
    Mistake(lambda *a: _adam(*a, t_shift=1), "t is the number of the current step, counting from 1: use β^t with this step's t, not t + 1."),
]


@never_raises
def check_adam_step(candidate, name="my_adam_step"):
    r"""Check one Adam step ``my_adam_step(p, g, m, v, t, lr, beta1, beta2, eps)``
    returning ``(p_new, m_new, v_new)`` (arrays or floats), as in
    :class:`bpcore.optim.Adam` (ε added to :math:`\sqrt{\hat v}`, as in PyTorch).

    >>> check_adam_step(lambda p, g, m, v, t, lr, beta1, beta2, eps: None)
    ✗ my_adam_step([1.0, -2.0, 0.5], [0.3, -4.0, 0.001], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], 1, 0.1, 0.9, 0.999, 1e-08) returned None: did you forget a `return` statement? Hint: Follow eq-opt-adam: update the two moments, correct their bias, then take the step.
    False
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
                          idea="Follow eq-opt-adam: update the two moments, correct their bias, then take the step.",
                          hint="Compare each line with eq-opt-adam: the two moment updates, the two bias corrections "
                               "(with this step's t), the step with ε added to √v̂, and return (p_new, m_new, v_new).")


#: The tolerance the AdamW exercise states: four significant digits (the two
#: answers differ in the fourth digit, so three cannot tell them apart).
ADAMW_RTOL = 5e-4


@never_raises
def check_adamw_vs_l2(answer, p=2.0, lr=0.01, weight_decay=0.1, name="after_one_step"):
    r"""Check the pair ``(AdamW, L2-in-Adam)`` of parameter values after one
    step from ``p`` with rate ``lr`` and decay ``weight_decay`` when the loss
    gradient is zero (references: eq-opt-adamw, and one Adam step from fresh
    state on the L2 gradient). A pair (tuple, list or array), to four
    significant digits (``ADAMW_RTOL``).

    On made-up values (not the exercise's):

    >>> check_adamw_vs_l2((0.95, 0.9), p=1.0, lr=0.1, weight_decay=0.5)
    ✓ after_one_step is correct.
    True
    >>> check_adamw_vs_l2((0.9, 0.95), p=1.0, lr=0.1, weight_decay=0.5)
    ✗ after_one_step = [0.9, 0.95] is not correct. Hint: The two are swapped: AdamW shrinks p by the factor 1 − η·λ; L2 inside Adam has its decay gradient normalised to a step of size η.
    False
    """
    if not (finite_real(p) and finite_real(lr) and finite_real(weight_decay)) or p == 0 or lr <= 0 or weight_decay <= 0 \
            or max(abs(float(p)), float(lr), float(weight_decay)) > 1e100:
        return _report(False, "check_adamw_vs_l2: p must be a non-zero number and lr, weight_decay positive numbers.")
    p, lr, wd = float(p), float(lr), float(weight_decay)
    adamw = (1 - lr * wd) * p
    g = wd * p                                     # first Adam step: m_hat = g, v_hat = g^2
    l2 = p - lr * g / (abs(g) + 1e-8)
    candidates = [
        Mistake((l2, adamw), "The two are swapped: AdamW shrinks p by the factor 1 − η·λ; L2 inside Adam has its decay "
                             "gradient normalised to a step of size η."),
        Mistake((adamw, adamw), "L2 inside Adam is not a shrink by 1 − ηλ: the decay term λp goes through Adam's "
                                "normalisation m̂/√v̂, so the first step has size η."),
        Mistake((l2, l2), "AdamW does not pass the decay through Adam's normalisation: it multiplies p by 1 − ηλ."),
        Mistake((p - lr * wd, l2), "AdamW's decay is proportional to p: p − ηλp = (1 − ηλ)p."),
    ]
    mistakes = [m for m in candidates if not np.allclose(m.answer, (adamw, l2), rtol=ADAMW_RTOL)]
    return check_value(answer, (adamw, l2), name=name, mistakes=mistakes, rtol=ADAMW_RTOL,
                       idea="Give a pair (AdamW result, L2-in-Adam result): apply eq-opt-adamw once, and one Adam step "
                            "on the gradient λθ from fresh state.",
                       hint="Give a pair (AdamW result, L2-in-Adam result), to four significant digits. For L2, work "
                            "out Adam's first step from fresh state: what are m̂ and v̂ after one gradient?")
