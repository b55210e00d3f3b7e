r"""Checkers for chapter 8, training a network end to end."""

import math

import numpy as np

from .. import experiments
from ._core import Mistake, _report, check_function, check_value

__all__ = ["check_parameter_count", "check_step_count", "check_range_test_rates", "check_filter_normalize",
           "check_early_stopping_epoch"]


def _sizes_ok(sizes):
    try:
        sizes = [int(s) for s in sizes]
        return sizes if len(sizes) >= 2 and all(s >= 1 for s in sizes) else None
    except Exception:
        return None


def check_parameter_count(answer, sizes=(2, 32, 32, 2), name="n_params"):
    r"""Check the number of parameters of an MLP with layer sizes
    :math:`(d_0, \dots, d_k)`: :math:`\sum_{l=1}^{k} (d_{l-1} d_l + d_l)`
    (a weight matrix and a bias vector per layer).

    >>> check_parameter_count(2 * 3 + 3 + 3 * 1 + 1, sizes=(2, 3, 1))
    ✓ n_params = 13.0 is correct.
    True
    >>> check_parameter_count(9, sizes=(2, 3, 1))
    ✗ n_params = 9.0 is not correct. Hint: You counted the weights only; every layer also has one bias per output unit.
    False
    """
    sizes = _sizes_ok(sizes)
    if sizes is None:
        return _report(False, "sizes must be a list of at least two positive integers.")
    pairs = list(zip(sizes[:-1], sizes[1:]))
    mistakes = [
        Mistake(sum(a * b for a, b in pairs), "You counted the weights only; every layer also has one bias per output unit."),
        Mistake(sum(a * b + a for a, b in pairs), "A layer has one bias per *output* unit (d_l of them), not per input."),
        Mistake(sum((a + 1) * (b + 1) for a, b in pairs), "Only the inputs get an extra 'bias input': a layer has (d_{l-1} + 1)·d_l parameters."),
        Mistake(sum(sizes), "That is the number of units; count the connections between consecutive layers (plus the biases)."),
        Mistake(math.prod(sizes), "Layers connect only to their neighbours: add d_{l-1}·d_l + d_l over the layers instead of multiplying all sizes."),
    ]
    return check_value(answer, sum(a * b + b for a, b in pairs), name=name, mistakes=mistakes, rtol=0.0,  # a count is exact
                       hint="A Linear(d_in, d_out) layer holds a d_in × d_out weight matrix and d_out biases; add over the layers.")


def check_step_count(answer, n=300, batch_size=32, epochs=150, name="n_steps"):
    r"""Check the number of optimizer steps of mini-batch training:
    :math:`\lceil n/B \rceil` steps per epoch (the last, smaller batch is
    kept), times the number of epochs.

    >>> check_step_count(12, n=10, batch_size=4, epochs=6)
    ✗ n_steps = 12.0 is not correct. Hint: The last, smaller batch is kept (bp.data.minibatches drops no sample): round n/B up, not down.
    False
    >>> check_step_count(18, n=10, batch_size=4, epochs=6)
    ✓ n_steps = 18.0 is correct.
    True
    """
    try:
        n, batch_size, epochs = int(n), int(batch_size), int(epochs)
    except Exception:
        return _report(False, "n, batch_size and epochs must be integers.")
    if n < 1 or batch_size < 1 or epochs < 0:
        return _report(False, "n and batch_size must be positive and epochs non-negative.")
    mistakes = [
        Mistake((n // batch_size) * epochs, "The last, smaller batch is kept (bp.data.minibatches drops no sample): round n/B up, not down."),
        Mistake(n / batch_size * epochs, "A step uses a whole batch, so the count is an integer: round n/B up (the last batch is smaller)."),
        Mistake(n * epochs, "That is one step per sample (pure stochastic gradient descent); here each step uses a batch of B samples."),
        Mistake(epochs, "That is full-batch training (one step per epoch); with mini-batches every epoch takes several steps."),
    ]
    return check_value(answer, -(-n // batch_size) * epochs, name=name, mistakes=mistakes, rtol=0.0,  # a count is exact
                       hint="Count the batches in one epoch (the last one may be smaller), then multiply by the number of epochs.")


_RANGE_MISTAKES = [
    Mistake(lambda lr_min, lr_max, steps: np.linspace(lr_min, lr_max, steps),
            "Those rates are evenly spaced; a range test multiplies the rate by the same factor every step (evenly spaced on a log axis)."),
    Mistake(lambda lr_min, lr_max, steps: lr_min * (lr_max / lr_min) ** (np.arange(steps) / steps),
            "Your last rate falls short of lr_max: the exponent must run from 0 to 1, i.e. k/(steps − 1)."),
    Mistake(lambda lr_min, lr_max, steps: (lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1)))[::-1],
            "The rates must rise, from lr_min to lr_max."),
    Mistake(lambda lr_min, lr_max, steps: np.logspace(lr_min, lr_max, steps),
            "np.logspace takes exponents: np.logspace(a, b) runs from 10**a to 10**b. Use np.geomspace, or pass log10 of the rates."),
]


def check_range_test_rates(candidate, name="my_range_test_rates"):
    r"""Check ``my_range_test_rates(lr_min, lr_max, steps)``:
    :math:`\eta_k = \eta_{\min}(\eta_{\max}/\eta_{\min})^{k/(K-1)}`
    (:func:`bpcore.experiments.range_test_rates`), any sequence type.

    >>> check_range_test_rates(lambda a, b, k: np.geomspace(a, b, k))
    ✓ my_range_test_rates agrees with the reference on 3 test cases.
    True
    """
    cases = [((1e-3, 10.0, 5), {}), ((0.01, 1.0, 3), {}), ((1e-4, 2.0, 40), {})]
    return check_function(candidate, experiments.range_test_rates, cases, name=name, mistakes=_RANGE_MISTAKES,
                          hint="Start at lr_min and multiply by the same factor each step, so that step steps − 1 is exactly lr_max.")


def _filter_normalize(d, W):
    d, W = np.asarray(d, dtype=float), np.asarray(W, dtype=float)
    return d * (np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0))


_FILTER_MISTAKES = [
    Mistake(lambda d, W: np.asarray(d) * (np.linalg.norm(W) / np.linalg.norm(d)),
            "You rescaled the whole matrix at once; Li et al. rescale every filter (column: the weights into one unit) separately."),
    Mistake(lambda d, W: np.asarray(d) * (np.linalg.norm(W, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True)),
            "Those are rows; a filter is a column of W (shape (n_in, n_out)): use the norms over axis=0."),
    Mistake(lambda d, W: np.asarray(d) / np.linalg.norm(d, axis=0),
            "Each column of d now has norm 1; it must have the norm of the same column of W."),
    Mistake(lambda d, W: np.asarray(d, dtype=float),
            "d came back unchanged: rescale each of its columns to the norm of the matching column of W."),
]


def check_filter_normalize(candidate, name="my_filter_normalize"):
    r"""Check ``my_filter_normalize(d, W)`` for a weight matrix ``W`` of
    shape ``(n_in, n_out)``: column :math:`j` of the result is
    :math:`d_{:,j}\,\lVert W_{:,j}\rVert / \lVert d_{:,j}\rVert` (the rule of
    :func:`bpcore.landscape.random_direction`).

    >>> check_filter_normalize(lambda d, W: d * np.linalg.norm(W, axis=0) / np.linalg.norm(d, axis=0))
    ✓ my_filter_normalize agrees with the reference on 3 test cases.
    True
    """
    rng = np.random.default_rng(8)
    cases = [
        ((np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0], [4.0, 1.0]])), {}),
        ((rng.standard_normal((3, 4)), rng.standard_normal((3, 4))), {}),
        ((rng.standard_normal((5, 2)), 3.0 * rng.standard_normal((5, 2))), {}),
    ]
    return check_function(candidate, _filter_normalize, cases, name=name, mistakes=_FILTER_MISTAKES,
                          hint="Compute the norm of every column of W and of d (axis=0), then scale each column of d by their ratio.")


def check_early_stopping_epoch(answer, val_loss, train_loss=None, name="best_epoch"):
    r"""Check the early-stopping epoch read off a validation curve: the
    epoch with the lowest validation loss, :math:`\arg\min_e L_{\text{val}}(e)`
    (entry 0 is the untrained network).

    >>> val = np.array([0.7, 0.3, 0.2, 0.4])
    >>> check_early_stopping_epoch(2, val)
    ✓ best_epoch = 2.0 is correct.
    True
    >>> check_early_stopping_epoch(3, val, train_loss=np.array([0.7, 0.3, 0.1, 0.05]))
    ✗ best_epoch = 3.0 is not correct. Hint: That is where the *training* loss is lowest (the end); early stopping watches the validation loss.
    False
    """
    try:
        val = np.asarray(val_loss, dtype=float)
        if val.ndim != 1 or val.size == 0 or not np.isfinite(val).any():
            raise ValueError
    except Exception:
        return _report(False, "val_loss must be a non-empty 1-D array of losses.")
    best = int(np.nanargmin(val))
    mistakes = []
    if train_loss is not None:
        try:
            train = np.asarray(train_loss, dtype=float)
            mistakes.append(Mistake(int(np.nanargmin(train)), "That is where the *training* loss is lowest (the end); early stopping watches the validation loss."))
        except Exception:
            pass
    mistakes += [
        Mistake(val.size - 1, "That is the last epoch; stop where the validation loss is lowest."),
        Mistake(int(np.nanargmax(val)), "That is where the validation loss is highest; you want its minimum."),
        Mistake(best + 1, "Count epochs from 0 (entry 0 is the untrained network): the answer is the index of the minimum."),
    ]
    return check_value(answer, best, name=name, mistakes=[m for m in mistakes if m.answer != best],
                       hint="Find the index of the smallest validation loss (np.argmin).", atol=0.5, rtol=0.0)
