r"""A training loop: mini-batch gradient descent with any bpcore optimizer.

:func:`fit` repeats, for every mini-batch :math:`\mathcal B` of every epoch,

.. math::

    L &= \operatorname{loss}\big(y_{\mathcal B}, f_\theta(X_{\mathcal B})\big), \\
    g &= \nabla_\theta L \quad \text{(backpropagation)}, \\
    \theta &\leftarrow \operatorname{optimizer.step}(\theta, g)

and records what happened in a :class:`History`.  If the loss stops being a
finite number (or a gradient, or the update, is ``inf``/``nan``) the run
has diverged: ``fit`` stops cleanly, sets ``history.diverged`` and the step,
warns, and leaves the model at its last finite parameters, instead of
filling it with NaNs.

>>> import warnings
>>> from bpcore import data, losses, nn, optim
>>> X, labels = data.blobs(60, centers=[[-2.0, 0.0], [2.0, 0.0]], std=0.5, seed=0)
>>> model = nn.MLP([2, 4, 2], seed=0)
>>> history = fit(model, losses.softmax_cross_entropy, optim.Adam(lr=0.05), X, labels, epochs=20)
>>> len(history.epoch_loss), history.epoch_loss[-1] < history.epoch_loss[0], accuracy(model, X, labels)
(20, True, 1.0)
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._checks import OutOfRangeError, as_array, as_float64, as_rng, check_callable, integer
from .autodiff import Tensor
from .data import minibatches

__all__ = ["History", "fit", "predict", "accuracy"]


@dataclass
class History:
    r"""What :func:`fit` recorded.

    * ``step_loss``: the mini-batch loss at every optimizer step, *before*
      that step's update (one entry per step; a run stopped by its loss ends
      with that non-finite value, NaN if the loss rejected the outputs).
    * ``epoch_loss``: for every completed epoch, the sample-weighted mean of
      its mini-batch losses, :math:`\frac1n\sum_{\mathcal B}|\mathcal B|\,L_{\mathcal B}`
      (for full-batch training this is just the loss at the epoch's start).
    * ``params``: with ``record_params=True``, a list of parameter snapshots
      (each a list of arrays): the initial parameters, then those after every
      step; otherwise ``None``.
    * ``diverged`` and ``diverged_at``: whether training stopped because the
      loss, a gradient or an updated parameter became ``inf``/``nan`` (or
      the loss rejected outputs that left its range, such as probabilities
      outside [0, 1]), and at which step index (counting from 0 over the
      whole run); ``None`` if it did not. The model then keeps the last
      finite parameters: those of step ``diverged_at``, never updated.
    """

    step_loss: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    params: list = None
    diverged: bool = False
    diverged_at: int = None

    @property
    def steps(self):
        """Number of recorded steps (``len(step_loss)``)."""
        return len(self.step_loss)


def _diverged(history, step, epoch, what, optimizer):
    history.diverged, history.diverged_at = True, step
    lr = getattr(optimizer, "lr", None)
    hint = f"try a smaller learning rate than lr={lr!r}" if lr is not None else "try a smaller learning rate"
    warnings.warn(
        f"training diverged: {what} at step {step} (epoch {epoch}); training stopped, {hint}",
        RuntimeWarning, stacklevel=3,
    )
    return history


def fit(model, loss, optimizer, X, y, epochs, batch_size=None, seed=0,
        record_params=False, progress=False):
    r"""Train ``model`` on ``(X, y)`` and return a :class:`History`.

    * ``model``: callable on an ``(n, d)`` array, returning a Tensor, with
      ``parameters()`` (a list of Tensors) and ``zero_grad()``, e.g.
      :class:`bpcore.nn.MLP`.  It is trained in place.
    * ``loss``: a :mod:`bpcore.losses` function, called as
      ``loss(y_batch, model(X_batch))``.
    * ``optimizer``: a :mod:`bpcore.optim` optimizer; it keeps its state
      between calls, so a second ``fit`` continues where the first stopped
      (call ``optimizer.reset()`` to start afresh).
    * ``batch_size``: ``None`` for full-batch gradient descent, else the
      mini-batch size (the last batch of an epoch may be smaller, see
      :func:`bpcore.data.minibatches`).  Batches are reshuffled every epoch,
      from one generator seeded with ``seed``, so runs are reproducible.
    * ``record_params``: keep a copy of the parameters after every step.
    * ``progress``: print one line per epoch.

    A non-finite loss, gradient or updated parameter stops training with a
    ``RuntimeWarning`` naming the step; ``history.diverged`` is then True
    and the model keeps its last finite parameters.  So does a loss that
    raises because its input left the allowed range (e.g. probabilities
    outside [0, 1]) after at least one update; at the very first step that
    is a mistake in the call, and the error is raised.
    """
    params = _check_model(model)
    check_callable(loss, "loss")
    _check_optimizer(optimizer)
    epochs = integer(epochs, "epochs", minimum=0)
    X = as_array(X, "X", finite=True)
    as_float64(y, "y")  # numeric (labels stay integers below)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got shapes {X.shape} and {y.shape}")
    n = len(X)
    if batch_size is None:
        batch_size, shuffle = n, False   # one batch; its order does not matter
    else:
        batch_size, shuffle = integer(batch_size, "batch_size", minimum=1), True
    rng = as_rng(seed)
    history = History(params=[[p.data.copy() for p in params]] if record_params else None)
    step = 0
    # Overflow on the way to divergence is reported once, by our own warning.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs):
            weighted_sum = 0.0
            for Xb, yb in minibatches(X, y, batch_size, shuffle=shuffle, seed=rng):
                model.zero_grad()
                try:
                    L = loss(yb, model(Xb))
                except OutOfRangeError as err:
                    if step == 0:   # nothing was updated yet: the call itself is wrong
                        raise
                    history.step_loss.append(float("nan"))
                    return _diverged(history, step, epoch, f"the loss rejected the model's outputs ({err})",
                                     optimizer)
                if not isinstance(L, Tensor) or L.size != 1:
                    raise TypeError(f"loss must return a scalar Tensor when given the model's output (so that "
                                    f"backward() works), got {type(L).__name__} {getattr(L, 'shape', '')}")
                value = float(L.data)
                history.step_loss.append(value)
                if not np.isfinite(value):
                    return _diverged(history, step, epoch, f"the loss is {value}", optimizer)
                L.backward()
                grads = [p.grad for p in params]
                if not all(np.isfinite(g).all() for g in grads):
                    return _diverged(history, step, epoch, "a gradient is inf/nan", optimizer)
                new = optimizer.step([p.data for p in params], grads)
                if not all(np.isfinite(v).all() for v in new):   # check before writing: keep the last finite ones
                    return _diverged(history, step, epoch, "the update makes a parameter inf/nan", optimizer)
                for p, v in zip(params, new):
                    p.data = v
                if record_params:
                    history.params.append([v.copy() for v in new])
                weighted_sum += value * len(yb)
                step += 1
            history.epoch_loss.append(weighted_sum / n)
            if progress:
                print(f"epoch {epoch + 1}/{epochs}  loss {history.epoch_loss[-1]:.6g}")
    return history


def _check_model(model):
    """The model's parameters, after checking it looks like a bpcore model."""
    for attribute in ("parameters", "zero_grad"):
        if not callable(getattr(model, attribute, None)):
            raise TypeError(f"model must be a model such as bpcore.nn.MLP (callable, with parameters() and "
                            f"zero_grad()), got {type(model).__name__} without {attribute}()")
    check_callable(model, "model")
    params = list(model.parameters())
    if not params or not all(isinstance(p, Tensor) for p in params):
        raise TypeError("model.parameters() must return a non-empty list of Tensors")
    return params


def _check_optimizer(optimizer):
    if isinstance(optimizer, (str, type)) or not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must be an optimizer object such as bpcore.optim.Adam(lr=0.01), "
                        f"got {type(optimizer).__name__} {optimizer!r:.40}")


def predict(model, X):
    """The model's outputs on ``X`` as a plain array (no graph is kept).

    >>> from bpcore.nn import Linear
    >>> predict(Linear(2, 3), np.zeros((4, 2))).shape
    (4, 3)
    """
    check_callable(model, "model")
    return np.array(model(as_array(X, "X")).data)


def accuracy(model, X, labels):
    r"""Fraction of correctly classified samples,
    :math:`\frac1n\sum_i [\hat c_i = c_i]`.

    For ``M > 1`` outputs the predicted class is the arg-max of the outputs
    (logits); for a single output it is ``1`` where the logit is positive
    (probability above ½) and ``0`` otherwise.

    >>> from bpcore.nn import Linear
    >>> layer = Linear(1, 2)
    >>> layer.W.data, layer.b.data = np.array([[1.0, -1.0]]), np.zeros(2)
    >>> accuracy(layer, np.array([[2.0], [-1.0], [3.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    """
    as_float64(labels, "labels")
    labels = np.asarray(labels)
    outputs = predict(model, X)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(axis=1)
    else:
        predicted = (outputs.reshape(len(outputs), -1)[:, 0] > 0).astype(int)
    if labels.shape != predicted.shape:
        raise ValueError(f"labels must have shape {predicted.shape} (one integer per row of X), got {labels.shape}")
    return float(np.mean(predicted == labels))
