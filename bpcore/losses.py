r"""Loss functions and their gradients.

Conventions (the same in every function):

* Arguments are ``(y_true, y_pred)``, like scikit-learn. ``y_true`` is plain
  data (a number or an array); ``y_pred`` may also be a
  :class:`~bpcore.autodiff.Tensor`.
* Regression losses average over all elements; classification losses average
  over the ``n`` observations (rows).
* With an array (or number) ``y_pred`` a loss returns a Python ``float``;
  with a Tensor ``y_pred`` it returns a scalar Tensor, so ``loss.backward()``
  works. Both come from the *same* expression: each formula is written once,
  with operations (``-``, ``**``, ``.mean()``, :func:`~bpcore.autodiff.log`,
  ...) that ndarrays and Tensors share.
* ``X_grad(y_true, y_pred)`` is :math:`\partial X / \partial y_\text{pred}`,
  derived by hand (the tests check it against finite differences and against
  autodiff). It has the shape of ``y_pred``, or is a float for a number.
* Shapes must match exactly: ``(n,)`` against ``(n, 1)`` raises ValueError
  naming both shapes instead of broadcasting to ``(n, n)``. Non-numeric input
  raises TypeError. Inputs are never modified.

**Probabilities of exactly 0 or 1.** :func:`binary_cross_entropy` clips ``p``
to :math:`[\varepsilon, 1-\varepsilon]` and :func:`cross_entropy` clips it to
:math:`[\varepsilon, 1]`, with :data:`EPS` :math:`=\varepsilon=10^{-12}`,
before taking logarithms. The loss is then always finite (at most
:math:`-\ln 10^{-12} \approx 27.6` per observation) and never warns. The
gradients are those of the clipped function: exact inside the clip range and
zero where the clip is active (the clipped loss is flat there). To train a
classifier, prefer :func:`binary_cross_entropy_with_logits` (two classes)
or :func:`softmax_cross_entropy` (any number), which work on logits and need
no clipping at all.
"""

import functools
import inspect
import math
import numbers

import numpy as np

from ._checks import as_float64, check_in_unit_interval, check_nonempty, check_same_shape, to_float
from ._checks import positive_number
from .autodiff import Tensor, exp, log, log_softmax as _log_softmax

__all__ = [
    "EPS",
    "mse", "mse_grad", "half_mse", "half_mse_grad", "mae", "mae_grad", "huber", "huber_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad",
    "cross_entropy", "cross_entropy_grad",
    "softmax", "log_softmax", "softmax_cross_entropy", "softmax_cross_entropy_grad",
]

#: Probabilities are clipped to ``[EPS, 1 - EPS]`` before ``log`` in the cross-entropies.
EPS = 1e-12


# -- plumbing: validation and the array/Tensor dispatch ------------------------

def _prediction(y_pred, name):
    """(value to compute with, its float64 array): a Tensor stays a Tensor."""
    if isinstance(y_pred, Tensor):
        return y_pred, y_pred.data
    arr = as_float64(y_pred, name)
    return arr, arr


def _pair(y_true, y_pred, name="y_pred"):
    """Validated ``(y, y_pred, y_pred values)`` for element-wise losses."""
    y = as_float64(y_true, "y_true")
    yhat, values = _prediction(y_pred, name)
    if y.size != values.size:   # no reshape can help: say so rather than suggest one
        raise ValueError(f"y_true has shape {y.shape} ({y.size} values) but {name} has shape {values.shape} "
                         f"({values.size} values); a loss needs one prediction per target")
    check_same_shape(y, values, "y_true", name)
    check_nonempty(y, "y_true")
    return y, yhat, values


def _class_targets(y_true, values, name):
    """Targets as an ``(n, M)`` array: integer labels become one-hot rows."""
    if values.ndim != 2:
        raise ValueError(f"{name} must have shape (n, M) (one row per observation), got shape {values.shape}")
    n, n_classes = values.shape
    y = as_float64(y_true, "y_true")   # numeric and rectangular
    labels = np.asarray(y_true)
    y = labels if labels.dtype.kind in "iu" else y
    check_nonempty(values, name)
    if y.ndim == 1:  # integer labels
        if y.shape[0] != n:
            raise ValueError(f"y_true has shape {y.shape} but {name} has shape {values.shape}; "
                             f"integer labels need shape ({n},)")
        if y.dtype.kind == "f" and not np.all(y == np.round(y)):
            bad = y[y != np.round(y)][0]
            raise ValueError(f"y_true labels must be integers, found {bad}")
        if y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"y_true labels must lie in 0..{n_classes - 1} for {name} of shape "
                             f"{values.shape}, found values from {y.min():g} to {y.max():g}")
        return np.eye(n_classes)[y.astype(np.intp)]
    check_same_shape(y, values, "y_true", name)
    check_in_unit_interval(y, "y_true", error=ValueError)
    return y


def _loss(value):
    """A Tensor loss stays a Tensor (for ``backward``); a scalar array loss becomes a float."""
    if isinstance(value, Tensor):
        return value
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


def _all_finite(value):
    """Whether a float or an array holds only finite numbers (fast for the common float)."""
    return math.isfinite(value) if isinstance(value, float) else bool(np.isfinite(value).all())


def _no_silent_overflow(function):
    """Finite inputs give a finite result or a clear ValueError, never inf or NaN.

    Near the float64 limit (:math:`1.8\\times10^{308}`) a difference or a square
    can overflow although the inputs are finite. Where a correct result exists
    the formulas avoid the overflow (see :func:`_mean`); where the true value
    itself is too large for float64 this says so instead of returning inf.
    NaN or inf *inputs* still give NaN or inf (a diverged model, which
    :func:`bpcore.train.fit` detects).
    """
    @functools.wraps(function)
    def checked(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            result = function(*args, **kwargs)
        if isinstance(result, Tensor) or _all_finite(result):
            return result
        bound = inspect.signature(function).bind(*args, **kwargs)
        inputs = [a.data if isinstance(a, Tensor) else as_float64(a, "input")   # 10**400 in a list: inf
                  for a in list(bound.arguments.values())[:2]]   # (y_true, y_pred), however they were passed
        if all(np.all(np.isfinite(a)) for a in inputs):
            raise ValueError(
                f"{function.__name__}: the result overflows float64 (its true value is beyond "
                f"{np.finfo(np.float64).max:.3g}) although the inputs are finite; rescale y_true and the "
                "predictions (e.g. divide both by their largest magnitude)")
        return result
    return checked


def _mean(elementwise, axis):
    """The regression losses' reduction: everything (a number), or one axis (an array).

    ``axis`` exists so that a whole grid of models can be scored in one call
    (one row of predictions per model, see :func:`bpcore.landscape.loss_grid`).
    """
    if axis is not None:
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"axis must be None or an int, got {axis!r}")
        axis = int(axis)
    mean = elementwise.mean(axis=axis)
    if isinstance(elementwise, Tensor) or _all_finite(mean) or not _all_finite(elementwise):
        return mean
    # the sum overflowed although every term is finite (terms near 1e308):
    # add the terms already divided by n instead
    n = elementwise.size if axis is None else elementwise.shape[axis]
    return (elementwise / n).sum(axis=axis)


def _gradient(g, y_pred):
    """A float for a number ``y_pred``; otherwise an array of ``y_pred``'s shape."""
    if isinstance(y_pred, (numbers.Number, np.generic)):
        return float(g)
    return np.asarray(g, dtype=np.float64)


# -- regression ---------------------------------------------------------------

def _mean_squared_error(y, yhat, axis=None):
    return _mean((yhat - y) ** 2, axis)


@_no_silent_overflow
def mse(y_true, y_pred, axis=None):
    r"""Mean squared error :math:`\frac1n\sum_i (y_i-\hat y_i)^2` (``n`` = number of elements).

    ``axis=None`` averages over every element and returns a float; an integer
    ``axis`` averages along that axis only and returns an array of losses (as
    do :func:`half_mse`, :func:`mae` and :func:`huber`).

    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    >>> mse([[1.0, 2.0], [1.0, 2.0]], [[1.0, 4.0], [1.0, 2.0]], axis=1)
    array([2., 0.])
    """
    y, yhat, _ = _pair(y_true, y_pred)
    return _loss(_mean_squared_error(y, yhat, axis))


@_no_silent_overflow
def mse_grad(y_true, y_pred):
    r""":math:`\partial\,\mathrm{MSE}/\partial\hat y_i = \frac{2}{n}(\hat y_i - y_i)`.

    >>> mse_grad([1.0, 2.0], [1.0, 4.0])
    array([0., 2.])
    """
    y, _, yhat = _pair(y_true, y_pred)
    return _gradient((yhat - y) * (2.0 / y.size), y_pred)  # no 2 * (yhat - y): it may overflow


@_no_silent_overflow
def half_mse(y_true, y_pred, axis=None):
    r"""Half the MSE, :math:`\frac1{2n}\sum_i (y_i-\hat y_i)^2`; the ½ cancels the 2 of the derivative.

    For one sample this is the worked example's :math:`L=\frac12(y-\hat y)^2`:

    >>> half_mse(3.0, 1.5)
    1.125
    """
    y, yhat, _ = _pair(y_true, y_pred)
    return _loss(0.5 * _mean_squared_error(y, yhat, axis))


@_no_silent_overflow
def half_mse_grad(y_true, y_pred):
    r""":math:`\partial L/\partial\hat y_i = \frac1n(\hat y_i - y_i)`.

    >>> half_mse_grad(3.0, 1.5)
    -1.5
    """
    y, _, yhat = _pair(y_true, y_pred)
    return _gradient((yhat - y) * (1.0 / y.size), y_pred)


@_no_silent_overflow
def mae(y_true, y_pred, axis=None):
    r"""Mean absolute error :math:`\frac1n\sum_i |y_i-\hat y_i|`.

    >>> mae([1.0, 2.0], [1.0, 4.0])
    1.0
    """
    y, yhat, _ = _pair(y_true, y_pred)
    return _loss(_mean(abs(yhat - y), axis))


@_no_silent_overflow
def mae_grad(y_true, y_pred):
    r""":math:`\frac1n\operatorname{sign}(\hat y_i - y_i)` (the subgradient 0 where :math:`\hat y_i = y_i`).

    >>> mae_grad([1.0, 2.0], [1.0, 4.0])
    array([0. , 0.5])
    """
    y, _, yhat = _pair(y_true, y_pred)
    return _gradient(np.sign(yhat - y) / y.size, y_pred)


def _check_delta(delta):
    # TypeError for '1', None, 1j; ValueError for 0, -1, inf, NaN (the rule in bpcore._checks)
    return positive_number(delta, "delta")


@_no_silent_overflow
def huber(y_true, y_pred, delta=1.0, axis=None):
    r"""Huber loss: quadratic for small residuals, linear for large ones.

    .. math:: \frac1n\sum_i \begin{cases}\frac12 r_i^2 & |r_i|\le\delta\\
              \delta\,(|r_i|-\frac12\delta) & |r_i|>\delta\end{cases},\qquad r_i=y_i-\hat y_i

    (the residual of the book, eq-residual; only :math:`|r_i|` enters, so the
    sign convention does not change the value).

    Written as :math:`\frac12 q^2+\delta(|r|-q)` with :math:`q=\min(|r|,\delta)`,
    one expression for both cases.

    >>> huber([0.0, 0.0], [0.5, 3.0])   # (0.125 + 2.5) / 2
    1.3125
    """
    delta = _check_delta(delta)
    y, yhat, _ = _pair(y_true, y_pred)
    a = abs(yhat - y)
    q = a.clip(None, delta)
    return _loss(_mean(0.5 * q ** 2 + delta * (a - q), axis))


@_no_silent_overflow
def huber_grad(y_true, y_pred, delta=1.0):
    r""":math:`\frac1n\operatorname{clip}(\hat y_i - y_i, -\delta, \delta)`.

    >>> huber_grad([0.0, 0.0], [0.5, 3.0])
    array([0.25, 0.5 ])
    """
    delta = _check_delta(delta)
    y, _, yhat = _pair(y_true, y_pred)
    return _gradient(np.clip(yhat - y, -delta, delta) / y.size, y_pred)


# -- classification -------------------------------------------------------------

def _bce_inputs(y_true, p):
    y, p, values = _pair(y_true, p, name="p")
    check_in_unit_interval(y, "y_true", error=ValueError)
    check_in_unit_interval(values, "p")
    return y, p, values


@_no_silent_overflow
def binary_cross_entropy(y_true, p):
    r"""Binary cross-entropy :math:`-\frac1n\sum_i\big[y_i\ln p_i + (1-y_i)\ln(1-p_i)\big]`.

    ``y_true`` in [0, 1] (usually 0 or 1), ``p`` the predicted probability of
    class 1, same shape. ``p`` is clipped to :math:`[\varepsilon, 1-\varepsilon]`
    (:data:`EPS`), so ``p = 0`` or ``1`` gives a large finite loss, not ``inf``.

    >>> round(binary_cross_entropy([1.0, 0.0], [0.8, 0.2]), 6)   # -ln 0.8
    0.223144
    """
    y, p, _ = _bce_inputs(y_true, p)
    p = p.clip(EPS, 1.0 - EPS)
    return _loss(-(y * log(p) + (1.0 - y) * log(1.0 - p)).mean())


@_no_silent_overflow
def binary_cross_entropy_grad(y_true, p):
    r""":math:`\frac{1}{n}\,\frac{p_i - y_i}{p_i(1-p_i)}` inside :math:`[\varepsilon,1-\varepsilon]`, 0 where clipped.

    >>> binary_cross_entropy_grad([1.0, 0.0], [0.8, 0.2])
    array([-0.625,  0.625])
    """
    y, _, values = _bce_inputs(y_true, p)
    pc = values.clip(EPS, 1.0 - EPS)
    inside = (values >= EPS) & (values <= 1.0 - EPS)
    return _gradient(inside * (pc - y) / (pc * (1.0 - pc)) / y.size, p)


def _bce_logit_inputs(y_true, logits):
    y, z, values = _pair(y_true, logits, name="logits")
    check_in_unit_interval(y, "y_true", error=ValueError)
    return y, z, values


def _softplus(z):
    r""":math:`\log(1 + e^{z})` without overflow or cancellation, as ``np.logaddexp(0, z)``.

    A Tensor gives a Tensor whose local gradient is :math:`\sigma(z)`, computed
    stably too (so the gradient at :math:`z = 0` is exactly :math:`\tfrac12`).
    """
    if isinstance(z, Tensor):
        return z._unary(np.logaddexp(0.0, z.data), lambda _: _sigmoid(z.data), "softplus")
    return np.logaddexp(0.0, z)


def _sigmoid(z):
    """:math:`1/(1+e^{-z})` for any float z: no exponent is ever positive."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_no_silent_overflow
def binary_cross_entropy_with_logits(y_true, logits):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`, computed from the logit :math:`z` itself.

    .. math::

       L &= \frac1n\sum_i \big[y_i \operatorname{softplus}(-z_i) + (1 - y_i)\operatorname{softplus}(z_i)\big],\\
       \operatorname{softplus}(z) &= \log(1 + e^{z}) = \max(z, 0) + \log(1 + e^{-|z|}),

    which equals :func:`binary_cross_entropy` of :math:`\sigma(z)` wherever
    the latter is not clipped, because :math:`-\log\sigma(z) = \operatorname{softplus}(-z)`
    and :math:`-\log(1-\sigma(z)) = \operatorname{softplus}(z)`. No probability
    is formed, so nothing is clipped: for :math:`y = 1` the loss keeps growing
    like :math:`|z|` as :math:`z \to -\infty` and its gradient stays near
    :math:`-1/n`. This is PyTorch's ``BCEWithLogitsLoss`` (mean reduction), to
    rounding: where a term is below :math:`10^{-16}` (a confident right answer)
    PyTorch's :math:`\log(1 + e^{-|z|})` rounds it away and this keeps it.
    ``y_true`` in [0, 1], ``logits`` any finite numbers of the same shape.

    >>> round(binary_cross_entropy_with_logits([1.0], [-30.0]), 6)   # the probability form clips at 27.63
    30.0
    >>> binary_cross_entropy_with_logits([1.0, 0.0], [1e4, -1e4])
    0.0
    """
    y, z, _ = _bce_logit_inputs(y_true, logits)
    # y softplus(-z) + (1 - y) softplus(z) rather than softplus(z) - y z: for y = 1 and
    # z = 30 the latter subtracts 30 from 30 + 9.4e-14 and keeps one digit; this is exact
    return _loss((y * _softplus(-z) + (1.0 - y) * _softplus(z)).mean())


@_no_silent_overflow
def binary_cross_entropy_with_logits_grad(y_true, logits):
    r""":math:`\partial L/\partial z_i = \frac1n\big(\sigma(z_i) - y_i\big)`, with a stable sigmoid.

    >>> binary_cross_entropy_with_logits_grad([1.0, 0.0], [0.0, 0.0])
    array([-0.25,  0.25])
    """
    y, _, values = _bce_logit_inputs(y_true, logits)
    # (1 - y) sigma(z) - y sigma(-z) = sigma(z) - y, without 1 - (1 - 1e-13) losing digits
    return _gradient(((1.0 - y) * _sigmoid(values) - y * _sigmoid(-values)) / y.size, logits)


@_no_silent_overflow
def cross_entropy(y_true, p):
    r"""Categorical cross-entropy :math:`-\frac1n\sum_i\sum_c y_{ic}\ln p_{ic}`.

    ``p`` has shape ``(n, M)`` (one row of class probabilities per
    observation); ``y_true`` is either integer labels of shape ``(n,)`` or
    one-hot rows of shape ``(n, M)``. ``p`` is clipped below at :data:`EPS`.

    >>> round(cross_entropy([0, 1], [[0.5, 0.5], [0.2, 0.8]]), 6)   # (ln 2 - ln 0.8) / 2
    0.458145
    """
    p, values = _prediction(p, "p")
    Y = _class_targets(y_true, values, "p")
    check_in_unit_interval(values, "p")
    # 0.0 - x rather than -x: a perfect prediction gives 0.0, not -0.0
    return _loss(0.0 - (Y * log(p.clip(EPS, 1.0))).sum(axis=1).mean())


@_no_silent_overflow
def cross_entropy_grad(y_true, p):
    r""":math:`\partial L/\partial p_{ic} = -\frac{1}{n}\,\frac{y_{ic}}{p_{ic}}` (0 where :math:`p_{ic}<\varepsilon`).

    >>> cross_entropy_grad([0, 1], [[0.5, 0.5], [0.2, 0.8]])
    array([[-1.   ,  0.   ],
           [ 0.   , -0.625]])
    """
    _, values = _prediction(p, "p")
    Y = _class_targets(y_true, values, "p")
    check_in_unit_interval(values, "p")
    inside = values >= EPS
    return _gradient((0.0 - inside * Y) / values.clip(EPS, 1.0) / len(Y), p)  # 0.0 - x: no "-0."


def log_softmax(z, axis=-1):
    r""":math:`\log\operatorname{softmax}(z)_j = (z_j - z_{\max}) - \log\sum_k e^{z_k - z_{\max}}`, :math:`z_{\max} = \max_k z_k`.

    Subtracting the maximum *first* makes the result exact for logits of any
    magnitude: for equal logits every shifted entry is exactly 0 and the
    result is exactly :math:`-\ln M`, whereas :math:`z_j - \operatorname{logsumexp}(z)`
    loses the :math:`\ln M` to rounding once :math:`|z| \gtrsim 10^{16}`.
    A Tensor ``z`` gives a Tensor, whose gradient
    (:func:`bpcore.autodiff.log_softmax`) reuses the same shifted exponentials.

    >>> log_softmax(np.array([1e16, 1e16]))
    array([-0.69314718, -0.69314718])
    """
    z = z if isinstance(z, Tensor) else as_float64(z, "z")
    values = z.data if isinstance(z, Tensor) else z
    check_nonempty(values, "z")
    if values.ndim == 0:
        raise ValueError("z must be a vector (or an (n, M) array) of logits, got a single number")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -values.ndim <= axis < values.ndim:
        raise ValueError(f"axis must be an int in [-{values.ndim}, {values.ndim}) for z of shape {values.shape}, "
                         f"got {axis!r}")
    return _log_softmax(z, axis=axis)


def softmax(z, axis=-1):
    r""":math:`\operatorname{softmax}(z)_j = e^{z_j}/\sum_k e^{z_k}`, computed as :math:`\exp(\log\operatorname{softmax}(z))`.

    Stable for any magnitude: no exponent is ever positive.

    >>> softmax(np.array([0.0, 1e4, -1e4]))
    array([0., 1., 0.])
    >>> softmax(np.array([1e300, 1e300]))
    array([0.5, 0.5])
    """
    return exp(log_softmax(z, axis=axis))


@_no_silent_overflow
def softmax_cross_entropy(y_true, logits):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)`, fused: :math:`-\frac1n\sum_i\sum_c y_{ic}\big(z_{ic}-\log\sum_k e^{z_{ik}}\big)`.

    Working with logits ``z`` (shape ``(n, M)``) and log-sum-exp means no
    probability is ever rounded to 0, and :func:`log_softmax` subtracts the
    row maximum first, so the loss is finite and exact for logits of any
    magnitude up to :math:`|z| = 10^{300}` (equal logits give exactly
    :math:`\ln M`). ``y_true``: integer labels ``(n,)`` or one-hot ``(n, M)``.
    A logit of :math:`-\infty` (a masked class) is allowed for the classes an
    observation does not belong to; it contributes nothing, as in PyTorch.

    >>> softmax_cross_entropy([0], [[1e4, 0.0]])
    0.0
    >>> softmax_cross_entropy([0], [[1e16, 1e16]]) == float(np.log(2))
    True
    """
    z, values = _prediction(logits, "logits")
    Y = _class_targets(y_true, values, "logits")
    # Only the classes with y_ic > 0 enter: a masked logit (-inf) has log p = -inf,
    # and 0 * (-inf) would be NaN where the term is 0 (torch's value).
    picked = np.nonzero(Y)
    # 0.0 - x rather than -x: a perfect prediction gives 0.0, not -0.0
    return _loss(0.0 - (Y[picked] * log_softmax(z, axis=1)[picked]).sum() / len(Y))


@_no_silent_overflow
def softmax_cross_entropy_grad(y_true, logits):
    r""":math:`\partial L/\partial z_{ic} = \frac1n\big(\operatorname{softmax}(z)_{ic} - y_{ic}\big)`.

    >>> softmax_cross_entropy_grad([1], [[0.0, 0.0]])
    array([[ 0.5, -0.5]])
    """
    _, values = _prediction(logits, "logits")
    Y = _class_targets(y_true, values, "logits")
    return _gradient((softmax(values, axis=1) - Y) / len(Y), logits)
