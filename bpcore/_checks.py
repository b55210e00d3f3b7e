"""Input validation shared by the numeric modules.

Every public function of bpcore checks its arguments on entry with these
helpers, so bad input gets one kind of answer everywhere: a ``TypeError``
(wrong kind of thing: a string, ``None``, a complex number, an optimizer name
instead of an optimizer) or a ``ValueError`` (right kind, wrong value: a
ragged list, an empty array, NaN, a shape that does not match), and the
message names the argument and what was wrong with it, so a reader who
passes ``(n,)`` targets with ``(n, 1)`` predictions learns exactly that.

The rule for which of the two (the API appendix states it too):

* **TypeError** when the argument is not the kind of thing asked for: a
  string (``"0.1"`` too), bytes, ``None``, a complex number, a bool, a dict or
  any other object where a number or an array of numbers is wanted, a
  non-callable where a function is wanted.
* **ValueError** when it is the right kind with a wrong value: NaN or inf
  where a finite number is needed, a negative rate, a ragged or empty array,
  a shape that does not match, a size above the documented limit, and a real
  number that is not an integer (``2.5`` or ``2.0``) where a count is needed
  (a float *is* a number, it has the wrong value for a count).

A number may be given as a Python number, a numpy scalar or a 0-d array
(``np.array(2.0)``); a bool is not a number here, and neither is a numeric
string such as ``"1.5"``.  A Python integer too large for float64 (``10**400``,
alone or inside a list) counts as ±inf, so it gets the same answer as inf.

A callback's result (a schedule's rate, a loss function's value) is checked
with :func:`callback_number` where bpcore calls it, and sizes that decide an
allocation go through :func:`check_size` before any memory is asked for.
"""

import numbers

import numpy as np

#: Largest number of float64 entries one call may allocate (800 MB): above it
#: a clear ValueError comes before numpy's "Unable to allocate 8 TiB".
MAX_ELEMENTS = 10**8


class OutOfRangeError(ValueError):
    """Values that must lie in an interval (probabilities in [0, 1]) do not.

    A ValueError like the others; :func:`bpcore.train.fit` tells it apart
    because a model whose outputs leave [0, 1] *during* training diverged.
    """


def _kind(x):
    return "None" if x is None else type(x).__name__


def as_float64(x, name):
    """``x`` as a float64 ndarray (no copy if it already is one).

    Raises TypeError for anything that is not numbers: strings (numeric ones
    too), None, objects, complex values and Tensors (targets are plain data;
    pass ``t.data``); ValueError for ragged nested lists.

    >>> as_float64([1, 2], "y_true")
    array([1., 2.])
    >>> as_float64([1.0, 10**400], "z")
    array([ 1., inf])
    >>> as_float64("1.5", "y_true")
    Traceback (most recent call last):
    ...
    TypeError: y_true must be numeric, got str (dtype <U3)
    """
    if hasattr(x, "_backward"):  # a Tensor: avoid importing autodiff here
        raise TypeError(f"{name} must be an array or number, not a Tensor; pass {name}.data")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got {_kind(x)} (dtype {np.asarray(x).dtype})")
    try:
        arr = np.asarray(x)
    except ValueError:  # numpy's own message ("inhomogeneous shape ...") hides the cause
        raise ValueError(f"{name} is ragged: nested lists of unequal lengths do not form an array") from None
    except TypeError as err:
        raise TypeError(f"{name} must be numeric, got {_kind(x)} ({err})") from None
    if arr.dtype == object:
        arr = _object_reals(arr)
    if arr is None or arr.dtype.kind not in "biuf":
        dtype = "object" if arr is None else arr.dtype
        raise TypeError(f"{name} must be numeric, got {_kind(x)} (dtype {dtype})")
    return arr.astype(np.float64, copy=False)


def _object_reals(arr):
    """An object array of real numbers (``[1.0, 10**400]``) as float64, huge ints as ±inf; else None."""
    items = arr.reshape(-1).tolist() if arr.size <= MAX_ELEMENTS else None
    if items is None or not all(isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in items):
        return None
    return np.array([to_float(v) for v in items], dtype=np.float64).reshape(arr.shape)


def as_array(x, name, *, ndim=None, nonempty=True, finite=False):
    """:func:`as_float64` plus the usual checks: number of axes, not empty, no inf/NaN.

    ``ndim`` is an int or a tuple of allowed ints.

    >>> as_array([[1.0, 2.0]], "X", ndim=2).shape
    (1, 2)
    >>> as_array([], "x")
    Traceback (most recent call last):
    ...
    ValueError: x is empty (shape (0,))
    """
    arr = as_float64(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed or (nonempty and arr.size == 0):
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be a {'non-empty ' if nonempty else ''}{want} array, got shape {arr.shape}")
    if nonempty:
        check_nonempty(arr, name)
    if finite:
        check_finite(arr, name)
    return arr


def to_float(value):
    """``float(value)``, with Python integers too large for float64 (``10**400``) as ``±inf``.

    >>> to_float(10**400), to_float(-(10**400)), to_float(2)
    (inf, -inf, 2.0)
    """
    try:
        return float(value)
    except OverflowError:
        return np.inf if value > 0 else -np.inf


def real_number(value, name, *, finite=True, positive=False, nonnegative=False):
    """``value`` as a Python float: a real number, a numpy scalar or a 0-d array.

    TypeError for anything else; ValueError for NaN/inf (unless
    ``finite=False``), for ``value <= 0`` with ``positive`` and for
    ``value < 0`` with ``nonnegative``.

    >>> real_number(np.array(2.0), "lr")
    2.0
    >>> real_number(1j, "lr")
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got complex 1j
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        raise TypeError(f"{name} must be a real number, got {_kind(value)}{shape} {_short(value)}")
    value = to_float(value)
    if finite and not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be a positive{' finite' if finite else ''} number, got {value!r}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return value


def positive_number(value, name):
    """:func:`real_number` that must be positive and finite (a learning rate, a width, Huber's delta).

    >>> positive_number(np.array(0.5), "lr")
    0.5
    >>> positive_number("0.1", "lr")
    Traceback (most recent call last):
    ...
    TypeError: lr must be a real number, got str '0.1'
    >>> positive_number(-0.1, "lr")
    Traceback (most recent call last):
    ...
    ValueError: lr must be a positive finite number, got -0.1
    """
    return real_number(value, name, positive=True)


def callback_number(value, what, *, positive=False, finite=True):
    """A callback's result as a float, or an error saying which call returned what.

    ``what`` names the call, e.g. ``"schedule(3)"``; the same rule as for
    arguments: TypeError for a result that is not a real number, ValueError
    for a wrong value.

    >>> callback_number(None, "schedule(0)")
    Traceback (most recent call last):
    ...
    TypeError: schedule(0) returned None; it must return a real number
    >>> callback_number(-0.1, "schedule(0)", positive=True)
    Traceback (most recent call last):
    ...
    ValueError: schedule(0) returned -0.1; it must return a positive finite number
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} returned {_kind(value)} {_short(value)}".replace("None None", "None")
                        + "; it must return a real number")
    number = to_float(value)
    if finite and not np.isfinite(number):
        raise ValueError(f"{what} returned {number!r}; it must return a finite number")
    if positive and not number > 0:
        raise ValueError(f"{what} returned {number!r}; it must return a positive finite number")
    return number


def check_size(count, name, limit=MAX_ELEMENTS):
    """Raise ValueError if an allocation of ``count`` entries (a Python int, no overflow) exceeds ``limit``.

    >>> check_size(2**40, "n")
    Traceback (most recent call last):
    ...
    ValueError: n asks for 1099511627776 values; at most 100000000 fit in one call
    """
    if count > limit:
        raise ValueError(f"{name} asks for {count} values; at most {limit} fit in one call")
    return count


def integer(value, name, *, minimum=None, maximum=None):
    """``value`` as a Python int (a numpy integer or a 0-d integer array too), in ``[minimum, maximum]``.

    A real number that is not an int (``2.5``, ``2.0``) is a ValueError (a
    wrong value); anything that is not a real number is a TypeError.

    >>> integer(np.array(3), "epochs", minimum=0)
    3
    >>> integer(2.5, "epochs")
    Traceback (most recent call last):
    ...
    ValueError: epochs must be an integer, got float 2.5
    >>> integer("2", "epochs")
    Traceback (most recent call last):
    ...
    TypeError: epochs must be an integer, got str '2'
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {_kind(value)} {_short(value)}")
    if not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {_kind(value)} {_short(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_short(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}, got {_short(value)}")
    if abs(value) > np.iinfo(np.int64).max:
        raise ValueError(f"{name} is too large: {_short(value)}")
    return value


def as_rng(seed, name="seed"):
    """``numpy.random.default_rng(seed)`` for the seeds bpcore documents, else a TypeError naming ``seed``.

    Accepted: None (fresh entropy), a non-negative integer (a 0-d array too), a
    non-empty sequence of them, or a ``numpy.random.Generator`` (used as is,
    so a training loop can pass its own). numpy itself would also take
    numeric strings such as ``["1", "2"]``; bpcore does not.

    >>> float(as_rng(0).random()) == float(np.random.default_rng(0).random())
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (np.random.SeedSequence, np.random.BitGenerator)) or seed is None:
        return np.random.default_rng(seed)
    ints = None
    if not isinstance(seed, (str, bytes, bool, np.bool_, dict)):
        try:
            arr = np.asarray(seed)
            if arr.dtype.kind in "iu" and arr.size > 0 and arr.ndim <= 1 and np.all(arr >= 0):
                ints = arr
        except (ValueError, TypeError):
            pass
    if ints is None:
        raise TypeError(f"{name} must be a non-negative integer, a non-empty list of them, None or a "
                        f"numpy.random.Generator, got {_kind(seed)} {_short(seed)}")
    return np.random.default_rng(ints.tolist() if ints.ndim else int(ints))


def choice(value, name, options):
    """``value`` if it is one of the string ``options``: TypeError for a non-string, ValueError for another string.

    >>> choice("he", "init", ("glorot", "he"))
    'he'
    >>> choice(None, "init", ("glorot", "he"))
    Traceback (most recent call last):
    ...
    TypeError: init must be one of ['glorot', 'he'] (a string), got None
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {sorted(options)} (a string), got {_kind(value)}"
                        + ("" if value is None else f" {_short(value)}"))
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}, got {value!r:.40}")
    return value


def check_callable(f, name):
    """Raise TypeError unless ``f`` can be called (a name given as a string is the usual slip)."""
    if not callable(f):
        raise TypeError(f"{name} must be a function, got {_kind(f)} {_short(f)}")
    return f


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


def check_finite(a, name):
    """Raise ValueError if ``a`` holds inf or NaN, saying which and where."""
    bad = ~np.isfinite(a)
    if bad.any():
        first = np.argwhere(bad)[0] if a.ndim else ()
        raise ValueError(f"{name} must be finite; found {a[tuple(first)]} at index {tuple(int(i) for i in first)}")


def check_in_unit_interval(a, name, error=OutOfRangeError):
    """Raise ``error`` unless every entry lies in [0, 1].

    Predictions get :class:`OutOfRangeError` (a ValueError that training
    reads as divergence); targets pass ``error=ValueError`` (a wrong target
    is a mistake in the data, whenever it shows up).

    >>> check_in_unit_interval(np.array([0.5, 1.5]), "y_pred")
    Traceback (most recent call last):
    ...
    bpcore._checks.OutOfRangeError: y_pred must lie in [0, 1]; found values from 0.5 to 1.5
    >>> check_in_unit_interval(np.array([0.5, np.nan]), "p")
    Traceback (most recent call last):
    ...
    bpcore._checks.OutOfRangeError: p must lie in [0, 1]; found NaN at index (1,)
    """
    if np.all((a >= 0.0) & (a <= 1.0)):
        return
    nan = np.isnan(a)
    if nan.any():
        first = tuple(int(i) for i in np.argwhere(nan)[0]) if a.ndim else ()
        raise error(f"{name} must lie in [0, 1]; found NaN at index {first}")
    raise error(f"{name} must lie in [0, 1]; found values from {np.min(a)} to {np.max(a)}")


def _short(value, limit=40):
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = "<unprintable>"
    return text if len(text) <= limit else text[:limit - 3] + "..."
