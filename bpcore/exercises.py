r"""Answer checkers for the exercises.

A check cell in a chapter calls one of these with the student's function or
number. The checker compares it with the reference in ``bpcore`` on a few
test cases and prints either a ✓ or *what* is wrong (the inputs, what came
back, what was expected) with a hint. It returns ``True`` or ``False``.

A checker never raises, whatever it is given: ``None``, a string, NaN, an
array of the wrong shape, a function that raises or returns nonsense. A
check cell must run in the student edition too, where the exercise is still
a stub that returns ``None``.

>>> check_value(1.125, 1.125, name="L")
✓ L = 1.125 is correct.
True
>>> check_function(None, lambda x: x, [((1.0,), {})], name="my_fn")
✗ my_fn is not a function (got NoneType). Define it with `def my_fn(...):` and run that cell first.
False
"""

import math
import numbers
import warnings

import numpy as np

from . import losses, neuron

__all__ = [
    "check_value",
    "check_function",
    "check_mse",
    "check_huber",
    "check_log_softmax",
    "check_neuron_step",
    "check_learning_rate_bound",
]

_RTOL, _ATOL = 1e-6, 1e-9
_SHOWN_ENTRIES = 8   # arrays up to this size are printed in full in messages


def _short(value, limit=60):
    """A compact, readable repr of an argument or result for messages."""
    try:
        if isinstance(value, np.ndarray) and value.size > _SHOWN_ENTRIES:
            text = f"<array of shape {value.shape}>"
        elif isinstance(value, np.ndarray):
            text = " ".join(np.array2string(value, precision=4, separator=", ").split())
        elif isinstance(value, float):
            text = repr(float(f"{value:.6g}"))
        else:
            text = repr(value)
    except Exception:  # a student object with a broken __repr__
        text = f"<{type(value).__name__}>"
    return _truncate(text, limit)


def _truncate(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _call_text(name, args, kwargs):
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _as_numbers(value):
    """``value`` as a float64 array, or ``None`` if it is not numeric."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value, dtype=np.float64)
    except Exception:
        return None
    return array


def _compare(got, expected, rtol, atol, verb="returned"):
    """``None`` if ``got`` matches ``expected``, else a sentence saying how not."""
    expected = np.asarray(expected, dtype=np.float64)
    if got is None:
        if verb == "returned":
            return "returned None: did you forget a `return` statement?"
        return "is None: replace the ... with your answer"
    if got is Ellipsis:
        return f"{verb} `...`: replace the ... with your answer" if verb == "is" else "returned `...`: write the function body"
    numbers_got = _as_numbers(got)
    if numbers_got is None:
        return f"{verb} a {type(got).__name__} ({_short(got)}), expected a number or an array of numbers"
    if numbers_got.shape != expected.shape:
        wanted = "a single number" if expected.shape == () else f"shape {expected.shape}"
        return f"{verb} shape {numbers_got.shape}, expected {wanted}"
    shown = numbers_got if numbers_got.shape else float(numbers_got)
    want = expected if expected.shape else float(expected)
    if not np.all(np.isfinite(numbers_got)):
        return f"{verb} {_short(shown)}, which is not finite (expected {_short(want)})"
    close = np.isclose(numbers_got, expected, rtol=rtol, atol=atol)
    if not np.all(close):
        if numbers_got.size > _SHOWN_ENTRIES:   # too big to print: point at the first wrong entry
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            return (f"{verb} an array of shape {numbers_got.shape} whose entry {index} is "
                    f"{_short(float(numbers_got[index]))}, expected {_short(float(expected[index]))}")
        return f"{verb} {_short(shown)}, expected {_short(want)}"
    return None


def _report(passed, message):
    print(("✓ " if passed else "✗ ") + message)
    return passed


def check_value(answer, expected, *, name="your answer", hint="", rtol=_RTOL, atol=_ATOL):
    r"""Check a number (or array) worked out by hand against ``expected``:
    pass if :math:`|a - e| \le \text{atol} + \text{rtol}\,|e|` elementwise.

    >>> check_value("2.15", 2.15, name="W_new", hint="Use W - lr * dL/dW.")
    ✗ W_new is a str ('2.15'), expected a number or an array of numbers. Hint: Use W - lr * dL/dW.
    False
    """
    try:
        problem = _compare(answer, expected, rtol, atol, verb="is")
    except Exception as error:  # defensive: a checker never raises
        problem = f"could not be checked ({type(error).__name__})"
    if problem is None:
        return _report(True, f"{name} = {_short(_as_numbers(answer).tolist())} is correct.")
    return _report(False, f"{name} {problem}." + (f" Hint: {hint}" if hint else ""))


def check_function(candidate, reference, cases, *, name="your function", hint="", rtol=_RTOL, atol=_ATOL):
    r"""Call ``candidate(*args, **kwargs)`` and ``reference(*args, **kwargs)``
    for each ``(args, kwargs)`` in ``cases`` and compare the results
    (numbers, arrays, or tuples of them). Array arguments are copied, so a
    function that modifies its inputs cannot spoil later cases.

    >>> check_function(lambda a, b: a + b, lambda a, b: a + b, [((1.0, 2.0), {})], name="add")
    ✓ add agrees with the reference on 1 test case.
    True
    """
    if not callable(candidate):
        return _report(False, f"{name} is not a function (got {type(candidate).__name__}). "
                              f"Define it with `def {name}(...):` and run that cell first.")
    for args, kwargs in cases:
        expected = reference(*args, **kwargs)
        call = _call_text(name, args, kwargs)
        copied_args = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        copied_kwargs = {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                got = candidate(*copied_args, **copied_kwargs)
        except Exception as error:
            return _report(False, f"{call} raised {type(error).__name__}: {_truncate(str(error), 120)}."
                                  + (f" Hint: {hint}" if hint else ""))
        try:
            problem = _compare_results(got, expected, rtol, atol)
        except Exception as error:  # a result so odd that comparing it fails
            problem = f"returned something that could not be compared ({type(error).__name__})"
        if problem is not None:
            return _report(False, f"{call} {problem}." + (f" Hint: {hint}" if hint else ""))
    count = len(cases)
    return _report(True, f"{name} agrees with the reference on {count} test case{'s' if count != 1 else ''}.")


def _compare_results(got, expected, rtol, atol):
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"returned {_short(got)}, expected a tuple of {len(expected)} values"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = _compare(g, e, rtol, atol)
            if problem is not None:
                return f"(item {i} of the tuple) {problem}"
        return None
    return _compare(got, expected, rtol, atol)


# -- chapter 1 -------------------------------------------------------------------

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


def check_mse(candidate, name="my_mse"):
    r"""Check an implementation of :math:`\mathrm{MSE} = \frac1n \sum_i (y_i - \hat y_i)^2`.

    >>> check_mse(lambda y, p: float(np.mean((np.asarray(y) - p) ** 2)))
    ✓ my_mse agrees with the reference on 4 test cases.
    True
    """
    return check_function(candidate, losses.mse, _regression_cases(), name=name,
                          hint="Square the residuals y_true - y_pred, then take the mean over all elements.")


def check_huber(candidate, name="my_huber"):
    r"""Check an implementation of the Huber loss (mean over elements),
    :math:`\ell_\delta(r) = \tfrac12 r^2` for :math:`|r| \le \delta`, else
    :math:`\delta(|r| - \tfrac12\delta)`, with :math:`r = y - \hat y`.

    >>> check_huber(lambda y, p, delta=1.0: 0.0)
    ✗ my_huber(3.0, 1.5) returned 0.0, expected 1.0. Hint: Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere (np.where), then the mean.
    False
    """
    cases = _regression_cases() + [((np.array([0.0, 0.0]), np.array([0.5, 10.0])), {"delta": 2.0})]
    return check_function(candidate, losses.huber, cases, name=name,
                          hint="Use ½r² where |r| ≤ delta and delta·(|r| − ½·delta) elsewhere (np.where), then the mean.")


def check_log_softmax(candidate, name="my_log_softmax"):
    r"""Check a numerically stable :math:`\log\operatorname{softmax}(z)_c =
    z_c - \log\sum_k e^{z_k}` along the last axis, including logits of size
    1000 where the naïve formula overflows.

    >>> check_log_softmax(lambda z: np.log(np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)))
    ✗ my_log_softmax([1000., 1001., 1002.]) returned [nan, nan, nan], which is not finite (expected [-2.4076, -1.4076, -0.4076]). Hint: Work along the last axis (axis=-1, keepdims=True) and subtract the largest logit first: log softmax(z) = (z - m) - log(sum(exp(z - m))) with m = max(z).
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
    return check_function(candidate, losses.log_softmax, cases, name=name,
                          hint="Work along the last axis (axis=-1, keepdims=True) and subtract the largest logit first: log softmax(z) = (z - m) - log(sum(exp(z - m))) with m = max(z).")


# -- chapter 5 -------------------------------------------------------------------

def _neuron_step_reference(W, b, x, y, lr):
    step = neuron.forward_backward(W, b, x, y, lr)
    return (step["W_new"], step["b_new"])


def check_neuron_step(candidate, name="my_neuron_step"):
    r"""Check one gradient-descent step for :math:`\hat y = Wx + b`,
    :math:`L = \tfrac12 (y - \hat y)^2`: the function must return
    :math:`(W - \eta\,\partial L/\partial W,\; b - \eta\,\partial L/\partial b)`.

    >>> check_neuron_step(lambda W, b, x, y, lr: (W + lr * (y - W * x - b) * x, b + lr * (y - W * x - b)))
    ✓ my_neuron_step agrees with the reference on 4 test cases.
    True
    """
    cases = [
        ((2.0, -0.5, 1.0, 3.0, 0.1), {}),
        ((2.0, -0.5, 2.0, 3.0, 0.1), {}),
        ((-1.0, 0.3, -1.5, 0.5, 0.05), {}),
        ((0.0, 0.0, 3.0, -2.0, 0.2), {}),
    ]
    return check_function(candidate, _neuron_step_reference, cases, name=name,
                          hint="dL/dŷ = -(y - ŷ); dL/dW = dL/dŷ · x; dL/db = dL/dŷ; return (W - lr·dL/dW, b - lr·dL/db).")


def check_learning_rate_bound(answer, x=2.0, name="eta_max"):
    r"""Check the largest stable learning rate of gradient descent on
    :math:`\tfrac12 (y - Wx - b)^2` over :math:`(W, b)`:
    :math:`\eta_{\max} = 2/\lambda_{\max} = 2/(x^2 + 1)`.

    >>> check_learning_rate_bound(0.4, x=2.0)
    ✓ eta_max = 0.4 is correct.
    True
    """
    if not isinstance(x, numbers.Real) or not math.isfinite(x):
        return _report(False, f"x must be a finite number, got {_short(x)}.")
    return check_value(answer, 2.0 / (x * x + 1.0), name=name,
                       hint="Write the Hessian of L with respect to (W, b); GD is stable for η < 2/λ_max.")
