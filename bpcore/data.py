r"""Small synthetic data sets, generated from a seed (no downloads), and
mini-batching.

Every generator takes ``seed`` (anything ``numpy.random.default_rng``
accepts) and returns float64 features; the same seed gives the same data on
every machine.  Classification sets return integer labels ``0..k-1`` of
shape ``(n,)`` and are shuffled, so a prefix of the data holds all classes.

>>> from bpcore import data
>>> X, labels = data.moons(6, noise=0.0, seed=0)
>>> X.shape, labels.shape, sorted(set(labels.tolist()))
((6, 2), (6,), [0, 1])
"""

import numbers

import numpy as np

from ._checks import as_float64, as_rng as _rng, check_size, integer, real_number, to_float

__all__ = ["linear", "blobs", "moons", "spirals", "minibatches"]


def _number(value):
    """A 0-d array counts as the number it holds."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def _count(value, name, minimum=1):
    # TypeError for "3" or None, ValueError for 2.5 or 0 (the rule in bpcore._checks); bounded before allocating
    return check_size(integer(value, name, minimum=minimum), name)


def _scale(value, name):
    return real_number(value, name, nonnegative=True)


def _interval(value, name):
    """``(low, high)`` as two finite floats with ``low < high``."""
    arr = as_float64(value, name)   # TypeError for strings (numeric ones too: float("1") takes them)
    low, high = arr.tolist() if arr.shape == (2,) else (None, None)
    if low is None or not -np.inf < low < high < np.inf:
        raise ValueError(f"{name} must be (low, high) with finite low < high, got {value!r}")
    return low, high


def _split(n, k):
    """Class sizes that add up to ``n``, as equal as possible."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _shuffled(rng, X, labels):
    order = rng.permutation(len(labels))
    return X[order], labels[order]


def linear(n=50, w=2.0, b=-0.5, noise=0.1, seed=0, x_range=(-1.0, 1.0)):
    r"""Noisy data from a linear model: :math:`y = w\,x + b + \varepsilon`,
    :math:`\varepsilon \sim \mathcal N(0, \sigma^2)` with :math:`\sigma` = ``noise``.

    ``x`` is uniform on ``x_range``.  With a scalar ``w`` it has shape
    ``(n,)``; with a vector ``w`` of length ``d`` the inputs ``X`` have shape
    ``(n, d)`` and :math:`y = Xw + b + \varepsilon`.  The defaults
    :math:`w = 2`, :math:`b = -0.5` are the worked example's neuron.

    >>> x, y = linear(4, w=2.0, b=-0.5, noise=0.0, seed=0)
    >>> np.allclose(y, 2.0 * x - 0.5)
    True
    """
    n = _count(n, "n")
    noise = _scale(noise, "noise")
    lo, hi = _interval(x_range, "x_range")
    w_arr = as_float64(w, "w")
    if w_arr.ndim > 1 or w_arr.size == 0:
        raise ValueError(f"w must be a number or a 1-D array, got shape {w_arr.shape}")
    if not np.all(np.isfinite(w_arr)):
        raise ValueError(f"w must be finite, got {w_arr.tolist()}")
    b = real_number(b, "b")
    rng = _rng(seed)
    x = rng.uniform(lo, hi, size=(n,) + w_arr.shape)
    y = (x * w_arr if w_arr.ndim == 0 else x @ w_arr) + float(b)
    return x, y + noise * rng.standard_normal(n)


def blobs(n=300, centers=3, std=1.0, seed=0, box=(-5.0, 5.0)):
    r"""Gaussian clusters: class :math:`c` is :math:`\mathcal N(\mu_c, \sigma^2 I)`.

    ``centers`` is either the number of classes :math:`k` (the centres are
    then drawn uniformly from ``box`` in 2-D) or an array of shape ``(k, d)``.
    The ``n`` points are split as evenly as possible among the classes.
    Returns ``(X, labels)`` with shapes ``(n, d)`` and ``(n,)``.

    >>> X, labels = blobs(9, centers=[[0.0, 0.0], [10.0, 10.0], [-10.0, 10.0]], std=0.1)
    >>> np.bincount(labels).tolist()
    [3, 3, 3]
    """
    n = _count(n, "n")
    std = _scale(std, "std")
    low, high = _interval(box, "box")
    rng = _rng(seed)
    centers = _number(centers)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, (bool, np.bool_)):
        k = _count(centers, "centers")
        means = rng.uniform(low, high, size=(k, 2))
    else:
        means = as_float64(centers, "centers")
        if means.ndim != 2 or means.size == 0 or not np.all(np.isfinite(means)):
            raise ValueError(f"centers must be a count or an array of shape (k, d), got shape {means.shape}")
    sizes = _split(n, len(means))
    labels = np.repeat(np.arange(len(means)), sizes)
    X = means[labels] + std * rng.standard_normal((n, means.shape[1]))
    return _shuffled(rng, X, labels)


def moons(n=200, noise=0.1, seed=0):
    r"""Two interleaving half circles (as in scikit-learn's ``make_moons``).

    Class 0: :math:`(\cos t, \sin t)`; class 1:
    :math:`(1 - \cos t, \tfrac12 - \sin t)`, :math:`t \in [0, \pi]`, plus
    Gaussian noise of standard deviation ``noise`` on both coordinates.  Not
    linearly separable: no straight line splits the classes, a small
    network does.  Returns ``(X, labels)``, shapes ``(n, 2)`` and ``(n,)``.

    >>> X, labels = moons(100, seed=0)
    >>> X.shape, np.bincount(labels).tolist()
    ((100, 2), [50, 50])
    """
    n = _count(n, "n", minimum=2)
    noise = _scale(noise, "noise")
    rng = _rng(seed)
    n0, n1 = _split(n, 2)
    t0, t1 = np.linspace(0.0, np.pi, n0), np.linspace(0.0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    labels = np.repeat([0, 1], [n0, n1])
    return _shuffled(rng, X, labels)


def spirals(n=300, k=3, noise=0.1, seed=0, turns=1.0):
    r"""``k`` interleaved spiral arms, one class each.

    Arm :math:`c` is :math:`r\,(\cos\phi, \sin\phi)` with radius
    :math:`r = t \in [0, 1]` and angle
    :math:`\phi = 2\pi(\text{turns}\cdot t + c/k)`, plus Gaussian noise of
    standard deviation ``noise``.  Hard for linear models, a classic test for
    small networks.  Returns ``(X, labels)``, shapes ``(n, 2)`` and ``(n,)``.

    >>> X, labels = spirals(90, k=3, seed=0)
    >>> X.shape, np.bincount(labels).tolist()
    ((90, 2), [30, 30, 30])
    """
    n = _count(n, "n")
    k = _count(k, "k")
    noise = _scale(noise, "noise")
    turns = real_number(turns, "turns")
    rng = _rng(seed)
    sizes = _split(n, k)
    labels = np.repeat(np.arange(k), sizes)
    t = np.concatenate([np.linspace(0.0, 1.0, m) for m in sizes])
    phi = 2.0 * np.pi * (float(turns) * t + labels / k)
    X = t[:, None] * np.column_stack([np.cos(phi), np.sin(phi)])
    X = X + noise * rng.standard_normal((n, 2))
    return _shuffled(rng, X, labels)


def minibatches(X, y, batch_size, shuffle=True, seed=0):
    r"""Yield ``(X_batch, y_batch)`` pairs covering every sample exactly once
    (one epoch).

    With :math:`n` samples there are :math:`\lceil n/B\rceil` batches of size
    :math:`B` = ``batch_size``; when :math:`B` does not divide :math:`n` the
    *last* batch is smaller (:math:`n \bmod B` samples) and is kept, so no
    sample is dropped.  A ``batch_size`` of ``n`` or more gives one batch
    (full-batch gradient descent).  With ``shuffle=True`` the order is a
    random permutation drawn from ``seed`` (an int or a
    ``numpy.random.Generator``, which a training loop passes to get a new
    order every epoch); with ``shuffle=False`` the original order.  Batches
    are copies: changing them does not change ``X`` or ``y``.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in minibatches(X, y, batch_size=2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    batch_size = integer(batch_size, "batch_size", minimum=1)
    as_float64(X, "X"), as_float64(y, "y")   # numeric and rectangular (batches keep the dtype)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(f"X and y need a first (sample) axis, got shapes {X.shape} and {y.shape}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got len(X) = {len(X)} and len(y) = {len(y)}")
    if len(X) == 0:
        raise ValueError("X and y are empty: there is nothing to batch")
    n = len(X)
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, int(batch_size)):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
