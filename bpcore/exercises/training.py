r"""Checkers for chapter 8, training a network end to end."""

import math

import numpy as np

from .. import experiments
from ._core import Mistake, _report, check_function, check_value, never_raises, whole_number

__all__ = ["check_parameter_count", "check_step_count", "check_range_test_rates", "check_filter_normalize",
           "check_early_stopping_epoch"]


def _sizes_ok(sizes):
    try:
        if isinstance(sizes, (str, bytes)) or not all(whole_number(s, 1, 10**6) for s in sizes):
            return None
        sizes = [int(s) for s in sizes]
        return sizes if 2 <= len(sizes) <= 1000 else None
    except Exception:
        return None


def _distinct(mistakes, expected):
    """Drop mistakes equal to the answer and, of mistakes with equal answers,
    keep the first (the list is in order of likelihood): each wrong answer
    gets one message."""
    kept = {}
    for m in mistakes:
        if m.answer != expected:
            kept.setdefault(m.answer, m.hint)
    return [Mistake(answer, hint) for answer, hint in kept.items()]


@never_raises
def check_parameter_count(answer, sizes=(2, 32, 32, 2), name="n_params"):
    r"""Check the number of parameters of an MLP with layer sizes ``sizes``
    (a weight matrix and a bias vector per layer).

    A count: compared exactly. On made-up sizes (not the exercise's):

    >>> check_parameter_count(13, sizes=(2, 3, 1))
    ✓ n_params is correct.
    True
    >>> check_parameter_count(9, sizes=(2, 3, 1))
    ✗ n_params = 9 is not correct. Hint: You counted the weights only; every layer also has one bias per output unit.
    False
    """
    sizes = _sizes_ok(sizes)
    if sizes is None:
        return _report(False, f"check_parameter_count: sizes must be a list of 2 to 1000 whole numbers from 1 to 10**6, got {sizes!r}.")
    pairs = list(zip(sizes[:-1], sizes[1:]))
    mistakes = [
        Mistake(sum(a * b for a, b in pairs), "You counted the weights only; every layer also has one bias per output unit."),
        Mistake(sum(a * b + a for a, b in pairs), "A layer has one bias per *output* unit (d_l of them), not per input."),
        Mistake(sum((a + 1) * (b + 1) for a, b in pairs), "Only the inputs get an extra 'bias input': a layer has (d_{l-1} + 1)·d_l parameters."),
        Mistake(sum(sizes), "That is the number of units; count the connections between consecutive layers (plus the biases)."),
        Mistake(math.prod(sizes), "Layers connect only to their neighbours: add d_{l-1}·d_l + d_l over the layers instead of multiplying all sizes."),
    ]
    expected = sum(a * b + b for a, b in pairs)
    if len(pairs) > 1:
        for layer, (_, b) in enumerate(pairs, start=1):
            mistakes.append(Mistake(expected - b, f"You left out one layer's bias vector ({b} numbers): every layer, the "
                                                  "last one included, has a bias per output unit."))
    mistakes = [Mistake(float(m.answer), m.hint) for m in _distinct(mistakes, expected)]
    return check_value(answer, expected, name=name, mistakes=mistakes, integer=True,
                       idea="Every layer holds a weight matrix and a bias vector; add their sizes over the layers.",
                       hint="A Linear(d_in, d_out) layer holds a d_in × d_out weight matrix and d_out biases; add over the layers.")


@never_raises
def check_step_count(answer, n=300, batch_size=32, epochs=150, name="n_steps"):
    r"""Check the number of optimizer steps of mini-batch training on ``n``
    points in batches of ``batch_size`` for ``epochs`` epochs, the last,
    smaller batch of every epoch kept.

    A count: compared exactly. On made-up sizes (not the exercise's):

    >>> check_step_count(12, n=10, batch_size=4, epochs=6)
    ✗ n_steps = 12 is not correct. Hint: The last, smaller batch is kept (bp.data.minibatches drops no sample): round n/B up, not down.
    False
    >>> check_step_count(18, n=10, batch_size=4, epochs=6)
    ✓ n_steps is correct.
    True
    """
    if not (whole_number(n, 1, 10**12) and whole_number(batch_size, 1, 10**12) and whole_number(epochs, 1, 10**9)):
        return _report(False, f"check_step_count: n, batch_size and epochs must be positive whole numbers, "
                              f"got {n!r}, {batch_size!r}, {epochs!r}.")
    n, batch_size, epochs = int(n), int(batch_size), int(epochs)
    mistakes = [
        Mistake((n // batch_size) * epochs, "The last, smaller batch is kept (bp.data.minibatches drops no sample): round n/B up, not down."),
        Mistake(n / batch_size * epochs, "A step uses a whole batch, so the count is an integer: round n/B up (the last batch is smaller)."),
        Mistake(n * epochs, "That is one step per sample (pure stochastic gradient descent); here each step uses a batch of B samples."),
        Mistake(epochs, "That is full-batch training (one step per epoch); with mini-batches every epoch takes several steps."),
        Mistake(-(-n // batch_size) * (epochs - 1), "That is one epoch short: count the steps of all the epochs."),
        Mistake(-(-n // batch_size) * (epochs + 1), "That is one epoch too many: the run has exactly the given number of epochs."),
    ]
    expected = -(-n // batch_size) * epochs
    mistakes = [Mistake(float(m.answer), m.hint) for m in _distinct(mistakes, expected)]
    return check_value(answer, expected, name=name, mistakes=mistakes, integer=True,
                       idea="One optimizer step per mini-batch: count the batches of an epoch, then the epochs.",
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


@never_raises
def check_range_test_rates(candidate, name="my_range_test_rates"):
    r"""Check ``my_range_test_rates(lr_min, lr_max, steps)``:
    :math:`\eta_k = \eta_{\min}(\eta_{\max}/\eta_{\min})^{k/(K-1)}`
    (:func:`bpcore.experiments.range_test_rates`), any sequence type.

    >>> check_range_test_rates(lambda a, b, k: np.linspace(a, b, k))
    ✗ my_range_test_rates(0.001, 10.0, 5) returned [0.001, 2.501, 5.001, 7.5, 10.0], expected [0.001, 0.01, 0.1, 1.0, 10.0]. Hint: Those rates are evenly spaced; a range test multiplies the rate by the same factor every step (evenly spaced on a log axis).
    False
    """
    cases = [((1e-3, 10.0, 5), {}), ((0.01, 1.0, 3), {}), ((1e-4, 2.0, 40), {})]
    return check_function(candidate, experiments.range_test_rates, cases, name=name, mistakes=_RANGE_MISTAKES,
                          idea="Follow eq-range-rates: from lr_min to lr_max, each rate the previous one times the same factor.",
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


@never_raises
def check_filter_normalize(candidate, name="my_filter_normalize"):
    r"""Check ``my_filter_normalize(d, W)`` for a weight matrix ``W`` of
    shape ``(n_in, n_out)``: column :math:`j` of the result is
    :math:`d_{:,j}\,\lVert W_{:,j}\rVert / \lVert d_{:,j}\rVert` (the rule of
    :func:`bpcore.landscape.random_direction`).

    >>> check_filter_normalize(lambda d, W: d)
    ✗ my_filter_normalize([[1.0, 0.0], [0.0, 2.0]], [[3.0, 0.0], [4.0, 1.0]]) returned [[1.0, 0.0], [0.0, 2.0]], expected [[5.0, 0.0], [0.0, 1.0]]. Hint: d came back unchanged: rescale each of its columns to the norm of the matching column of W.
    False
    """
    rng = np.random.default_rng(8)
    cases = [
        ((np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[3.0, 0.0], [4.0, 1.0]])), {}),
        ((rng.standard_normal((3, 4)), rng.standard_normal((3, 4))), {}),
        ((rng.standard_normal((5, 2)), 3.0 * rng.standard_normal((5, 2))), {}),
    ]
    return check_function(candidate, _filter_normalize, cases, name=name, mistakes=_FILTER_MISTAKES,
                          idea="Follow eq-filter-norm: every column (filter) of d gets the norm of the same column of W.",
                          hint="Compute the norm of every column of W and of d (axis=0), then scale each column of d by their ratio.")


@never_raises
def check_early_stopping_epoch(answer, val_loss, train_loss=None, name="best_epoch"):
    r"""Check the early-stopping epoch read off a validation curve: the
    epoch with the lowest validation loss, :math:`\arg\min_e L_{\text{val}}(e)`
    (entry 0 is the untrained network). An index: a whole number, compared
    exactly.

    On a made-up curve (not the exercise's):

    >>> val = np.array([0.7, 0.3, 0.2, 0.4])
    >>> check_early_stopping_epoch(2, val)
    ✓ best_epoch is correct.
    True
    >>> check_early_stopping_epoch(3, val, train_loss=np.array([0.7, 0.3, 0.1, 0.05]))
    ✗ best_epoch = 3 is not correct. Hint: That is where the *training* loss is lowest (the end); early stopping watches the validation loss.
    False
    """
    try:
        val = np.asarray(val_loss, dtype=float)
        if val.ndim != 1 or val.size == 0 or not np.isfinite(val).any():
            raise ValueError
    except Exception:
        return _report(False, "check_early_stopping_epoch: val_loss must be a non-empty 1-D array of losses.")
    best = int(np.nanargmin(val))
    mistakes = []
    if train_loss is not None:
        try:
            train = np.asarray(train_loss, dtype=float)
            if train.ndim == 1 and np.isfinite(train).any():
                mistakes.append(Mistake(int(np.nanargmin(train)), "That is where the *training* loss is lowest (the end); "
                                                                  "early stopping watches the validation loss."))
        except Exception:
            pass
    mistakes += [
        Mistake(val.size - 1, "That is the last epoch; stop where the validation loss is lowest."),
        Mistake(int(np.nanargmax(val)), "That is where the validation loss is highest; you want its minimum."),
        Mistake(best + 1, "Entry 0 is the untrained network, so the index of the minimum is already the epoch: do not add 1."),
        Mistake(best - 1, "Entry 0 is the untrained network, so the index of the minimum is already the epoch: do not subtract 1."),
    ]
    return check_value(answer, best, name=name, mistakes=[Mistake(float(m.answer), m.hint) for m in _distinct(mistakes, best)],
                       integer=True, idea="Early stopping keeps the epoch where the validation loss is lowest.",
                       hint="Find the index of the smallest validation loss.")
