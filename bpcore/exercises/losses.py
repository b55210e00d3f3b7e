r"""Checkers for chapter 1, loss functions."""

import numpy as np

from .. import loss_sweep, losses
from ._core import Mistake, _as_numbers, _report, check_function, check_value, finite_real, never_raises

__all__ = ["check_mse", "check_huber", "check_log_softmax", "check_mse_gradient", "check_softmax_gradient",
           "check_best_constants", "check_huber_median_delta"]


def _regression_cases():
    rng = np.random.default_rng(0)
    y = rng.normal(size=6)
    y_hat = y + rng.normal(scale=2.0, size=6)
    return [
        ((3.0, 1.5), {}),
        ((np.array([0.0, 0.0, 0.0]), np.array([0.5, -3.0, 1.0])), {}),
        ((y, y_hat), {}),
        ((y.reshape(2, 3), y_hat.reshape(2, 3)), {}),
    ]


def _residual(y_true, y_pred):
    return np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)


_MSE_MISTAKES = [
    Mistake(lambda y, p: float(np.mean(_residual(y, p))),
            "You averaged the signed residuals: positive and negative errors cancel. Square them first."),
    Mistake(lambda y, p: float(np.mean(np.abs(_residual(y, p)))), "That is the MAE; the MSE squares the residuals."),
    Mistake(lambda y, p: float(np.sum(_residual(y, p) ** 2)), "You summed the squares; the MSE is their mean (divide by the number of elements)."),
    Mistake(lambda y, p: 0.5 * float(np.mean(_residual(y, p) ** 2)), "That is ½·MSE (half_mse); the MSE has no ½."),
    Mistake(lambda y, p: float(np.sqrt(np.mean(_residual(y, p) ** 2))), "That is the root of the MSE (RMSE); leave out the square root."),
]


@never_raises
def check_mse(candidate, name="my_mse"):
    r"""Check an implementation of :math:`\mathrm{MSE} = \frac1n \sum_i (y_i - \hat y_i)^2`
    (``candidate(y_true, y_pred)``, numbers or arrays of any matching shape).

    >>> check_mse(lambda y, p: None)
    ✗ my_mse(3.0, 1.5) returned None: did you forget a `return` statement? Hint: The MSE is the mean of the squared residuals (y − ŷ)².
    False
    """
    return check_function(candidate, losses.mse, _regression_cases(), name=name, mistakes=_MSE_MISTAKES,
                          idea="The MSE is the mean of the squared residuals (y − ŷ)².",
                          hint="Square the residuals y_true - y_pred, then take the mean over all elements.")


def _huber_variant(small, large):
    def wrong(y, p, delta=1.0):
        r = np.abs(_residual(y, p))
        return float(np.mean(np.where(r <= delta, small(r, delta), large(r, delta))))
    return wrong


_HUBER_MISTAKES = [
    Mistake(_huber_variant(lambda r, d: r**2, lambda r, d: d * (r - 0.5 * d)),
            "The quadratic part is ½r², not r²: with ½ the two pieces meet with the same slope at |r| = δ."),
    Mistake(_huber_variant(lambda r, d: 0.5 * r**2, lambda r, d: d * r),
            "The linear part is δ(|r| − ½δ): without the −½δ the two pieces do not meet at |r| = δ."),
    Mistake(_huber_variant(lambda r, d: 0.5 * r**2, lambda r, d: 0.5 * r**2), "That is ½·MSE everywhere; beyond |r| = δ the loss must grow linearly."),
    Mistake(lambda y, p, delta=1.0: float(np.sum(_huber_variant(lambda r, d: 0.5 * r**2, lambda r, d: d * (r - 0.5 * d))(np.ravel(y), np.ravel(p), delta)) * np.size(y)),
            "You summed; the loss is the mean over all elements."),
]


@never_raises
def check_huber(candidate, name="my_huber"):
    r"""Check an implementation of the Huber loss (mean over elements),
    :math:`\ell_\delta(r) = \tfrac12 r^2` for :math:`|r| \le \delta`, else
    :math:`\delta(|r| - \tfrac12\delta)`, with :math:`r = y - \hat y`.

    Accepts a function ``my_huber(y_true, y_pred, delta=1.0)``; the test
    cases are scalars, vectors, a 2-D array and ``delta=2``.

    >>> check_huber(lambda y, p, delta=1.0: 0.0)
    ✗ my_huber(3.0, 1.5) returned 0.0, expected 1.0. Hint: Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere, then the mean over all elements.
    False
    """
    cases = _regression_cases() + [((np.array([0.0, 0.0]), np.array([0.5, 10.0])), {"delta": 2.0})]
    return check_function(candidate, losses.huber, cases, name=name, mistakes=_HUBER_MISTAKES,
                          idea="Follow the two pieces of the Huber loss (eq-mae-huber): quadratic inside |r| ≤ δ, "
                               "linear outside, averaged over all elements.",
                          hint="Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere, then the mean over all elements.")


def _f(z):
    return np.asarray(z, dtype=float)


def _naive_log_softmax(z):
    z = _f(z)
    return np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))


def _whole_array_log_softmax(z):
    z = _f(z)
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


def _stable(z, axis=-1, keepdims=True):
    z = _f(z)
    m = z.max(axis=axis, keepdims=keepdims)
    shifted = z - m
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=keepdims))


_LOG_SOFTMAX_MISTAKES = [
    Mistake(_naive_log_softmax,
            "exp(1000) overflows: subtract the largest logit first, log softmax(z) = (z − m) − log Σ exp(z − m) "
            "with m = max(z)."),
    Mistake(_whole_array_log_softmax,
            "You normalised over the whole array; each row is its own distribution: use axis=-1, keepdims=True."),
    Mistake(lambda z: _stable(z, axis=0),
            "You normalised each column (axis 0); each row of logits is one distribution: use axis=-1."),
    Mistake(lambda z: _stable(z, keepdims=False),
            "For a 2-D array the row maxima and row sums must keep their axis (keepdims=True), or they broadcast "
            "against the wrong axis."),
    Mistake(lambda z: np.log10(np.exp(_stable(z))),
            "That is a base-10 logarithm; log-softmax uses the natural log (np.log)."),
    Mistake(lambda z: np.exp(_stable(z)),
            "That is softmax(z) itself; the exercise asks for its logarithm."),
    Mistake(lambda z: _f(z) - _f(z).max(axis=-1, keepdims=True),
            "You subtracted the maximum but forgot the log-sum-exp term: log softmax(z) = (z − m) − log Σ exp(z − m)."),
]


@never_raises
def check_log_softmax(candidate, name="my_log_softmax"):
    r"""Check a numerically stable :math:`\log\operatorname{softmax}(z)_c =
    z_c - \log\sum_k e^{z_k}` along the last axis (``candidate(z)`` for a 1-D
    or 2-D array), including logits near 1000 where the naïve formula
    overflows.

    >>> check_log_softmax(lambda z: z)
    ✗ my_log_softmax([1.0, 2.0, 3.0]) returned [1.0, 2.0, 3.0], expected [-2.408, -1.408, -0.4076]. Hint: Subtract from z the log-sum-exp of its row; compare with bp.losses.log_softmax on a small example to see which part differs.
    False
    """
    rng = np.random.default_rng(1)
    cases = [
        ((np.array([1.0, 2.0, 3.0]),), {}),
        ((np.array([998.0, 1000.0, 1003.0]),), {}),
        ((np.array([-1000.0, 0.0, 5.0]),), {}),
        ((rng.normal(scale=3.0, size=(4, 5)),), {}),
        ((np.array([[800.0, -800.0], [0.0, 0.0]]),), {}),
        ((np.array([[1.0, 2.0], [3.0, 5.0], [0.5, -1.0]]),), {}),
    ]
    return check_function(candidate, losses.log_softmax, cases, name=name, mistakes=_LOG_SOFTMAX_MISTAKES,
                          idea="Use the log-sum-exp identity (eq-logsumexp): log softmax(z) = z − log Σ_k exp(z_k), "
                               "with the largest logit taken out of the sum.",
                          hint="Subtract from z the log-sum-exp of its row; compare with bp.losses.log_softmax on a "
                               "small example to see which part differs.")


# -- by-hand and explore exercises -------------------------------------------------

#: The data of the exercise "The gradient of MSE and of ½MSE".
MSE_GRADIENT_DATA = (np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.5, 2.0]))


def _all_passed(results):
    return all(results)


@never_raises
def check_mse_gradient(grad_mse, grad_half_mse):
    r"""Check the gradients :math:`\partial\,\mathrm{MSE}/\partial\hat y_i`
    and :math:`\partial\,\tfrac12\mathrm{MSE}/\partial\hat y_i`
    evaluated by hand at ``MSE_GRADIENT_DATA`` (``y_true = [1, 2, 3]``,
    ``y_pred = [0.5, 2.5, 2]``): three numbers each, as an array, list or
    tuple, to three significant digits.

    >>> check_mse_gradient(None, None)
    ✗ grad_mse is None: replace the ... with your answer. Hint: Only the i-th term of the mean depends on ŷ_i: differentiate it with the chain rule.
    ✗ grad_half_mse is None: replace the ... with your answer. Hint: Only the i-th term of the mean depends on ŷ_i: differentiate it with the chain rule.
    False
    """
    y, p = MSE_GRADIENT_DATA
    n = y.size
    full, half = losses.mse_grad(y, p), losses.half_mse_grad(y, p)
    common = [
        Mistake(2 * (y - p) / n, "The sign is flipped: the derivative of (y − ŷ)² with respect to ŷ is −2(y − ŷ) = 2(ŷ − y)."),
        Mistake(2 * (p - y), "You forgot the 1/n of the mean: each term of the sum is divided by n = 3."),
        Mistake((y - p) / n, "The sign is flipped: ∂/∂ŷ of ½(y − ŷ)² is −(y − ŷ) = ŷ − y, and the mean divides by n."),
        Mistake(p - y, "You forgot the 1/n of the mean: each term of the sum is divided by n = 3."),
    ]
    idea = "Only the i-th term of the mean depends on ŷ_i: differentiate it with the chain rule."
    first = check_value(grad_mse, full, name="grad_mse", idea=idea, mistakes=[
        *common[:2], Mistake(half, "That is the gradient of ½MSE; without the ½ the 2 of the square stays: 2(ŷ − y)/n."),
        Mistake(-half, "Two slips: the 2 of the square is missing and the sign is flipped.")],
        hint="Only the i-th term of the sum depends on ŷ_i; differentiate (y_i − ŷ_i)² by the chain rule and divide by n.")
    second = check_value(grad_half_mse, half, name="grad_half_mse", idea=idea, mistakes=[
        *common[2:], Mistake(full, "That is the gradient of MSE; the ½ cancels the 2 of the square: (ŷ − y)/n."),
        Mistake(-full, "Two slips: the ½ should cancel the 2, and the sign is flipped.")],
        hint="The ½ cancels the 2 that the square brings down: the i-th entry is (ŷ_i − y_i)/n.")
    return _all_passed([first, second])


#: The data of the exercise "The gradient of softmax cross-entropy".
SOFTMAX_GRADIENT_DATA = (np.array([1]), np.array([[1.0, -0.5, 2.0]]))


@never_raises
def check_softmax_gradient(grad_z):
    r"""Check :math:`\partial L/\partial z = p - y` for one observation with
    logits ``[1, -0.5, 2]`` and correct class 1, worked out by hand: the
    three real entries, as an array, list or tuple of shape ``(3,)`` (or the
    one-row batch ``(1, 3)``), to three significant digits. Strings and
    complex numbers are refused.

    >>> check_softmax_gradient("0.1 0.2 0.3")
    ✗ grad_z is a str ('0.1 0.2 0.3'), expected a real number or an array of them. Hint: Write L = −z_correct + log Σ_k exp(z_k) and differentiate each z_c: the result is p_c − y_c.
    False
    """
    labels, z = SOFTMAX_GRADIENT_DATA
    p = losses.softmax(z)[0]
    onehot = np.eye(z.shape[1])[labels[0]]
    expected = losses.softmax_cross_entropy_grad(labels, z)[0]
    mistakes = [
        Mistake(onehot - p, "The sign is flipped: raising the correct logit lowers the loss, so its entry is negative (p_c − y_c)."),
        Mistake(p, "You dropped the −y_c term: differentiating −z_correct gives −1 in the correct class's entry."),
        Mistake(-onehot / p, "That is ∂L/∂p (−y_c/p_c); the question asks for the gradient with respect to the logits z, through the softmax."),
        Mistake(-onehot, "You differentiated only −z_correct; the log-sum-exp term contributes softmax(z)."),
        Mistake(p - np.eye(p.size)[0], "That subtracts 1 in the first entry; the correct class is the second "
                                       "logit (label 1, as the code counts classes from 0)."),
    ]
    hint = "Write L = −z_correct + log Σ_k exp(z_k) and differentiate each z_c: the result is p_c − y_c."
    return check_value(grad_z, expected, name="grad_z", mistakes=mistakes, idea=hint,
                       hint="Compute p = bp.losses.softmax of the logits, then subtract 1 in the correct class's entry.")


#: Tolerance of the scan exercise "Which constant does each loss prefer?":
#: a grid from 0 to 15 with a step of at most 0.1 finds each constant within 0.1.
BEST_CONSTANT_TOL = 0.1


@never_raises
def check_best_constants(c_mse, c_mae, c_huber, y_true=(1.0, 2.0, 3.0, 4.0, 50.0), tol=BEST_CONSTANT_TOL):
    r"""Check the constants that minimise MSE, MAE and Huber (δ = 1) over
    ``y_true``, found by a scan: each is accepted within ``tol`` (the grid
    step). References from :func:`bpcore.loss_sweep.best_constant`.

    On made-up targets (not the exercise's):

    >>> check_best_constants(2.0, 1.0, 2.0, y_true=(0.0, 1.0, 5.0))
    ✓ c_mse is correct.
    ✓ c_mae is correct.
    ✗ c_huber = 2.0 is not correct. Hint: That is the mean; with δ = 1 the outlier's pull is capped at δ/n, no larger than any other point's, and at the median the clipped residuals +1, +1, 0, −1, −1 cancel: Huber picks the median.
    False
    """
    y = _as_numbers(y_true)
    if y is None or y.ndim != 1 or y.size == 0 or not np.all(np.isfinite(y)) or not finite_real(tol) or tol <= 0:
        return _report(False, "check_best_constants: y_true must be a non-empty list of finite numbers and tol a "
                              "positive number.")
    mean, median = loss_sweep.best_constant(y, "mse"), loss_sweep.best_constant(y, "mae")
    huber = loss_sweep.best_constant(y, "huber", delta=1.0)
    tolerance = dict(rtol=0.0, atol=float(tol))
    scan = "Scan c over a grid from 0 to 15 in steps of at most {0}, evaluate {1}(y_outlier, np.full_like(y_outlier, c)) for each, and take the c with the smallest loss."
    close = lambda a, b: abs(a - b) <= 2 * float(tol)
    results = [
        check_value(c_mse, mean, name="c_mse", **tolerance,
                    mistakes=[] if close(mean, median) else [
                        Mistake(median, "That is the median, MAE's choice; squared error pulls the constant to the mean.")],
                    idea="The constant that minimises a loss over the targets: scan c and compare the losses.",
                    hint=scan.format(tol, "bp.losses.mse")),
        check_value(c_mae, median, name="c_mae", **tolerance,
                    mistakes=[] if close(mean, median) else [
                        Mistake(mean, "That is the mean, MSE's choice; the absolute error is smallest at the median.")],
                    idea="The constant that minimises a loss over the targets: scan c and compare the losses.",
                    hint=scan.format(tol, "bp.losses.mae")),
        check_value(c_huber, huber, name="c_huber", **tolerance,
                    mistakes=[m for m in [
                        Mistake(mean, "That is the mean; with δ = 1 the outlier's pull is capped at δ/n, no larger than any other point's, and at the median the clipped residuals +1, +1, 0, −1, −1 cancel: Huber picks the median."),
                        Mistake(0.5 * (mean + median), "Huber is not halfway between: with δ = 1 its minimiser is exactly the median.")]
                              if not close(m.answer, huber)],
                    idea="The constant that minimises a loss over the targets: scan c and compare the losses.",
                    hint="Scan c over a fine grid, evaluate bp.losses.huber(y_outlier, np.full_like(y_outlier, c)) "
                         "(δ = 1) for each, and take the c with the smallest loss."),
    ]
    return _all_passed(results)


@never_raises
def check_huber_median_delta(delta_max, y_true=(1.0, 2.0, 3.0, 4.0, 50.0)):
    r"""Check the largest :math:`\delta` for which Huber's best constant over
    ``y_true`` is still the median, to three significant digits. At
    :math:`c = \operatorname{median}(y)` the Huber gradient is
    :math:`\tfrac1n\sum_i \operatorname{clip}(c - y_i, -\delta, \delta)`; the
    answer is the largest :math:`\delta` at which that sum is still 0.

    On made-up targets (not the exercise's):

    >>> check_huber_median_delta(1.0, y_true=(0.0, 1.0, 4.0, 7.0, 20.0))
    ✗ delta_max = 1.0 is not correct. Hint: That is the default δ = 1: it keeps the median here, but it is not the largest such δ.
    False
    """
    y = _as_numbers(y_true)
    if y is None or y.ndim != 1 or y.size == 0 or not np.all(np.isfinite(y)):
        return _report(False, "check_huber_median_delta: y_true must be a non-empty list of finite numbers.")
    y = np.sort(y)
    median = float(np.median(y))
    # Largest delta with sum(clip(median - y, -delta, delta)) == 0: scan the
    # candidate kinks |median - y_i| (the sum is piecewise linear in delta).
    kinks = np.unique(np.abs(median - y[y != median]))
    ok = [d for d in kinks if abs(np.sum(np.clip(median - y, -d, d))) < 1e-12]
    if not ok:
        return _report(False, "check_huber_median_delta: these targets have no such delta")
    expected = float(max(ok))
    candidates = [
        Mistake(1.0, "That is the default δ = 1: it keeps the median here, but it is not the largest such δ."),
        Mistake(float(np.max(np.abs(y - median))), "That is the outlier's distance from the median; long before it the "
                                                   "clipped residuals stop cancelling."),
        Mistake(float(np.max(np.abs(y - np.mean(y)))), "That is where Huber's constant reaches the mean (every residual "
                                                       "inside δ); the question is where it leaves the median."),
        Mistake(float(np.mean(y) - median), "That is the distance between the mean and the median."),
    ]
    mistakes, seen = [], set()
    for m in candidates:
        if not np.isclose(m.answer, expected, rtol=5e-3) and round(m.answer, 9) not in seen:
            seen.add(round(m.answer, 9))
            mistakes.append(m)
    return check_value(delta_max, expected, name="delta_max", mistakes=mistakes,
                       idea="At c = median the Huber gradient is the mean of clip(c − y_i, −δ, δ): the median stays "
                            "the best constant while that sum is 0.",
                       hint="At c = median, add up clip(c − y_i, −δ, δ) over the targets: find the largest δ at which the sum is still 0.")
