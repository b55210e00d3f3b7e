r"""Checkers for chapter 6, stochastic and mini-batch gradient descent."""

import numpy as np

from .. import sgd
from ._core import Mistake, _as_numbers, _report, _with_hint, check_function, check_value, finite_real

__all__ = ["check_minibatch_variance", "check_sgd_epoch", "check_robbins_monro", "check_escape_fraction"]


def check_minibatch_variance(answer, n=100, batch_size=10, sigma2=2.0, name="variance"):
    r"""Check :math:`\mathbb E\lVert g_B - \nabla L\rVert^2 =
    \frac{N-B}{N-1}\,\frac{\sigma^2}{B}` for a batch drawn without replacement.

    >>> check_minibatch_variance(90 / 99 * 0.2)
    ✓ variance = 0.181818 is correct.
    True
    >>> check_minibatch_variance(0.2)
    ✗ variance = 0.2 is not correct. Hint: That is σ²/B for batches drawn with replacement; one batch of a shuffled epoch has no repeats, which multiplies it by the finite-population correction (N − B)/(N − 1).
    False
    """
    if not (finite_real(n) and finite_real(batch_size) and finite_real(sigma2)) or not 1 <= batch_size <= n or n < 2:
        return _report(False, "n, batch_size and sigma2 must be numbers with 1 ≤ batch_size ≤ n and n ≥ 2.")
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
    return check_value(answer, fpc * s2 / B, name=name, mistakes=mistakes,
                       hint="Start from σ²/B and multiply by the finite-population correction (N − B)/(N − 1).")


# -- one epoch of mini-batch SGD on linear regression ---------------------------

def _epoch(w, b, x, y, lr, batch_size, *, mean=True, factor=2.0, keep_last=True, full=False, by_B=False):
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    for start in range(0, n, batch_size):
        idx = np.arange(start, min(start + batch_size, n))
        if not keep_last and len(idx) < batch_size:
            break
        xb, yb = (x, y) if full else (x[idx], y[idx])
        r = factor * (w * xb + b - yb)
        gw, gb = (np.mean(r * xb), np.mean(r)) if mean else (np.sum(r * xb), np.sum(r))
        if by_B:
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
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, by_B=True),
            "The last batch has only N mod B examples: divide by its own size (use np.mean), not by B."),
    Mistake(lambda w, b, x, y, lr, batch_size: _epoch(w, b, x, y, lr, batch_size, full=True),
            "Each step used the gradient on all the data: a mini-batch step uses only its batch's samples."),
]


def _epoch_reference(w, b, x, y, lr, batch_size):
    return _epoch(w, b, x, y, lr, batch_size)


def check_sgd_epoch(candidate, name="my_sgd_epoch"):
    r"""Check one epoch of mini-batch SGD, in data order, on
    :math:`L = \frac1B\sum_{i\in\text{batch}} (w x_i + b - y_i)^2`: the function
    ``my_sgd_epoch(w, b, x, y, lr, batch_size)`` returns ``(w, b)`` after the
    :math:`\lceil N/B\rceil` steps.

    >>> check_sgd_epoch(_epoch_reference)
    ✓ my_sgd_epoch agrees with the reference on 4 test cases.
    True
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
                          hint="Loop over start = 0, B, 2B, …; take x[start:start+B]; the gradient is the batch mean of "
                               "2(w·x + b − y)·(x, 1); update w and b before the next batch.")


# -- which schedules satisfy Robbins–Monro ----------------------------------------

ROBBINS_MONRO_CANDIDATES = (0.25, 0.5, 0.75, 1.0, 1.5)


def check_robbins_monro(answer, name="valid_p"):
    r"""Check which exponents :math:`p` among 0.25, 0.5, 0.75, 1, 1.5 make
    :math:`\eta_t = \eta_0 / t^p` satisfy both Robbins--Monro conditions,
    :math:`\sum_t \eta_t = \infty` (needs :math:`p \le 1`) and
    :math:`\sum_t \eta_t^2 < \infty` (needs :math:`p > 1/2`). The answer is
    a list (or tuple, set, array) of the valid exponents.

    >>> check_robbins_monro([1.0, 0.75])
    ✓ valid_p = [0.75, 1.0] is correct.
    True
    >>> check_robbins_monro([0.5, 0.75, 1.0])
    ✗ valid_p = [0.5, 0.75, 1.0] is not correct. Hint: For p = 1/2, η_t² = η_0²/t and the harmonic series diverges: the second condition fails (SGD may still improve; the conditions are sufficient, not necessary).
    False
    """
    try:
        if isinstance(answer, (set, frozenset)):
            answer = sorted(answer)
        numbers = _as_numbers(answer)
        if answer is None or answer is Ellipsis or numbers is None:
            return _report(False, _with_hint(f"{name} must be a list of exponents, got {answer!r}",
                                             "Write e.g. valid_p = [0.25, 1.5] with the exponents you found."))
        got = sorted(set(np.atleast_1d(numbers).round(6).tolist()))
        shown = f"{name} = {got}"
        if got == [0.75, 1.0]:
            return _report(True, f"{shown} is correct.")
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

def escape_fraction(batch_size, lr, *, n=64, mean_tilt=1.0, std=2.5, theta0=1.5, steps=500, seeds=200):
    r"""Fraction of seeds whose SGD run on the tilted wells
    (:func:`bpcore.sgd.escape_runs`) ends beyond the barrier, in the deep well."""
    tilts = sgd.make_tilts(n, mean_tilt, std, seed=0)
    _, barrier, _ = sgd.tilted_wells_critical_points(mean_tilt)
    paths = sgd.escape_runs(tilts, theta0, lr, batch_size, steps, seeds=range(seeds))
    return float(np.mean(paths[:, -1] < barrier))


def check_escape_fraction(answer, batch_size=2, lr=0.05, name="fraction"):
    r"""Check a measured escape fraction for the chapter's tilted-wells setup
    (64 samples, 200 seeds, 500 steps from θ = 1.5) at ``batch_size`` and ``lr``.

    >>> check_escape_fraction(escape_fraction(2, 0.05))
    ✓ fraction = 0.1 is correct.
    True
    """
    if not finite_real(lr) or not finite_real(batch_size):
        return _report(False, "batch_size and lr must be numbers.")
    expected = escape_fraction(int(batch_size), float(lr))
    mistakes = [Mistake(escape_fraction(int(batch_size), 0.1), "That is the fraction at the chapter's rate η = 0.1; rerun with the rate the exercise asks for."),
                Mistake(100 * expected, "Give a fraction between 0 and 1, not a percentage.")]
    return check_value(answer, expected, name=name, mistakes=[m for m in mistakes if not np.isclose(m.answer, expected)],
                       atol=1e-9, hint="Run bp.sgd.escape_runs with the chapter's tilts, start, steps and 200 seeds, "
                                       "and count the runs whose last θ is below the barrier top.")
