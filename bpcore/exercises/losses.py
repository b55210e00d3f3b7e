r"""Checkers for chapter 1, loss functions."""

import numpy as np

from .. import losses
from ._core import Mistake, check_function

__all__ = ["check_mse", "check_huber", "check_log_softmax"]


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
    ✗ my_log_softmax([1000., 1001., 1002.]) returned [nan, nan, nan], which is not finite. Hint: exp(1000) overflows: subtract the largest logit first, log softmax(z) = (z − m) − log Σ exp(z − m) with m = max(z).
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
