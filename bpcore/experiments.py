r"""Chapter 8's experiments on a real (small) network, as tested functions.

Everything here is numpy plus the rest of ``bpcore``; the chapter's figures
and explorables only draw what these functions return.

* :func:`train_val_split` holds out a validation set;
* :func:`train_with_validation` trains with :func:`bpcore.train.fit` one epoch
  at a time and records the training and validation loss and accuracy after
  every epoch (the same run as one call of ``fit``, see its docstring);
* :func:`probability_grid` evaluates a classifier on a grid of the plane (the
  decision boundary is its level set :math:`p = \tfrac12`);
* :func:`range_test_rates`, :func:`smooth_losses` and :func:`lr_range_test`
  are Smith's learning-rate range test; :func:`lr_sweep` trains one fresh network per rate;
* :func:`seed_sweep` repeats a training run over several seeds.
"""

import warnings

import numpy as np

from . import losses, nn, optim, train
from ._checks import (as_array, as_float64, as_rng, callback_number, check_callable, check_size, integer,
                      positive_number, real_number)
from .data import minibatches
from .train import _check_model, _check_optimizer

__all__ = [
    "train_val_split",
    "evaluate",
    "train_with_validation",
    "probability_grid",
    "range_test_rates",
    "smooth_losses",
    "lr_range_test",
    "lr_sweep",
    "seed_sweep",
    "range_test_bracket",
]


def _count(value, name, minimum=1):
    # a 0-d array counts too; TypeError for a string or None, ValueError for 2.5 (the rule in bpcore._checks)
    return integer(value, name, minimum=minimum)


def _positive(value, name):
    return positive_number(value, name)


def _samples(X, labels, x_name="X", labels_name="labels"):
    """``X`` as a non-empty (n, d) float array and ``labels`` as n numeric labels (kept as given)."""
    X = as_array(X, x_name, ndim=2, finite=True)
    as_float64(labels, labels_name)   # numeric; the labels keep their integer dtype
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(X):
        raise ValueError(f"{labels_name} must hold one label per row of {x_name} (shape ({len(X)},)), "
                         f"got shape {labels.shape}")
    return X, labels


def _batch_size(batch_size):
    return None if batch_size is None else integer(batch_size, "batch_size", minimum=1)


def _beta(beta):
    beta = real_number(beta, "beta", finite=False)
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"beta must be a number in [0, 1), got {beta!r}")
    return beta


def _made(value, what, check):
    """A callback's result (``make_model()``, ``make_optimizer(lr)``) checked, the error naming the call."""
    try:
        check(value)
    except TypeError as err:
        raise TypeError(f"{what} returned {type(value).__name__}: {err}") from None
    return value


def _loss_value(value, what):
    """What the loss function returned, as a float (a Tensor's data too); else an error naming the call."""
    return callback_number(value.data if hasattr(value, "_backward") else value, what, finite=False)


def _sequence(values, name):
    """``values`` (a list, tuple, range, set or 1-D array; not a string or a dict) as a list."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of integers, got {type(values).__name__} {values!r:.40}")
    return list(values)


def train_val_split(X, labels, n_val, seed=0):
    r"""Split ``(X, labels)`` at random into a training and a validation set.

    ``n_val`` samples, drawn without replacement with
    ``numpy.random.default_rng(seed)``, form the validation set; the rest
    (in their original order) the training set.  Returns
    ``(X_train, labels_train, X_val, labels_val)`` (copies).

    >>> X, labels = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> X_train, labels_train, X_val, labels_val = train_val_split(X, labels, n_val=2)
    >>> len(labels_train), len(labels_val), sorted([*labels_train.tolist(), *labels_val.tolist()])
    (3, 2, [0, 1, 2, 3, 4])
    """
    X = as_float64(X, "X")
    as_float64(labels, "labels")
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.ndim != 1 or len(X) != len(labels):
        raise ValueError(f"X must be (n, d) and labels (n,), got shapes {X.shape} and {labels.shape}")
    n_val = _count(n_val, "n_val")
    if n_val >= len(X):
        raise ValueError(f"n_val must be smaller than the number of samples ({len(X)}), got {n_val}")
    is_val = np.zeros(len(X), dtype=bool)
    is_val[as_rng(seed).choice(len(X), size=n_val, replace=False)] = True
    return X[~is_val].copy(), labels[~is_val].copy(), X[is_val].copy(), labels[is_val].copy()


def evaluate(model, X, labels, loss=losses.softmax_cross_entropy):
    r"""``(loss, accuracy)`` of ``model`` on ``(X, labels)``:
    :math:`\big(\operatorname{loss}(y, f_\theta(X)),\ \tfrac1n\sum_i[\hat c_i = c_i]\big)`.

    >>> model = nn.MLP([2, 2], seed=0)
    >>> loss, acc = evaluate(model, np.zeros((3, 2)), np.array([0, 1, 1]))
    >>> round(loss, 4), round(acc, 4)   # zero input, zero bias: equal logits
    (0.6931, 0.3333)
    """
    _check_model(model)
    check_callable(loss, "loss")
    X, labels = _samples(X, labels)
    logits = train.predict(model, X)   # one forward pass serves both numbers
    if logits.ndim == 2 and logits.shape[1] > 1:
        predicted = logits.argmax(axis=1)
    else:                                # one output: class 1 where the logit is positive
        predicted = (logits.reshape(len(logits), -1)[:, 0] > 0).astype(int)
    return _loss_value(loss(labels, logits), "loss(labels, logits)"), float(np.mean(predicted == labels))


def train_with_validation(model, optimizer, X, labels, X_val, labels_val, epochs, batch_size=None, seed=0,
                          snapshot_epochs=(), loss=losses.softmax_cross_entropy):
    r"""Train ``model`` with :func:`bpcore.train.fit` and record, after every
    epoch (and before the first), the loss and accuracy on the training and
    the validation set.

    Returns a dict of arrays of length ``epochs + 1`` (entry 0 is the
    untrained network): ``train_loss``, ``val_loss``, ``train_acc``,
    ``val_acc``; ``snapshots`` maps each epoch in ``snapshot_epochs`` to a
    copy of the parameters at its end; ``diverged`` is True if training
    stopped early (the curves are then padded with NaN).

    The epochs are run one ``fit`` call at a time with one shared
    ``numpy.random.Generator`` as the seed, so the mini-batches, and hence the
    trained parameters, are exactly those of a single
    ``fit(..., epochs=epochs, seed=seed)``.

    >>> X, labels = np.array([[-1.0, 0.0], [1.0, 0.0]] * 4), np.array([0, 1] * 4)
    >>> run = train_with_validation(nn.MLP([2, 2], seed=0), optim.SGD(lr=0.5), X, labels, X, labels, epochs=3)
    >>> run["train_loss"].shape, bool(run["train_loss"][-1] < run["train_loss"][0]), float(run["val_acc"][-1])
    ((4,), True, 1.0)
    """
    params = _check_model(model)
    _check_optimizer(optimizer)
    check_callable(loss, "loss")
    X, labels = _samples(X, labels)
    X_val, labels_val = _samples(X_val, labels_val, "X_val", "labels_val")
    batch_size = _batch_size(batch_size)
    epochs = _count(epochs, "epochs", minimum=0)
    snapshot_epochs = {_count(e, f"snapshot_epochs[{k}]", minimum=0)
                       for k, e in enumerate(_sequence(snapshot_epochs, "snapshot_epochs"))}
    curves = {key: np.full(epochs + 1, np.nan) for key in ("train_loss", "val_loss", "train_acc", "val_acc")}
    snapshots, diverged = {}, False
    rng = as_rng(seed)
    for epoch in range(epochs + 1):
        if epoch > 0:
            history = train.fit(model, loss, optimizer, X, labels, epochs=1, batch_size=batch_size, seed=rng)
            if history.diverged:
                diverged = True
                break
        curves["train_loss"][epoch], curves["train_acc"][epoch] = evaluate(model, X, labels, loss)
        curves["val_loss"][epoch], curves["val_acc"][epoch] = evaluate(model, X_val, labels_val, loss)
        if epoch in snapshot_epochs:
            snapshots[epoch] = [p.data.copy() for p in params]
    return {**curves, "snapshots": snapshots, "diverged": diverged}


def probability_grid(model, xs, ys, params=None):
    r"""The network's probability of class 1,
    :math:`p_1(x) = \operatorname{softmax}(f_\theta(x))_1`, on the grid
    ``xs`` × ``ys``: an array of shape ``(len(ys), len(xs))`` (row ``j`` is
    ``ys[j]``, ready for ``contourf(xs, ys, P)``).  The decision boundary of
    a two-class network is the level set :math:`p_1 = \tfrac12`.

    ``params`` (a list of arrays like ``model.parameters()``) evaluates the
    network with those parameters instead of its own; the model is left
    unchanged.

    >>> layer = nn.Linear(2, 2)
    >>> layer.W.data, layer.b.data = np.array([[-1.0, 1.0], [0.0, 0.0]]), np.zeros(2)
    >>> np.round(probability_grid(layer, [-1.0, 0.0, 1.0], [0.0]), 3)
    array([[0.119, 0.5  , 0.881]])
    """
    xs, ys = as_float64(xs, "xs"), as_float64(ys, "ys")
    if xs.ndim != 1 or ys.ndim != 1 or xs.size == 0 or ys.size == 0:
        raise ValueError(f"xs and ys must be non-empty 1-D arrays, got shapes {xs.shape} and {ys.shape}")
    check_size(xs.size * ys.size, "len(xs) * len(ys)")
    XX, YY = np.meshgrid(xs, ys)
    points = np.column_stack([XX.ravel(), YY.ravel()])
    own = _check_model(model)
    if params is not None:
        if not isinstance(params, (list, tuple)):
            raise TypeError(f"params must be a list of arrays (one per model parameter) or None, "
                            f"got {type(params).__name__}")
        params = [as_float64(value, f"params[{k}]") for k, value in enumerate(params)]
        if len(params) != len(own):
            raise ValueError(f"params must hold {len(own)} arrays, got {len(params)}")
        for k, (p, value) in enumerate(zip(own, params)):
            if value.shape != p.data.shape:
                raise ValueError(f"params[{k}] must have shape {p.data.shape} like the model's, got {value.shape}")
    saved = [p.data for p in own]
    try:
        if params is not None:
            if len(params) != len(own):
                raise ValueError(f"params must hold {len(own)} arrays, got {len(params)}")
            for p, value in zip(own, params):
                p.data = np.asarray(value, dtype=np.float64)
        logits = train.predict(model, points)
    finally:
        for p, value in zip(own, saved):
            p.data = value
    if logits.ndim != 2 or logits.shape[1] != 2:
        raise ValueError(f"probability_grid needs a two-class network (2 outputs), got outputs of shape {logits.shape}")
    return losses.softmax(logits)[:, 1].reshape(XX.shape)


def range_test_rates(lr_min, lr_max, steps):
    r"""The learning rates of a range test: ``steps`` rates growing by the
    same factor from ``lr_min`` to ``lr_max``,

    .. math:: \eta_k = \eta_{\min}\,\Big(\frac{\eta_{\max}}{\eta_{\min}}\Big)^{k/(K-1)},\qquad k = 0,\dots,K-1 .

    >>> range_test_rates(0.01, 1.0, 3)
    array([0.01, 0.1 , 1.  ])
    """
    lr_min, lr_max = _positive(lr_min, "lr_min"), _positive(lr_max, "lr_max")
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be larger than lr_min, got lr_min={lr_min!r} and lr_max={lr_max!r}")
    steps = check_size(_count(steps, "steps", minimum=2), "steps")
    ratio = lr_max / lr_min
    if np.isfinite(ratio):
        return lr_min * ratio ** (np.arange(steps) / (steps - 1))
    # the ratio overflows (1e-308 to 1e308): interpolate the logarithms instead
    return np.exp(np.linspace(np.log(lr_min), np.log(lr_max), steps))


def smooth_losses(values, beta=0.9):
    r"""Exponential moving average of a noisy loss curve, bias-corrected
    (the correction of Adam, so the first values are not pulled to zero):

    .. math:: m_k = \beta m_{k-1} + (1-\beta)\,L_k,\quad m_{-1} = 0,\qquad
              \bar L_k = \frac{m_k}{1-\beta^{k+1}} .

    >>> smooth_losses([1.0, 1.0, 1.0]).tolist()
    [1.0, 1.0, 1.0]
    >>> np.round(smooth_losses([2.0, 0.0], beta=0.5), 4).tolist()
    [2.0, 0.6667]
    """
    values = as_float64(values, "values")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array of losses, got shape {values.shape}")
    beta = _beta(beta)
    out, average = np.empty_like(values), 0.0
    for k, value in enumerate(values):
        average = beta * average + (1.0 - beta) * value
        out[k] = average / (1.0 - beta ** (k + 1))
    return out


def lr_range_test(model, optimizer, X, labels, rates, batch_size, seed=0, stop_factor=4.0, beta=0.9,
                  loss=losses.softmax_cross_entropy):
    r"""Smith's learning-rate range test: one training run in which step
    :math:`k` uses the rate ``rates[k]`` (see :func:`range_test_rates`),
    recording the mini-batch loss *before* each step.

    Mini-batches cycle through reshuffled epochs of ``(X, labels)``.  The
    run stops once the smoothed loss (:func:`smooth_losses` with ``beta``;
    a single unlucky batch must not end the test) exceeds ``stop_factor``
    times its lowest value so far, or the loss stops being finite: the
    rates beyond that point are too high.  Returns the raw mini-batch
    losses, one per step taken (``len <= len(rates)``).
    ``model`` is trained in place; ``optimizer`` is reset first.

    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 0.0], [0.5, 0.0]] * 2)
    >>> labels = np.array([0, 1, 1, 0] * 2)     # not linearly separable
    >>> curve = lr_range_test(nn.MLP([2, 2], seed=0), optim.SGD(lr=1.0), X, labels,
    ...                       range_test_rates(1e-3, 1e3, 30), batch_size=4)
    >>> len(curve) < 30, bool(curve[-1] > 4 * curve.min())   # stopped early: the loss blew up
    (True, True)
    """
    params = _check_model(model)
    _check_optimizer(optimizer)
    check_callable(loss, "loss")
    X, labels = _samples(X, labels)
    batch_size = integer(batch_size, "batch_size", minimum=1)
    rates = as_float64(rates, "rates")
    if rates.ndim != 1 or rates.size == 0 or not np.all(np.isfinite(rates)) or np.any(rates <= 0):
        raise ValueError("rates must be a non-empty 1-D array of positive finite learning rates")
    stop_factor = _positive(stop_factor, "stop_factor")
    rng = as_rng(seed)
    beta = _beta(beta)
    optimizer.reset()
    recorded, best, average = [], np.inf, 0.0
    with np.errstate(all="ignore"):
        while len(recorded) < rates.size:
            for Xb, yb in minibatches(X, labels, batch_size, seed=rng):
                model.zero_grad()
                L = loss(yb, model(Xb))
                if not hasattr(L, "backward"):
                    raise TypeError(f"loss(labels, model(X)) returned {type(L).__name__}; it must return a scalar "
                                    "Tensor (use bpcore.losses, which keep the graph)")
                value = _loss_value(L, "loss(labels, model(X))")
                recorded.append(value)
                average = beta * average + (1.0 - beta) * value       # as in smooth_losses
                smoothed = average / (1.0 - beta ** len(recorded))
                best = min(best, smoothed)
                if not np.isfinite(value) or smoothed > stop_factor * best or len(recorded) == rates.size:
                    return np.array(recorded)
                L.backward()
                optimizer.lr = float(rates[len(recorded) - 1])
                new = optimizer.step([p.data for p in params], [p.grad for p in params])
                for p, v in zip(params, new):
                    p.data = v
    return np.array(recorded)  # pragma: no cover - the loop returns


def lr_sweep(make_model, make_optimizer, rates, X, labels, X_val, labels_val, epochs, batch_size=None, seed=0,
             loss=losses.softmax_cross_entropy):
    r"""Train a fresh network for every learning rate and report where it ends.

    ``make_model()`` returns a new network (the same initialisation every
    time), ``make_optimizer(lr)`` an optimizer.  Returns a dict of arrays, one
    entry per rate: ``train_loss`` and ``val_loss`` after ``epochs`` epochs
    (``inf`` if training diverged) and ``diverged`` (bool).

    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 0.0], [0.5, 0.0]] * 2)
    >>> labels = np.array([0, 1, 1, 0] * 2)
    >>> out = lr_sweep(lambda: nn.MLP([2, 4, 2], seed=0), optim.SGD, [0.1, 1e6], X, labels, X, labels, epochs=5)
    >>> out["diverged"].tolist(), bool(out["train_loss"][1] > 100 * out["train_loss"][0])   # 1e6 is far too high
    ([False, False], True)
    """
    check_callable(make_model, "make_model")
    check_callable(make_optimizer, "make_optimizer")
    check_callable(loss, "loss")
    rates = as_float64(rates, "rates")
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError("rates must be a non-empty 1-D array of learning rates")
    X, labels = _samples(X, labels)
    X_val, labels_val = _samples(X_val, labels_val, "X_val", "labels_val")
    batch_size = _batch_size(batch_size)
    as_rng(seed)   # checks the seed before the first run
    out = {"train_loss": np.full(rates.size, np.inf), "val_loss": np.full(rates.size, np.inf),
           "diverged": np.zeros(rates.size, dtype=bool)}
    for i, lr in enumerate(rates):
        model = _made(make_model(), "make_model()", _check_model)
        optimizer = _made(make_optimizer(float(lr)), f"make_optimizer({float(lr)!r})", _check_optimizer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)   # divergence is a result here, not a surprise
            history = train.fit(model, loss, optimizer, X, labels, epochs=epochs,
                                batch_size=batch_size, seed=seed)
        if history.diverged:
            out["diverged"][i] = True
            continue
        with np.errstate(all="ignore"):   # a run on its way to overflow may end with huge weights
            train_loss, _ = evaluate(model, X, labels, loss)
            val_loss, _ = evaluate(model, X_val, labels_val, loss)
        out["diverged"][i] = not np.isfinite(train_loss)
        if not out["diverged"][i]:
            out["train_loss"][i], out["val_loss"][i] = train_loss, val_loss
    return out


def seed_sweep(make_model, make_optimizer, seeds, X, labels, X_val, labels_val, epochs, batch_size=None,
               loss=losses.softmax_cross_entropy):
    r"""The same experiment repeated over ``seeds``: for each seed ``s`` a
    network ``make_model(s)`` trained by ``make_optimizer()`` with mini-batches
    shuffled by ``s``.  Returns a dict of arrays of shape
    ``(len(seeds), epochs + 1)`` (``train_loss``, ``val_loss``, ``train_acc``,
    ``val_acc``, see :func:`train_with_validation`); ``.mean(axis=0)`` and
    ``.std(axis=0)`` give the mean curve and its spread over seeds.

    >>> X, labels = np.array([[-1.0, 0.0], [1.0, 0.0]] * 4), np.array([0, 1] * 4)
    >>> out = seed_sweep(lambda s: nn.MLP([2, 2], seed=s), lambda: optim.SGD(lr=0.5), [0, 1], X, labels, X, labels, epochs=2)
    >>> out["val_loss"].shape
    (2, 3)
    """
    check_callable(make_model, "make_model")
    check_callable(make_optimizer, "make_optimizer")
    seeds = _sequence(seeds, "seeds")
    if not seeds:
        raise ValueError("seeds must contain at least one seed")
    for s in seeds:
        as_rng(s, "seeds")
    runs = [train_with_validation(_made(make_model(s), f"make_model({s!r})", _check_model),
                                  _made(make_optimizer(), "make_optimizer()", _check_optimizer), X, labels, X_val,
                                  labels_val, epochs, batch_size=batch_size, seed=s, loss=loss) for s in seeds]
    return {key: np.array([run[key] for run in runs]) for key in ("train_loss", "val_loss", "train_acc", "val_acc")}



def range_test_bracket(rates, smoothed, tolerance=0.2):
    r"""The workable rates a range test brackets: from the first rate at
    which the smoothed loss ``smoothed`` (one value per step taken,
    ``len(smoothed) <= len(rates)``) comes within a factor
    ``1 + tolerance`` of its lowest value, to the rate of the last step
    taken (where :func:`lr_range_test` stopped because the loss blew up; its
    loss may be infinite or NaN, and such values are left out of the lowest).
    Returns ``(low, high)``.

    Inside the bracket the smoothed loss wanders on a nearly flat floor, so
    where its lowest point falls is decided by noise; the bracket, not that
    point, is what the test measures.

    >>> range_test_bracket([0.1, 0.2, 0.4, 0.8, 1.6, 3.2], [1.0, 0.55, 0.5, 0.58, 2.0])
    (0.2, 1.6)
    """
    rates, smoothed = as_float64(rates, "rates"), as_float64(smoothed, "smoothed")
    if smoothed.ndim != 1 or smoothed.size == 0 or rates.ndim != 1 or rates.size < smoothed.size:
        raise ValueError(f"smoothed must be a non-empty 1-D array no longer than rates, got shapes "
                         f"{smoothed.shape} and {rates.shape}")
    if not np.all(np.isfinite(rates) & (rates > 0)):
        raise ValueError("rates must be positive finite learning rates")
    finite = np.isfinite(smoothed)     # the step that blew up may have recorded inf or NaN
    if not finite.any():
        raise ValueError("smoothed must hold at least one finite loss")
    tolerance = _positive(tolerance, "tolerance")
    first = int(np.argmax(finite & (smoothed <= (1.0 + tolerance) * np.min(smoothed[finite]))))
    return float(rates[first]), float(rates[smoothed.size - 1])
