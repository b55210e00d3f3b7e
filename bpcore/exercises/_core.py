r"""The machinery every checker shares: run the student's code safely,
compare with a reference, recognise known mistakes, and report.

A chapter's checker is declarative. It names

* a **reference** (a number for a by-hand answer, a ``bpcore`` function for
  an implementation),
* the **test cases** (for a function: ``(args, kwargs)`` pairs; never the
  exercise's own question, since a failing case is printed with its
  expected result),
* a catalogue of **known mistakes**, each a :class:`Mistake` pairing the wrong
  answer (or a function computing it) with the hint that fixes it,
* an **idea** (the equation or concept to use, shown for an untouched stub)
  and a generic **hint** for wrong answers nobody predicted,

and calls :func:`check_value` or :func:`check_function`. Those never raise:
whatever the student passes (``None``, a string, a complex number, NaN, a
function that raises, loops forever even catching the time-out, calls
``sys.exit`` or modifies its inputs) they print ✓ or ✗ with what is wrong and
return ``True``/``False``. A public checker is wrapped in :func:`never_raises`,
so a bad parameter of the checker itself gives a printed message too.

A by-hand answer is never compared out loud: the message says *that* it is
right or wrong and gives the hint for the recognised mistake, never the
expected value (not even on success: "✓ m_t is correct.").

Tolerances. An integer answer (``integer=True``: a count, an index) is
compared exactly. A real answer is accepted to three significant digits
(``rtol=5e-3``) unless the exercise text states another tolerance, which the
checker then uses. "Give more digits" is said only when the answer, rounded
to the digits it has, equals the right answer rounded the same way.
"""

import copy
import functools
import io
import math
import os
import pickle
import select
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from decimal import Decimal

import numpy as np

__all__ = ["Mistake", "check_value", "check_function", "run_student", "run_cases", "never_raises", "TIME_LIMIT"]

_RTOL, _ATOL = 1e-6, 1e-9
# A number worked out by hand is accepted to three significant digits (a
# correctly rounded 3-digit answer is within 0.5 %).
_HAND_RTOL = 5e-3
_SHOWN_ENTRIES = 8   # arrays up to this size are printed in full in messages
TIME_LIMIT = 5.0     # seconds one call of a student's function may take
#: Run a student's function in a forked child process that is killed at the
#: time limit (so code that swallows any exception cannot hang a check).
#: Without ``os.fork`` (Windows) the call runs in-process under SIGALRM.
ISOLATE = hasattr(os, "fork")
_RECORDER = None     # tests set a list here to see each checker's catalogue


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


def never_raises(checker):
    """Decorate a public checker so that it prints a clear ✗ message and
    returns ``False`` instead of raising, whatever its parameters are."""
    @functools.wraps(checker)
    def wrapper(*args, **kwargs):
        try:
            return checker(*args, **kwargs)
        except BaseException as error:  # a checker never raises, not even on its own parameters
            if isinstance(error, KeyboardInterrupt):
                raise
            text = _truncate(str(error), 120)
            return _report(False, f"{checker.__name__} could not check this: its parameters are not usable "
                                  f"({type(error).__name__}{': ' + text if text else ''})")
    return wrapper


def _record(kind, name, expected, mistakes, **extra):
    if _RECORDER is not None:
        _RECORDER.append(dict(kind=kind, name=name, expected=expected, mistakes=list(mistakes), **extra))


# -- reading what a student gave ------------------------------------------------

def _short(value, limit=60, digits=4):
    """A compact, readable repr of an argument or result for messages."""
    try:
        if isinstance(value, np.ndarray) and value.size > _SHOWN_ENTRIES:
            text = f"<array of shape {value.shape}>"
        elif isinstance(value, np.ndarray):
            # Each entry as a float at 4 significant digits, like a scalar in a
            # message ([0.5, 10.0]), without array2string's column padding.
            text = " ".join(np.array2string(value, separator=", ", formatter={
                "float_kind": lambda v: repr(float(f"{v:.{digits}g}"))}).split())
        elif isinstance(value, (float, np.floating)):
            text = repr(float(f"{float(value):.{max(digits, 6)}g}"))
        elif callable(value) and hasattr(value, "__name__"):   # never "<function f at 0x7f…>"
            module = getattr(value, "__module__", "") or ""
            text = (module.replace("bpcore", "bp", 1) + "." if module.startswith("bpcore") else "") + value.__name__
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
    except BaseException:  # ragged lists, broken __array__, huge ints, ...
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


def _significant_digits(x):
    """How many significant digits the shortest repr of ``x`` has (0.18 → 2)."""
    digits = Decimal(repr(float(x))).normalize().as_tuple().digits
    return max(1, len(digits))


def _agrees_to_its_digits(numbers, expected):
    """True if every entry, rounded to the significant digits it has, equals
    the right value rounded the same way (0.18 for 2/11; not 0.1817). A
    one-digit answer (1.0, 2.0) is a choice, not a rounding: it never counts."""
    try:
        for a, e in zip(np.ravel(numbers), np.ravel(expected)):
            k = _significant_digits(a)
            if not 2 <= k < 15 or float(f"{a:.{k}g}") != float(f"{e:.{k}g}"):
                return False
        return True
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


def _call_here(function, args, kwargs, time_limit):
    """Run the call in this process; ``(result, problem)``."""
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


def _calls_in_child(function, calls, time_limit):
    """Run the calls ``[(args, kwargs), ...]`` one after the other in one
    forked child; each call has ``time_limit`` seconds, and the child is
    killed (SIGKILL) when one runs over. Each result, its problem and what
    the call printed come back pickled through a pipe, one frame per call.
    Returns a list of ``(result, problem)``: one per call, or fewer when a
    call did not finish (its entry says so) or ended the process."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # "fork() in a multi-threaded process" (the kernel's threads)
        pid = os.fork()
    if pid == 0:   # the child: never returns
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            for args, kwargs in calls:
                printed = io.StringIO()
                sys.stdout = sys.stderr = printed   # the kernel's streams belong to the parent
                result, problem = _call_here(function, args, kwargs, None)
                try:
                    payload = pickle.dumps((result, problem, printed.getvalue()))
                except BaseException as error:
                    payload = pickle.dumps((None, f"returned a {type(result).__name__} that cannot be checked "
                                                  f"({type(error).__name__}); return numbers or numpy arrays",
                                            printed.getvalue()))
                view = memoryview(len(payload).to_bytes(8, "little") + payload)
                while view:
                    view = view[os.write(write_end, view):]
        finally:
            os._exit(0)
    os.close(write_end)
    outcomes, buffer, timed_out = [], b"", False
    deadline = None if time_limit is None else _monotonic() + float(time_limit)
    try:
        while len(outcomes) < len(calls):
            remaining = None if deadline is None else deadline - _monotonic()
            if remaining is not None and remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], remaining)
            if not ready:
                timed_out = True
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 8 and len(buffer) >= 8 + int.from_bytes(buffer[:8], "little"):
                size = int.from_bytes(buffer[:8], "little")
                result, problem, printed = pickle.loads(buffer[8:8 + size])
                buffer = buffer[8 + size:]
                if printed:
                    sys.stdout.write(printed)
                outcomes.append((result, problem))
                if deadline is not None:
                    deadline = _monotonic() + float(time_limit)   # the next call's own time
    finally:
        os.close(read_end)
        try:
            if len(outcomes) < len(calls):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass
    if timed_out:
        outcomes.append((None, f"did not finish within {time_limit:g} s (an endless loop?)"))
    elif len(outcomes) < len(calls):
        outcomes.append((None, "ended the Python process (os._exit, a crash or a kill) instead of returning"))
    return outcomes


def run_cases(function, calls, time_limit=TIME_LIMIT):
    """:func:`run_student` for several calls ``[(args, kwargs), ...]`` at
    once (one child process for all): a list of ``(result, problem)``, one
    per call up to and including the first that did not finish."""
    if ISOLATE:
        try:
            return _calls_in_child(function, list(calls), time_limit)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass   # no fork possible (resources): fall back to in-process calls
    outcomes = []
    for args, kwargs in calls:
        outcomes.append(_call_here(function, args, kwargs, time_limit))
        if outcomes[-1][1] is not None and outcomes[-1][1].startswith("did not finish"):
            break
    return outcomes


def _monotonic():
    import time
    return time.monotonic()


def run_student(function, args, kwargs, time_limit=TIME_LIMIT):
    r"""Call ``function(*args, **kwargs)`` on copies of the arguments and
    return ``(result, problem)``; ``problem`` is ``None`` or a sentence.

    Nothing escapes: an exception (even ``SystemExit``), a call that runs
    past ``time_limit`` seconds (even one that catches every exception) and
    a function that modifies its inputs are each reported as the problem.
    Where ``os.fork`` exists (``ISOLATE``) the call runs in a forked
    child process that is killed at the time limit, so side effects of the
    student's function (global variables it sets, random numbers it draws)
    stay in the child.

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
    return run_cases(function, [(args, kwargs)], time_limit)[0]


# -- the two checkers ------------------------------------------------------------

def _integral(numbers):
    return bool(np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)))


def _shown(numbers, integer=False):
    if integer and _integral(numbers):
        return str(int(numbers)) if numbers.shape == () else str([int(v) for v in np.ravel(numbers)])
    return _short(numbers if numbers.shape else float(numbers))


def check_value(answer, expected, *, name="your answer", hint="", idea=None, mistakes=(), rtol=_HAND_RTOL,
                atol=_ATOL, integer=False):
    r"""Check a number (or array) worked out by hand: pass if
    :math:`|a - e| \le \text{atol} + \text{rtol}\,|e|` elementwise (by
    default to three significant digits); with ``integer=True`` (a count or
    an index) the answer must be that whole number exactly.

    The expected value is never printed, not even on success. An untouched
    stub (``None``, ``...``) gets the ``idea`` (the equation or concept to
    use); a wrong answer that matches one of ``mistakes`` (to the same
    tolerance) gets that mistake's hint; an answer that agrees with the
    expected value to the digits it has is asked for more digits; an integer
    answer one away is told it is off by one; any other gets ``hint``. A
    single row of shape ``(1, n)`` is accepted for a vector of ``n`` numbers.

    Examples on made-up values (no exercise's answer):

    >>> check_value(0.25, 0.25, name="q")
    ✓ q is correct.
    True
    >>> check_value(0.5, 0.25, name="q", mistakes=[Mistake(0.5, "Did you forget to halve?")])
    ✗ q = 0.5 is not correct. Hint: Did you forget to halve?
    False
    >>> check_value(0.29, 2 / 7, name="q", hint="Divide 2 by 7.")
    ✗ q = 0.29 agrees with the answer to the digits it has, but not to the tolerance: give at least three significant digits, or an exact expression such as 2/7.
    False
    >>> check_value(12, 13, name="count", integer=True)
    ✗ count = 12 is not correct: it is off by one. Recount the first and the last item.
    False
    >>> check_value("0.25", 0.25, name="q", idea="A quarter.")
    ✗ q is a str ('0.25'), expected a real number or an array of them. Hint: A quarter.
    False
    """
    _record("value", name, expected, mistakes, rtol=rtol, atol=atol, integer=integer, idea=idea, hint=hint)
    try:
        expected = np.asarray(expected, dtype=np.float64)
        numbers = _as_numbers(answer)
        if numbers is not None and expected.ndim == 1 and numbers.shape == (1, expected.size):
            answer = numbers = numbers[0]          # a batch of one row, as the book writes batches
        stub = answer is None or answer is Ellipsis
        if integer and numbers is not None and numbers.shape == expected.shape and np.all(np.isfinite(numbers)) \
                and not _integral(numbers):
            for mistake in mistakes:
                if _matches(numbers, mistake.answer, 1e-9, 0.0):
                    return _report(False, _with_hint(f"{name} = {_shown(numbers)} is not correct", mistake.hint))
            return _report(False, _with_hint(f"{name} = {_shown(numbers)} is not a whole number; the answer is a count",
                                             idea or hint))
        if integer:
            rtol, atol = 0.0, 0.0
        problem = _mismatch(answer, expected, rtol, atol, verb="is")
        if problem is None:
            return _report(True, f"{name} is correct.")
        if problem != "wrong":
            return _report(False, _with_hint(f"{name} {problem}", (idea or hint) if stub or numbers is None else hint))
        message = f"{name} = {_shown(numbers, integer)} is not correct"
        if not integer and _agrees_to_its_digits(numbers, expected):
            return _report(False, f"{name} = {_shown(numbers)} agrees with the answer to the digits it has, but not to "
                                  "the tolerance: give at least three significant digits, or an exact expression "
                                  "such as 2/7.")
        # Two slips can give the same number (at x = 2 the weight's gradient and a
        # forward pass without the bias both give ∂L/∂b the same wrong value):
        # then both hints are true, so both are given.
        hints = list(dict.fromkeys(m.hint for m in mistakes if _matches(numbers, m.answer, rtol, atol)))
        if hints:
            return _report(False, _with_hint(message, hints[0] if len(hints) == 1 else
                                             "More than one slip gives this value here. " + " Or: ".join(hints)))
        if integer and numbers.shape == () and abs(float(numbers) - float(expected)) == 1:
            return _report(False, f"{message}: it is off by one. Recount the first and the last item.")
        return _report(False, _with_hint(message, hint))
    except BaseException as error:  # defensive: a checker never raises
        return _report(False, f"{name} could not be checked ({type(error).__name__})")


def _first_difference(got, want):
    """Both shown with just enough digits to tell them apart."""
    for digits in (4, 6, 8, 10, 12, 17):
        a, b = _short(got, digits=digits, limit=200), _short(want, digits=digits, limit=200)
        if a != b:
            return a, b
    return _short(got), _short(want)


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
            shown, want = _first_difference(float(numbers[index]), float(expected[index]))
            return f"returned an array of shape {numbers.shape} whose entry {index} is {shown}, expected {want}"
        shown, want = _first_difference(numbers if numbers.shape else float(numbers),
                                        expected if expected.shape else float(expected))
        return f"returned {shown}, expected {want}"
    return problem


def _same_result(got, want, rtol, atol):
    """Results equal, NaN and ±inf at the same places counting as equal (a
    known mistake can be a formula that overflows)."""
    if isinstance(want, (tuple, list)):
        return (isinstance(got, (tuple, list, np.ndarray)) and len(got) == len(want)
                and all(_same_result(g, w, rtol, atol) for g, w in zip(got, want)))
    numbers = _as_numbers(got)
    want = _as_numbers(want)
    if numbers is None or want is None or numbers.shape != want.shape:
        return False
    return bool(np.all(np.isclose(numbers, want, rtol=rtol, atol=atol, equal_nan=True)))


def _outcome_here(function, args, kwargs):
    try:
        return ("value", _call_quietly(function, args, kwargs))
    except BaseException as error:
        return ("raised", type(error).__name__)


def _matching_mistake(outcomes, cases, mistakes, rtol, atol):
    """The first mistake that behaves like the candidate on every test case
    (``outcomes``: the candidate's ``(result, problem)`` per case): the same
    results (NaN where it has NaN) or the same exception (one case alone can
    be ambiguous: for a single residual, the mean and the mean absolute
    value coincide)."""
    seen = []
    for (args, kwargs), (got, problem) in zip(cases, outcomes):
        if problem is None:
            seen.append((args, kwargs, ("value", got)))
        elif problem.startswith("raised "):
            seen.append((args, kwargs, ("raised", problem[len("raised "):].split(":")[0])))
        else:
            return None   # a time-out or a mutation: no known mistake explains it
    if not any(kind == "value" for _, _, (kind, _) in seen):
        return None
    for mistake in mistakes:
        try:
            if all(_agree(outcome, _outcome_here(mistake.answer, args, kwargs), rtol, atol)
                   for args, kwargs, outcome in seen):
                return mistake
        except Exception:
            continue
    return None


def _agree(outcome, reference, rtol, atol):
    if outcome[0] != reference[0]:
        return False
    if outcome[0] == "raised":
        return outcome[1] == reference[1]
    return _same_result(outcome[1], _as_tuple(reference[1]), rtol, atol)


def _as_tuple(value):
    return tuple(value) if isinstance(value, list) else value


def _call_quietly(function, args, kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*_copy(list(args)), **_copy(dict(kwargs)))


def check_function(candidate, reference, cases, *, name="your function", hint="", idea=None, mistakes=(),
                   rtol=_RTOL, atol=_ATOL, time_limit=TIME_LIMIT):
    r"""Call ``candidate(*args, **kwargs)`` and ``reference(*args, **kwargs)``
    for each ``(args, kwargs)`` in ``cases`` and compare the results
    (numbers, arrays, or tuples of them; a list or an ndarray of the right
    values is accepted for a tuple). The candidate works on copies of the
    arguments, must not modify them, and has ``time_limit`` seconds per call
    (in a child process, see :func:`run_student`).

    The first failing case is reported with its inputs, the result and the
    expected result (so the cases must not be the exercise's own question).
    An untouched stub (returns ``None``) gets ``idea``; a result that
    behaves like one of ``mistakes`` (functions computing a known wrong
    answer, or raising the same error) gets its hint; any other gets ``hint``.

    >>> check_function(lambda a, b: a - b, lambda a, b: a + b, [((1.0, 2.0), {})], name="add",
    ...                mistakes=[Mistake(lambda a, b: a - b, "Add, do not subtract.")])
    ✗ add(1.0, 2.0) returned -1.0, expected 3.0. Hint: Add, do not subtract.
    False
    >>> check_function(lambda a, b: None, lambda a, b: a + b, [((1.0, 2.0), {})], name="add",
    ...                idea="The sum of the two numbers.")
    ✗ add(1.0, 2.0) returned None: did you forget a `return` statement? Hint: The sum of the two numbers.
    False
    """
    _record("function", name, reference, mistakes, cases=cases, rtol=rtol, atol=atol, idea=idea, hint=hint)
    try:
        if not callable(candidate):
            message = (f"{name} is not defined yet (got {candidate!r}): write the function with `def {name}(...):` "
                       "and run that cell first" if candidate is None or candidate is Ellipsis else
                       f"{name} is not a function (got {type(candidate).__name__}). Define it with `def {name}(...):` "
                       "and run that cell first")
            return _report(False, _with_hint(message, idea or ""))
        outcomes = run_cases(candidate, cases, time_limit)   # one child process for all the cases
        for (args, kwargs), (got, problem) in zip(cases, outcomes):
            expected = _call_quietly(reference, args, kwargs)
            call = _call_text(name, args, kwargs)
            stub = problem is None and (got is None or got is Ellipsis)
            if problem is None:
                try:
                    problem = _compare_results(got, expected, rtol, atol)
                except Exception as error:  # a result so odd that comparing it fails
                    problem = f"returned something that could not be compared ({type(error).__name__})"
            if problem is not None:
                if stub:
                    return _report(False, _with_hint(f"{call} {problem}", idea or hint))
                mistake = _matching_mistake(outcomes, cases, mistakes, rtol, atol) if mistakes else None
                return _report(False, _with_hint(f"{call} {problem}", mistake.hint if mistake else hint))
        count = len(cases)
        return _report(True, f"{name} agrees with the reference on {count} test case{'s' if count != 1 else ''}.")
    except BaseException as error:  # defensive: a checker never raises
        if isinstance(error, KeyboardInterrupt):
            raise
        return _report(False, f"{name} could not be checked ({type(error).__name__})")


def finite_real(value):
    """True if ``value`` is a finite real number (for checker parameters)."""
    try:
        return (not isinstance(value, (bool, str, bytes, complex)) and np.ndim(value) == 0
                and np.asarray(value).dtype.kind in "iuf" and math.isfinite(float(value)))
    except Exception:
        return False


def whole_number(value, low=None, high=None):
    """True if ``value`` is a whole number in ``[low, high]`` (for checker parameters)."""
    try:
        if not finite_real(value) or float(value) != int(value):
            return False
        return (low is None or int(value) >= low) and (high is None or int(value) <= high)
    except Exception:
        return False
