"""Input validation shared by the numeric modules.

Every message names the argument and what was wrong with it, so a reader who
passes ``(n,)`` targets with ``(n, 1)`` predictions learns exactly that.
"""

import numpy as np


def as_float64(x, name):
    """``x`` as a float64 ndarray (no copy if it already is one).

    Raises TypeError for anything that is not numbers: strings, None, objects,
    complex values and Tensors (targets are plain data; pass ``t.data``).

    >>> as_float64([1, 2], "y_true")
    array([1., 2.])
    """
    if hasattr(x, "_backward"):  # a Tensor: avoid importing autodiff here
        raise TypeError(f"{name} must be an array or number, not a Tensor; pass {name}.data")
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array: {err}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got {type(x).__name__} (dtype {arr.dtype})")
    return arr.astype(np.float64, copy=False)


def check_same_shape(a, b, name_a, name_b):
    """Raise ValueError naming both shapes unless they are equal (no broadcasting).

    >>> check_same_shape(np.zeros(3), np.zeros((3, 1)), "y_true", "y_pred")
    Traceback (most recent call last):
    ...
    ValueError: y_true has shape (3,) but y_pred has shape (3, 1); shapes must match exactly (reshape one of them, e.g. y_pred.reshape(-1))
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; shapes must match "
            f"exactly (reshape one of them, e.g. {name_b}.reshape(-1))")


def check_nonempty(a, name):
    """Raise ValueError for an empty array (its mean would be NaN)."""
    if a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape})")


def check_in_unit_interval(a, name):
    """Raise ValueError unless every entry lies in [0, 1].

    >>> check_in_unit_interval(np.array([0.5, 1.5]), "y_pred")
    Traceback (most recent call last):
    ...
    ValueError: y_pred must lie in [0, 1]; found values from 0.5 to 1.5
    """
    if not np.all((a >= 0.0) & (a <= 1.0)):
        raise ValueError(f"{name} must lie in [0, 1]; found values from {np.nanmin(a)} to {np.nanmax(a)}")
