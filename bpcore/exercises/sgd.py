r"""Checkers for chapter 6, stochastic and mini-batch gradient descent."""

import numpy as np

from .. import sgd
from ._core import (Mistake, _as_numbers, _report, _with_hint, check_function, check_value, finite_real, never_raises,
                    whole_number)

__all__ = ["check_minibatch_variance", "check_sgd_epoch", "check_robbins_monro", "check_escape_fraction"]


@never_raises
def check_minibatch_variance(answer, n=100, batch_size=10, sigma2=2.0, name="variance"):
    r"""Check :math:`\mathbb E\lVert g_B - \nabla L\rVert^2 =
    \frac{N-B}{N-1}\,\frac{\sigma^2}{B}` for a batch drawn without replacement.

    Answers to three significant digits. On made-up sizes (not the
    exercise's):

    >>> check_minibatch_variance(0.2, n=50, batch_size=5, sigma2=1.0)
    ✗ variance = 0.2 is not correct. Hint: That is σ²/B for batches drawn with replacement; one batch of a shuffled epoch has no repeats, which multiplies it by the finite-population correction (N − B)/(N − 1).
    False
    """
    if not (whole_number(n, 2) and whole_number(batch_size, 1) and finite_real(sigma2)) or not batch_size <= n \
            or float(sigma2) <= 0:
        return _report(False, "check_minibatch_variance: n and batch_size must be whole numbers with 1 ≤ batch_size ≤ n "
                              "and n ≥ 2, and sigma2 a positive number.")
    N, B, s2 = float(n), float(batch_size), float(sigma2)
    fpc = (N - B) / (N - 1)
    mistakes = [
        Mistake(s2 / B, "That is σ²/B for batches drawn with replacement; one batch of a shuffled epoch has no "
                        "repeats, which multiplies it by the finite-population correction (N − B)/(N − 1)."),
        Mistake((N - B) / N * s2 / B, "The correction divides by N − 1, not N: (N − B)/(N − 1)."),
        Mistake(fpc * s2, "The variance of a mean of B samples is divided by B."),
        Mistake(fpc * s2 / B**2, "Averaging B samples divides the variance by B, not by B²."),
        Mistake(s2, "That is the variance of a single sample's gradient; a batch averages B of them."),
        Mistake(fpc * np.sqrt(s2 / B), "The question asks for the variance (a squared distance), not a standard deviation."),
    ]
    expected = fpc * s2 / B
    mistakes = [m for m in mistakes if not np.isclose(m.answer, expected, rtol=1e-2)]
    return check_value(answer, expected, name=name, mistakes=mistakes,
                       idea="The variance of a batch mean: σ²/B, corrected for drawing without replacement.",
                       hint="Start from σ²/B and multiply by the finite-population correction (N − B)/(N − 1).")


# -- one epoch of mini-batch SGD on linear regression ---------------------------

def _epoch(w, b, x, y, lr, batch_size, *, mean=True, factor=2.0, keep_last=True, full=False, over_b=False):
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    for start in range(0, n, batch_size):
        idx = np.arange(start, min(start + batch_size, n))
        if not keep_last and len(idx) < batch_size:
            break
        xb, yb = (x, y) if full else (x[idx], y[idx])
        r = factor * (w * xb + b - yb)
        gw, gb = (np.mean(r * xb), np.mean(r)) if mean else (np.sum(r * xb), np.sum(r))
        if over_b:   # the sum divided by batch_size, also for the last, smaller batch
            gw, gb = np.sum(r * xb) / batch_size, np.sum(r) / batch_size
        w, b = w - lr * gw, b - lr * gb
    return (float(w), float(b))


_SGD_EPOCH_MISTAKES = [
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, mean=False),
            "The batch gradient is the *mean* over the batch, not the sum: with a sum the step grows with B."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, factor=1.0),
            "The derivative of (w·x + b − y)² is 2(w·x + b − y)·x: you dropped the factor 2."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, factor=-2.0),
            "The step went uphill: subtract lr times the gradient, whose sign follows the residual w·x + b − y."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, keep_last=False),
            "The last, smaller batch was dropped: when B does not divide N the epoch ends with a batch of N mod B samples."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, over_b=True),
            "The last batch has only N mod B examples: divide by its own size (use np.mean), not by B."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, full=True),
            "Each step used the gradient on all the data: a mini-batch step uses only its batch's samples."),
]


def _epoch_reference(w, b, x, y, lr, batch_size):
    return _epoch(w, b, x, y, lr, batch_size)


@never_raises
def check_sgd_epoch(candidate, name="my_sgd_epoch"):
    r"""Check one epoch of mini-batch SGD, in data order, on
    :math:`L = \frac1B\sum_{i\in\text{batch}} (w x_i + b - y_i)^2`: the function
    ``my_sgd_epoch(w, b, x, y, lr, batch_size)`` returns ``(w, b)`` after the
    :math:`\lceil N/B\rceil` steps.

    >>> check_sgd_epoch(lambda w, b, x, y, lr, batch_size: None)
    ✗ my_sgd_epoch(0.0, 0.0, [-1.0, -0.5, 0.0, 0.5, 1.0, 0.25, -0.75], [-2.4, -1.6, -0.4, 0.6, 1.4, 0.1, -2.0], 0.1, 2) returned None: did you forget a `return` statement? Hint: One step of eq-sgd-minibatch-step per batch, in the data's order, the last (smaller) batch included.
    False
    """
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 0.25, -0.75])
    y = np.array([-2.4, -1.6, -0.4, 0.6, 1.4, 0.1, -2.0])
    cases = [
        ((0.0, 0.0, x, y, 0.1, 2), {}),
        ((1.0, -1.0, x, y, 0.05, 3), {}),
        ((0.5, 0.5, x, y, 0.2, 7), {}),
        ((2.0, 0.0, x[:5], y[:5], 0.1, 1), {}),
    ]
    return check_function(candidate, _epoch_reference, cases, name=name, mistakes=_SGD_EPOCH_MISTAKES,
                          idea="One step of eq-sgd-minibatch-step per batch, in the data's order, the last (smaller) batch included.",
                          hint="Loop over start = 0, B, 2B, …; take x[start:start+B]; the gradient is the batch mean of "
                               "2(w·x + b − y)·(x, 1); update w and b before the next batch.")


# -- which schedules satisfy Robbins–Monro ----------------------------------------

ROBBINS_MONRO_CANDIDATES = (0.25, 0.5, 0.75, 1.0, 1.5)


@never_raises
def check_robbins_monro(answer, name="valid_p"):
    r"""Check which exponents :math:`p` among 0.25, 0.5, 0.75, 1, 1.5 make
    :math:`\eta_t = \eta_0 / t^p` satisfy both Robbins--Monro conditions,
    :math:`\sum_t \eta_t = \infty` (needs :math:`p \le 1`) and
    :math:`\sum_t \eta_t^2 < \infty` (needs :math:`p > 1/2`). The answer is
    a list (or tuple, set, array) of the valid exponents.

    >>> check_robbins_monro([2.0])
    ✗ valid_p = [2.0] is not correct. Hint: Choose among the exponents [0.25, 0.5, 0.75, 1.0, 1.5].
    False
    """
    try:
        if isinstance(answer, (set, frozenset)):
            answer = sorted(answer)
        numbers = _as_numbers(answer)
        if answer is None or answer is Ellipsis or numbers is None:
            return _report(False, _with_hint(f"{name} must be a list of exponents, got {answer!r}",
                                             "Test each exponent against the two conditions of eq-sgd-robbins-monro, "
                                             "and write the valid ones as a list, valid_p = [...]."))
        got = sorted(set(np.atleast_1d(numbers).round(6).tolist()))
        shown = f"{name} = {got}"
        if got == [0.75, 1.0]:
            return _report(True, f"{name} is correct.")
        if not set(got) <= set(ROBBINS_MONRO_CANDIDATES):
            return _report(False, _with_hint(f"{shown} is not correct",
                                             f"Choose among the exponents {list(ROBBINS_MONRO_CANDIDATES)}."))
        if 0.5 in got:
            hint = "For p = 1/2, η_t² = η_0²/t and the harmonic series diverges: the second condition fails (SGD may still improve; the conditions are sufficient, not necessary)."
        elif 1.5 in got:
            hint = "For p = 1.5 the steps themselves sum to a finite distance: SGD can stall before it arrives."
        elif 0.25 in got:
            hint = "For p = 1/4 the squares η_0²/√t still sum to infinity."
        elif 1.0 not in got:
            hint = "p = 1 is the classic choice: Σ 1/t diverges (harmonic series) while Σ 1/t² converges."
        elif 0.75 not in got:
            hint = "Check p = 3/4: Σ t^(-3/4) diverges and Σ t^(-3/2) converges."
        else:
            hint = "Test each p against both sums: Σ t^(-p) = ∞ needs p ≤ 1, Σ t^(-2p) < ∞ needs p > 1/2."
        return _report(False, _with_hint(f"{shown} is not correct", hint))
    except BaseException as error:  # defensive: a checker never raises
        return _report(False, f"{name} could not be checked ({type(error).__name__})")


# -- the measured escape fraction -------------------------------------------------

def _escape_fraction(batch_size, lr, *, n=64, mean_tilt=1.0, std=2.5, theta0=1.5, steps=500, seeds=200):
    r"""Fraction of seeds whose SGD run on the tilted wells
    (:func:`bpcore.sgd.escape_runs`) ends beyond the barrier, in the deep well."""
    tilts = sgd.make_tilts(n, mean_tilt, std, seed=0)
    _, barrier, _ = sgd.tilted_wells_critical_points(mean_tilt)
    paths = sgd.escape_runs(tilts, theta0, lr, batch_size, steps, seeds=range(seeds))
    return float(np.mean(paths[:, -1] < barrier))


_ESCAPE_SEEDS, _ESCAPE_SAMPLES = 200, 64


@never_raises
def check_escape_fraction(answer, batch_size=2, lr=0.05, name="fraction"):
    r"""Check a measured escape fraction for the chapter's tilted-wells setup
    (64 samples, 200 seeds, 500 steps from θ = 1.5) at ``batch_size`` (a
    divisor of 64) and ``lr``. A fraction of 200 runs is a multiple of
    1/200 = 0.005, so the answer must be that multiple exactly (a number
    between 0 and 1).

    >>> check_escape_fraction(0.1234)
    ✗ fraction = 0.1234 is not a multiple of 1/200: with 200 runs the fraction is (runs that escaped)/200. Hint: Count the runs whose last θ lies beyond the barrier, and divide by the number of runs.
    False
    """
    if not whole_number(batch_size, 1, _ESCAPE_SAMPLES) or _ESCAPE_SAMPLES % int(batch_size):
        return _report(False, f"check_escape_fraction: batch_size must be a divisor of {_ESCAPE_SAMPLES} "
                              f"(1, 2, 4, …, 64), got {batch_size!r}.")
    if not finite_real(lr) or not 0 < float(lr) <= 1:
        return _report(False, f"check_escape_fraction: lr must be a number in (0, 1], got {lr!r}.")
    idea = "Count the runs whose last θ lies beyond the barrier, and divide by the number of runs."
    numbers = _as_numbers(answer)
    if numbers is not None and numbers.shape == () and np.isfinite(numbers) \
            and abs(float(numbers) * _ESCAPE_SEEDS - round(float(numbers) * _ESCAPE_SEEDS)) > 1e-6:
        return _report(False, _with_hint(f"{name} = {float(numbers):g} is not a multiple of 1/{_ESCAPE_SEEDS}: with "
                                         f"{_ESCAPE_SEEDS} runs the fraction is (runs that escaped)/{_ESCAPE_SEEDS}", idea))
    expected = _escape_fraction(int(batch_size), float(lr))
    mistakes = [Mistake(_escape_fraction(int(batch_size), 0.1), "That is the fraction at the chapter's rate η = 0.1; rerun with the rate the exercise asks for."),
                Mistake(1 - expected, "That is the fraction that stayed in the shallow well; the question asks for the runs that escaped."),
                Mistake(100 * expected, "Give a fraction between 0 and 1, not a percentage.")]
    return check_value(answer, expected, name=name, mistakes=[m for m in mistakes if not np.isclose(m.answer, expected)],
                       rtol=0.0, atol=1e-9, idea=idea,
                       hint="Run bp.sgd.escape_runs with the chapter's tilts, start, steps and 200 seeds, "
                            "and count the runs whose last θ is below the barrier top.")
