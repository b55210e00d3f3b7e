r"""Checkers for chapter 1, loss functions."""

import numpy as np

from .. import loss_sweep, losses
from ._core import Mistake, _report, check_function, check_value

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


def check_mse(candidate, name="my_mse"):
    r"""Check an implementation of :math:`\mathrm{MSE} = \frac1n \sum_i (y_i - \hat y_i)^2`.

    >>> check_mse(lambda y, p: float(np.mean((np.asarray(y) - p) ** 2)))
    ✓ my_mse agrees with the reference on 4 test cases.
    True
    """
    return check_function(candidate, losses.mse, _regression_cases(), name=name, mistakes=_MSE_MISTAKES,
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


def check_huber(candidate, name="my_huber"):
    r"""Check an implementation of the Huber loss (mean over elements),
    :math:`\ell_\delta(r) = \tfrac12 r^2` for :math:`|r| \le \delta`, else
    :math:`\delta(|r| - \tfrac12\delta)`, with :math:`r = y - \hat y`.

    >>> check_huber(lambda y, p, delta=1.0: 0.0)
    ✗ my_huber(3.0, 1.5) returned 0.0, expected 1.0. Hint: Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere (np.where), then the mean.
    False
    """
    cases = _regression_cases() + [((np.array([0.0, 0.0]), np.array([0.5, 10.0])), {"delta": 2.0})]
    return check_function(candidate, losses.huber, cases, name=name, mistakes=_HUBER_MISTAKES,
                          hint="Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere (np.where), then the mean.")


def _naive_log_softmax(z):
    z = np.asarray(z, dtype=float)
    return np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True))


def _whole_array_log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


_LOG_SOFTMAX_MISTAKES = [
    Mistake(_whole_array_log_softmax,
            "You normalised over the whole array; each row is its own distribution: use axis=-1, keepdims=True."),
    Mistake(lambda z: np.asarray(z, dtype=float) - np.asarray(z, dtype=float).max(axis=-1, keepdims=True),
            "You subtracted the maximum but forgot the log-sum-exp term: log softmax(z) = (z − m) − log Σ exp(z − m)."),
]


def check_log_softmax(candidate, name="my_log_softmax"):
    r"""Check a numerically stable :math:`\log\operatorname{softmax}(z)_c =
    z_c - \log\sum_k e^{z_k}` along the last axis, including logits of size
    1000 where the naïve formula overflows.

    >>> check_log_softmax(_naive_log_softmax)
    ✗ my_log_softmax([1000.0, 1001.0, 1002.0]) returned [nan, nan, nan], which is not finite. Hint: exp(1000) overflows: subtract the largest logit first, log softmax(z) = (z − m) − log Σ exp(z − m) with m = max(z).
    False
    """
    rng = np.random.default_rng(1)
    cases = [
        ((np.array([1.0, 2.0, 3.0]),), {}),
        ((np.array([1000.0, 1001.0, 1002.0]),), {}),
        ((np.array([-1000.0, 0.0, 5.0]),), {}),
        ((rng.normal(scale=3.0, size=(4, 5)),), {}),
        ((np.array([[800.0, -800.0], [0.0, 0.0]]),), {}),
    ]
    # The naive formula's NaN is the symptom; its hint is the generic one, so
    # it is matched by the message below rather than listed as a Mistake.
    return check_function(candidate, losses.log_softmax, cases, name=name, mistakes=_LOG_SOFTMAX_MISTAKES,
                          hint="exp(1000) overflows: subtract the largest logit first, "
                               "log softmax(z) = (z − m) − log Σ exp(z − m) with m = max(z).")


# -- by-hand and explore exercises -------------------------------------------------

#: The data of the exercise "The gradient of MSE and of ½MSE".
MSE_GRADIENT_DATA = (np.array([1.0, 2.0, 3.0]), np.array([0.5, 2.5, 2.0]))


def _all_passed(results):
    return all(results)


def check_mse_gradient(grad_mse, grad_half_mse):
    r"""Check the gradients :math:`\partial\,\mathrm{MSE}/\partial\hat y_i = \tfrac2n(\hat y_i - y_i)`
    and :math:`\partial\,\tfrac12\mathrm{MSE}/\partial\hat y_i = \tfrac1n(\hat y_i - y_i)`
    evaluated by hand at ``MSE_GRADIENT_DATA`` (``y_true = [1, 2, 3]``,
    ``y_pred = [0.5, 2.5, 2]``). Arrays, lists and tuples are accepted.

    >>> check_mse_gradient([-1/3, 1/3, -2/3], [-1/6, 1/6, -1/3])
    ✓ grad_mse = [-0.3333, 0.3333, -0.6667] is correct.
    ✓ grad_half_mse = [-0.1667, 0.1667, -0.3333] is correct.
    True
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
    first = check_value(grad_mse, full, name="grad_mse", mistakes=[
        *common[:2], Mistake(half, "That is the gradient of ½MSE; without the ½ the 2 of the square stays: 2(ŷ − y)/n."),
        Mistake(-half, "Two slips: the 2 of the square is missing and the sign is flipped.")],
        hint="Only the i-th term of the sum depends on ŷ_i; differentiate (y_i − ŷ_i)² by the chain rule and divide by n.")
    second = check_value(grad_half_mse, half, name="grad_half_mse", mistakes=[
        *common[2:], Mistake(full, "That is the gradient of MSE; the ½ cancels the 2 of the square: (ŷ − y)/n."),
        Mistake(-full, "Two slips: the ½ should cancel the 2, and the sign is flipped.")],
        hint="The ½ cancels the 2 that the square brings down: the i-th entry is (ŷ_i − y_i)/n.")
    return _all_passed([first, second])


#: The data of the exercise "The gradient of softmax cross-entropy".
SOFTMAX_GRADIENT_DATA = (np.array([1]), np.array([[1.0, -0.5, 2.0]]))


def check_softmax_gradient(grad_z):
    r"""Check :math:`\partial L/\partial z = p - y` for one observation with
    logits ``[1, -0.5, 2]`` and correct class 1, worked out by hand (the
    three entries, as an array, list or tuple; shape ``(3,)`` or ``(1, 3)``).

    >>> p = np.exp([1.0, -0.5, 2.0]) / np.exp([1.0, -0.5, 2.0]).sum()
    >>> check_softmax_gradient(p - [0, 1, 0])
    ✓ grad_z = [0.2537, -0.9434, 0.6897] is correct.
    True
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
    ]
    answer = grad_z
    numbers = None
    try:
        numbers = np.asarray(grad_z, dtype=float) if not isinstance(grad_z, (str, bytes)) else None
    except Exception:
        numbers = None
    if numbers is not None and numbers.shape == (1, 3):
        answer = numbers[0]
    return check_value(answer, expected, name="grad_z", mistakes=mistakes,
                       hint="Write L = −z_correct + log Σ_k exp(z_k) and differentiate each z_c: the result is p_c − y_c.")


def check_best_constants(c_mse, c_mae, c_huber, y_true=(1.0, 2.0, 3.0, 4.0, 50.0), tol=0.01):
    r"""Check the constants that minimise MSE, MAE and Huber (δ = 1) over
    ``y_true`` (found by a scan, so within ``tol``). References from
    :func:`bpcore.loss_sweep.best_constant`.

    >>> check_best_constants(12.0, 3.0, 3.0)
    ✓ c_mse = 12.0 is correct.
    ✓ c_mae = 3.0 is correct.
    ✓ c_huber = 3.0 is correct.
    True
    """
    mean, median = loss_sweep.best_constant(y_true, "mse"), loss_sweep.best_constant(y_true, "mae")
    huber = loss_sweep.best_constant(y_true, "huber", delta=1.0)
    tolerance = dict(rtol=0.0, atol=tol)
    results = [
        check_value(c_mse, mean, name="c_mse", **tolerance, mistakes=[
            Mistake(median, "That is the median, MAE's choice; squared error pulls the constant to the mean.")],
            hint="Scan c over a grid, evaluate bp.losses.mse(y, c) for each, and take the c with the smallest loss."),
        check_value(c_mae, median, name="c_mae", **tolerance, mistakes=[
            Mistake(mean, "That is the mean, MSE's choice; the absolute error is smallest at the median.")],
            hint="Scan c over a grid, evaluate bp.losses.mae(y, c) for each, and take the c with the smallest loss."),
        check_value(c_huber, huber, name="c_huber", **tolerance, mistakes=[
            Mistake(mean, "That is the mean; with δ = 1 the outlier's pull is capped at δ/n, no larger than any other point's, "
                             "and at the median the clipped residuals +1, +1, 0, −1, −1 cancel: Huber picks the median."),
            Mistake(0.5 * (mean + median), "Huber is not halfway between: with δ = 1 its minimiser is exactly the median.")],
            hint="Scan c over a fine grid with bp.losses.huber(y, c) (δ = 1) and take the c with the smallest loss."),
    ]
    return _all_passed(results)


def check_huber_median_delta(delta_max, y_true=(1.0, 2.0, 3.0, 4.0, 50.0)):
    r"""Check the largest :math:`\delta` for which Huber's best constant over
    ``y_true`` is still the median. At :math:`c = \operatorname{median}(y)` the Huber gradient
    is :math:`\tfrac1n\sum_i \operatorname{clip}(c - y_i, -\delta, \delta)`;
    for the default data it vanishes exactly while :math:`\delta \le 2`.

    >>> check_huber_median_delta(2.0)
    ✓ delta_max = 2.0 is correct.
    True
    """
    y = np.sort(np.asarray(y_true, dtype=float))
    median = float(np.median(y))
    # Largest delta with sum(clip(median - y, -delta, delta)) == 0: scan the
    # candidate kinks |median - y_i| (the sum is piecewise linear in delta).
    kinks = np.unique(np.abs(median - y[y != median]))
    ok = [d for d in kinks if abs(np.sum(np.clip(median - y, -d, d))) < 1e-12]
    if not ok:
        return _report(False, "check_huber_median_delta: these targets have no such delta")
    expected = float(max(ok))
    mistakes = [
        Mistake(1.0, "δ = 1 is the default and does give the median, but it is not the largest such δ: try δ = 1.5."),
        Mistake(float(np.max(np.abs(y - median))), "That is the outlier's distance from the median; long before it the "
                                                   "clipped residuals stop cancelling."),
        Mistake(float(np.max(np.abs(y - np.mean(y)))), "That is where Huber's constant reaches the mean (every residual "
                                                       "inside δ); the question is where it leaves the median."),
        Mistake(float(np.mean(y) - median), "That is the distance between the mean and the median."),
    ]
    return check_value(delta_max, expected, name="delta_max", mistakes=mistakes, rtol=0.0, atol=0.05,
                       hint="At c = median, add up clip(c − y_i, −δ, δ) over the targets: find the largest δ at which the sum is still 0.")
