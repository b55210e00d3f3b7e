r"""The machinery every checker shares: run the student's code safely,
compare with a reference, recognise known mistakes, and report.

A chapter's checker is declarative. It names

* a **reference** (a number for a by-hand answer, a ``bpcore`` function for
  an implementation),
* the **test cases** (for a function: ``(args, kwargs)`` pairs),
* a catalogue of **known mistakes**, each a :class:`Mistake` pairing the wrong
  answer (or a function computing it) with the hint that fixes it,
* a generic **hint** for answers nobody predicted,

and calls :func:`check_value` or :func:`check_function`. Those never raise:
whatever the student passes (``None``, a string, a complex number, NaN, a
function that raises, loops forever, calls ``sys.exit`` or modifies its
inputs) they print ✓ or ✗ with what is wrong and return ``True``/``False``.

A by-hand answer is never compared out loud: the message says *that* it is
wrong and gives the hint for the recognised mistake, never the expected value.
"""

import copy
import math
import signal
import threading
import warnings
from contextlib import contextmanager

import numpy as np

__all__ = ["Mistake", "check_value", "check_function", "TIME_LIMIT"]

_RTOL, _ATOL = 1e-6, 1e-9
# A number worked out by hand is accepted to three significant digits (a
# correctly rounded 3-digit answer is within 0.5 %); one within 5 % is told it
# is close but not accurate enough, rather than that its method is wrong.
_HAND_RTOL, _CLOSE_RTOL = 5e-3, 5e-2
_SHOWN_ENTRIES = 8   # arrays up to this size are printed in full in messages
TIME_LIMIT = 5.0     # seconds one call of a student's function may take


class Mistake:
    r"""A known wrong answer and the hint that addresses it.

    ``answer`` is the wrong value (for :func:`check_value`) or a function
    computing the wrong result from the same arguments as the reference (for
    :func:`check_function`).

    >>> Mistake(1.0, "That is the rate for x = 1.").hint
    'That is the rate for x = 1.'
    """

    __slots__ = ("answer", "hint")

    def __init__(self, answer, hint):
        self.answer = answer
        self.hint = hint

    def __repr__(self):
        return f"Mistake({self.answer!r}, {self.hint!r})"


# -- reading what a student gave ------------------------------------------------

def _short(value, limit=60):
    """A compact, readable repr of an argument or result for messages."""
    try:
        if isinstance(value, np.ndarray) and value.size > _SHOWN_ENTRIES:
            text = f"<array of shape {value.shape}>"
        elif isinstance(value, np.ndarray):
            # Each entry as a float at 4 significant digits, like a scalar in a
            # message ([0.5, 10.0]), without array2string's column padding.
            text = " ".join(np.array2string(value, separator=", ", formatter={
                "float_kind": lambda v: repr(float(f"{v:.4g}"))}).split())
        elif isinstance(value, (float, np.floating)):
            text = repr(float(f"{float(value):.6g}"))
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
    """``value`` as a float64 array, or ``None`` unless it is real numbers.

    Strings (even "2.15"), booleans, complex numbers and objects are not
    numbers here: converting them would turn a wrong answer into a right one.
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_, complex)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = np.asarray(value)
            if raw.dtype.kind not in "iuf":
                return None
            return raw.astype(np.float64)
    except BaseException:  # ragged lists, broken __array__, ...
        return None


def _same_shape_text(got, expected):
    return "a single number" if expected.shape == () else f"shape {expected.shape}"


def _mismatch(got, expected, rtol, atol, verb):
    """``None`` if ``got`` matches ``expected``, else the reason, *without*
    revealing ``expected`` (used for by-hand answers too)."""
    if got is None:
        if verb == "returned":
            return "returned None: did you forget a `return` statement?"
        return "is None: replace the ... with your answer"
    if got is Ellipsis:
        return "returned `...`: write the function body" if verb == "returned" else "is `...`: replace the ... with your answer"
    numbers = _as_numbers(got)
    if numbers is None:
        return f"{verb} a {type(got).__name__} ({_short(got)}), expected a real number or an array of them"
    if numbers.shape != expected.shape:
        return f"{verb} shape {numbers.shape}, expected {_same_shape_text(numbers, expected)}"
    if not np.all(np.isfinite(numbers)):
        return f"{verb} {_short(numbers if numbers.shape else float(numbers))}, which is not finite"
    if not np.all(np.isclose(numbers, expected, rtol=rtol, atol=atol)):
        return "wrong"
    return None


def _matches(got, expected, rtol, atol):
    try:
        numbers = _as_numbers(got)
        expected = np.asarray(expected, dtype=np.float64)
        return (numbers is not None and numbers.shape == expected.shape
                and bool(np.all(np.isclose(numbers, expected, rtol=rtol, atol=atol))))
    except Exception:
        return False


def _report(passed, message):
    message = message.rstrip()
    # Never "?." or "..": a sentence that ends in punctuation keeps it.
    if message and message[-1] not in ".?!:":
        message += "."
    print(("✓ " if passed else "✗ ") + message)
    return passed


def _with_hint(message, hint):
    message = message.rstrip()
    if message and message[-1] not in ".?!:":
        message += "."
    return message + (f" Hint: {hint}" if hint else "")


# -- running a student's function ------------------------------------------------

class _TimeLimitExceeded(BaseException):
    """Raised inside the student's code when its time is up."""


@contextmanager
def _time_limit(seconds):
    """Interrupt the block after ``seconds`` (wall clock) with
    :class:`_TimeLimitExceeded`. Signals reach only the main thread; elsewhere
    (rare for a notebook) the block runs without a limit."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise _TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


def _copy(value):
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _unchanged(before, after):
    try:
        if isinstance(before, np.ndarray):
            return (isinstance(after, np.ndarray) and before.shape == after.shape
                    and bool(np.array_equal(before, after, equal_nan=True)))
        if isinstance(before, (list, tuple)):
            return (type(before) is type(after) and len(before) == len(after)
                    and all(_unchanged(b, a) for b, a in zip(before, after)))
        if isinstance(before, dict):
            return before.keys() == after.keys() and all(_unchanged(before[k], after[k]) for k in before)
        return True  # numbers and strings cannot be modified in place
    except Exception:
        return True


def run_student(function, args, kwargs, time_limit=TIME_LIMIT):
    r"""Call ``function(*args, **kwargs)`` on copies of the arguments and
    return ``(result, problem)``; ``problem`` is ``None`` or a sentence.

    Nothing escapes: an exception (even ``SystemExit``), a call that runs
    past ``time_limit`` seconds and a function that modifies its inputs are
    each reported as the problem.

    >>> run_student(lambda a: a + 1, (1.0,), {})
    (2.0, None)
    >>> run_student(lambda: exit(3), (), {})[1]
    'raised SystemExit: 3'
    >>> def in_place(a):
    ...     a *= 2
    ...     return a
    >>> run_student(in_place, (np.ones(2),), {})[1]
    'modified its argument 1 in place (a function must not change its inputs; work on a copy)'
    """
    given_args, given_kwargs = _copy(list(args)), _copy(dict(kwargs))
    pristine_args, pristine_kwargs = _copy(list(args)), _copy(dict(kwargs))
    try:
        with _time_limit(time_limit), warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = function(*given_args, **given_kwargs)
    except _TimeLimitExceeded:
        return None, f"did not finish within {time_limit:g} s (an endless loop?)"
    except RecursionError:
        return None, "recursed without end (RecursionError)"
    except BaseException as error:  # the student's code may raise anything, SystemExit included
        text = _truncate(str(error), 120)
        return None, f"raised {type(error).__name__}" + (f": {text}" if text else "")
    for position, (before, after) in enumerate(zip(pristine_args, given_args), start=1):
        if not _unchanged(before, after):
            return result, f"modified its argument {position} in place (a function must not change its inputs; work on a copy)"
    for key in pristine_kwargs:
        if not _unchanged(pristine_kwargs[key], given_kwargs.get(key)):
            return result, f"modified its argument {key}= in place (a function must not change its inputs; work on a copy)"
    return result, None


# -- the two checkers ------------------------------------------------------------

def check_value(answer, expected, *, name="your answer", hint="", mistakes=(), rtol=_HAND_RTOL, atol=_ATOL):
    r"""Check a number (or array) worked out by hand: pass if
    :math:`|a - e| \le \text{atol} + \text{rtol}\,|e|` elementwise (by
    default to three significant digits).

    The expected value is never printed. A wrong answer that matches one of
    ``mistakes`` gets that mistake's hint; one within 5 % of the expected value
    is told it is close but not accurate enough; any other gets ``hint``.

    >>> check_value(1.125, 1.125, name="L")
    ✓ L = 1.125 is correct.
    True
    >>> check_value(2.25, 1.125, name="L", mistakes=[Mistake(2.25, "Did you drop the ½?")])
    ✗ L = 2.25 is not correct. Hint: Did you drop the ½?
    False
    >>> check_value(0.18, 2 / 11, name="v", hint="Use the finite-population correction.")
    ✗ v = 0.18 is close, but not accurate enough: give at least three significant digits, or an exact expression such as 3/7.
    False
    >>> check_value("1.125", 1.125, name="L", hint="Compute ½(y − ŷ)².")
    ✗ L is a str ('1.125'), expected a real number or an array of them. Hint: Compute ½(y − ŷ)².
    False
    """
    try:
        expected = np.asarray(expected, dtype=np.float64)
        problem = _mismatch(answer, expected, rtol, atol, verb="is")
        if problem is None:
            shown = _as_numbers(answer)
            return _report(True, f"{name} = {_short(shown if shown.shape else float(shown))} is correct.")
        if problem != "wrong":
            return _report(False, _with_hint(f"{name} {problem}", hint))
        shown = _as_numbers(answer)
        message = f"{name} = {_short(shown if shown.shape else float(shown))} is not correct"
        for mistake in mistakes:
            if _matches(answer, mistake.answer, rtol, atol):
                return _report(False, _with_hint(message, mistake.hint))
        if rtol < _CLOSE_RTOL and _matches(answer, expected, _CLOSE_RTOL, atol):
            return _report(False, f"{name} = {_short(shown if shown.shape else float(shown))} is close, but not accurate "
                                  "enough: give at least three significant digits, or an exact expression such as 3/7.")
        return _report(False, _with_hint(message, hint))
    except BaseException as error:  # defensive: a checker never raises
        return _report(False, f"{name} could not be checked ({type(error).__name__})")


def _compare_results(got, expected, rtol, atol):
    """``None`` if the results match, else a sentence that shows both (the
    inputs of a test case are not secret)."""
    if got is None or got is Ellipsis:   # a stub: "did you return?", whatever the expected type
        return _mismatch(got, np.zeros(()), rtol, atol, verb="returned")
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list, np.ndarray)) or len(got) != len(expected):
            return f"returned {_short(got)}, expected a tuple of {len(expected)} values"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = _compare_results(g, e, rtol, atol)
            if problem is not None:
                return f"(item {i} of the tuple) {problem}"
        return None
    expected = np.asarray(expected, dtype=np.float64)
    problem = _mismatch(got, expected, rtol, atol, verb="returned")
    if problem is None:
        return None
    if problem == "wrong":
        numbers = _as_numbers(got)
        close = np.isclose(numbers, expected, rtol=rtol, atol=atol)
        if numbers.size > _SHOWN_ENTRIES:   # too big to print: point at the first wrong entry
            index = tuple(int(i) for i in np.argwhere(~close)[0])
            return (f"returned an array of shape {numbers.shape} whose entry {index} is "
                    f"{_short(float(numbers[index]))}, expected {_short(float(expected[index]))}")
        shown = numbers if numbers.shape else float(numbers)
        want = expected if expected.shape else float(expected)
        return f"returned {_short(shown)}, expected {_short(want)}"
    return problem


def _matching_mistake(candidate, cases, mistakes, rtol, atol, time_limit):
    """The first mistake whose results equal the candidate's on every test
    case the candidate completed (one case alone can be ambiguous: for a
    single residual, the mean and the mean absolute value coincide)."""
    results = []
    for args, kwargs in cases:
        got, problem = run_student(candidate, args, kwargs, time_limit=time_limit)
        if problem is not None:
            continue
        results.append((args, kwargs, got))
    for mistake in mistakes:
        try:
            if results and all(_compare_results(got, _as_tuple(_call_quietly(mistake.answer, args, kwargs)), rtol, atol) is None
                               for args, kwargs, got in results):
                return mistake
        except Exception:
            continue
    return None


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


def _call_quietly(function, args, kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*_copy(list(args)), **_copy(dict(kwargs)))


def check_function(candidate, reference, cases, *, name="your function", hint="", mistakes=(),
                   rtol=_RTOL, atol=_ATOL, time_limit=TIME_LIMIT):
    r"""Call ``candidate(*args, **kwargs)`` and ``reference(*args, **kwargs)``
    for each ``(args, kwargs)`` in ``cases`` and compare the results
    (numbers, arrays, or tuples of them; a list or an ndarray of the right
    values is accepted for a tuple). The candidate works on copies of the
    arguments, must not modify them, and has ``time_limit`` seconds per call.

    The first failing case is reported with its inputs, the result and the
    expected result; if the result equals one of ``mistakes`` (functions
    computing a known wrong answer) its hint is given, else ``hint``.

    >>> check_function(lambda a, b: a + b, lambda a, b: a + b, [((1.0, 2.0), {})], name="add")
    ✓ add agrees with the reference on 1 test case.
    True
    >>> check_function(lambda a, b: a - b, lambda a, b: a + b, [((1.0, 2.0), {})], name="add",
    ...                mistakes=[Mistake(lambda a, b: a - b, "Add, do not subtract.")])
    ✗ add(1.0, 2.0) returned -1.0, expected 3.0. Hint: Add, do not subtract.
    False
    """
    try:
        if not callable(candidate):
            if candidate is None or candidate is Ellipsis:
                return _report(False, f"{name} is not defined yet (got {candidate!r}): write the function "
                                      f"with `def {name}(...):` and run that cell first.")
            return _report(False, f"{name} is not a function (got {type(candidate).__name__}). "
                                  f"Define it with `def {name}(...):` and run that cell first.")
        for args, kwargs in cases:
            expected = _call_quietly(reference, args, kwargs)
            call = _call_text(name, args, kwargs)
            got, problem = run_student(candidate, args, kwargs, time_limit=time_limit)
            ran_cleanly = problem is None   # a known mistake explains a wrong value, not a crash or a mutation
            if problem is None:
                try:
                    problem = _compare_results(got, expected, rtol, atol)
                except Exception as error:  # a result so odd that comparing it fails
                    problem = f"returned something that could not be compared ({type(error).__name__})"
            if problem is not None:
                mistake = (_matching_mistake(candidate, cases, mistakes, rtol, atol, time_limit)
                           if mistakes and ran_cleanly and got is not None else None)
                return _report(False, _with_hint(f"{call} {problem}", mistake.hint if mistake else hint))
        count = len(cases)
        return _report(True, f"{name} agrees with the reference on {count} test case{'s' if count != 1 else ''}.")
    except BaseException as error:  # defensive: a checker never raises
        return _report(False, f"{name} could not be checked ({type(error).__name__})")


def finite_real(value):
    """True if ``value`` is a finite real number (for checker parameters)."""
    try:
        return (not isinstance(value, (bool, str, bytes, complex)) and np.ndim(value) == 0
                and np.asarray(value).dtype.kind in "iuf" and math.isfinite(float(value)))
    except Exception:
        return False
