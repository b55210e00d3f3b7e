"""The verdict, decided in the grader's own process (which never runs a line
of student code) from the plain data the sandbox handed over.

For each check cell of the chapter the grader reads which checkers it calls
and with what (from the chapter's own source, not from the submission):
literal arguments (``x=2.0``) and ``bp.`` attributes are the grader's own
values; only the student's names are taken from the sandbox's data. A
function the student wrote arrives as a table "these arguments -> this
result" recorded in the sandbox; the grader hands the real checker a
stand-in that answers from the table, so the checker's reference, its
comparison and its hints all run here, on numbers only.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import sys
import threading

import numpy as np

from . import plain

TICK = "✓"


def clean_text(text: str, limit: int = 200) -> str:
    """Student-derived text (an exception message) as shown in feedback: it
    can never look like a verdict."""
    text = str(text).replace(TICK, "?").replace("✗", "?")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- what each check cell calls ------------------------------------------------------

def _bp_chain(node):
    """['widgets', 'landscape', 'FIT_DATA'] for ``bp.widgets.landscape.FIT_DATA``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in ("bp", "bpcore") and parts:
        return parts[::-1]
    return None


def _spec(node):
    try:
        return ("literal", ast.literal_eval(node))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        pass
    chain = _bp_chain(node)
    if chain is not None and chain[0] != "exercises":
        return ("bp", chain)
    return ("student", None)


def expected_calls(source: str) -> list[dict]:
    """The checker calls of a check cell, in source order."""
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr.startswith("check")):
            continue
        chain = _bp_chain(node.func)
        if not chain or chain[0] != "exercises" or len(chain) != 2:
            continue
        positional = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                kind, value = _spec(arg.value)
                positional.append(("bp*", value) if kind == "bp" else ("student*", None))
            else:
                positional.append(_spec(arg))
        keywords = {}
        for kw in node.keywords:
            keywords[kw.arg if kw.arg is not None else "**"] = _spec(kw.value) if kw.arg else ("student**", None)
        calls.append({"name": node.func.attr, "positional": positional, "keywords": keywords,
                      "where": (node.lineno, node.col_offset)})
    calls.sort(key=lambda c: c["where"])
    return calls


def _bp_value(chain):
    import bpcore

    value = bpcore
    for part in chain:
        if part.startswith("_"):
            raise AttributeError(part)
        value = getattr(value, part)
    return value


# -- a student's function, answered from the sandbox's table ------------------------------

class NotRecorded(Exception):
    pass


def _exception(name: str, message: str) -> BaseException:
    real = getattr(builtins, name, None)
    if (isinstance(real, type) and issubclass(real, Exception) and name.isidentifier()):
        return real(message)
    cls = type(name if name.isidentifier() else "Error", (Exception,), {})
    return cls(message)


class function:  # noqa: N801  (the type name appears in checker messages)
    """Answers calls from the table the sandbox recorded."""

    def __init__(self, records):
        self.table = {}
        if type(records) is not list:
            raise plain.PlainError("bad function records")
        for item in records:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not dict:
                raise plain.PlainError("bad function record")
            self.table[item[0]] = item[1]

    def __call__(self, *args, **kwargs):
        from bpcore.exercises import _core

        record = self.table.get(plain.key(args, kwargs))
        if record is None:
            raise NotRecorded("no result for this input")
        if record.get("timeout") is True:
            raise _core._TimeLimitExceeded
        if "raised" in record:
            name = str(record["raised"])[:60]
            message = clean_text(record.get("message", ""))
            if message.startswith(name + ": "):
                message = message[len(name) + 2:]
            elif message == name:
                message = ""
            raise _exception(name, message)
        if "mutated" in record:
            after = plain.decode(record["mutated"])
            if type(after) is list and len(after) == 2 and type(after[0]) is list:
                for given, changed in zip(args, after[0]):
                    with contextlib.suppress(Exception):
                        if isinstance(given, np.ndarray):
                            given[...] = changed
                        elif isinstance(given, list):
                            given[:] = changed
        if "result" not in record:
            raise plain.PlainError("no result")
        return plain.decode(record["result"])


def _value(data, functions):
    if type(data) is dict and set(data) == {"__function__"}:
        number = data["__function__"]
        if type(functions) is not dict or number not in functions:
            raise plain.PlainError("unknown function")
        return function(functions[number])
    return plain.decode(data)


def _arguments(spec, call):
    """The checker's arguments: the grader's own values where the chapter's
    source fixes them, the sandbox's data for the student's names."""
    given = call.get("args")
    given_kw = call.get("kwargs")
    functions = call.get("functions", {})
    if type(given) is not list or type(given_kw) is not dict:
        raise plain.PlainError("bad call")
    args, cursor = [], 0
    positional = spec["positional"]
    for i, (kind, value) in enumerate(positional):
        if kind == "literal":
            args.append(value)
            cursor += 1
        elif kind == "bp":
            args.append(_bp_value(value))
            cursor += 1
        elif kind == "bp*":
            expanded = list(_bp_value(value))
            args.extend(expanded)
            cursor += len(expanded)
        elif kind == "student":
            if cursor >= len(given):
                raise plain.PlainError("missing argument")
            args.append(_value(given[cursor], functions))
            cursor += 1
        else:   # *student: whatever the sandbox had, less what the later arguments take
            later = sum(1 for k, _ in positional[i + 1:] if k in ("literal", "bp", "student"))
            take = max(0, len(given) - cursor - later)
            args.extend(_value(g, functions) for g in given[cursor: cursor + take])
            cursor += take
    kwargs = {}
    for name, (kind, value) in spec["keywords"].items():
        if name == "**":
            continue
        if kind == "literal":
            kwargs[name] = value
        elif kind == "bp":
            kwargs[name] = _bp_value(value)
        else:
            if name not in given_kw:
                raise plain.PlainError("missing keyword")
            kwargs[name] = _value(given_kw[name], functions)
    if "**" in spec["keywords"]:
        for name, data in given_kw.items():
            if name not in kwargs and type(name) is str and name.isidentifier():
                kwargs[name] = _value(data, functions)
    return args, kwargs


class _ThreadOutput:
    """sys.stdout that a thread can capture for itself (redirect_stdout is
    process-wide: the main thread's progress lines would land in a
    checker's messages)."""

    def __init__(self, real):
        self.real, self.local = real, threading.local()

    def write(self, text):
        target = getattr(self.local, "buffer", None)
        return (target if target is not None else self.real).write(text)

    def flush(self):
        target = getattr(self.local, "buffer", None)
        return (target if target is not None else self.real).flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


_INSTALL = threading.Lock()


@contextlib.contextmanager
def _captured():
    with _INSTALL:
        for name in ("stdout", "stderr"):
            if not isinstance(getattr(sys, name), _ThreadOutput):
                setattr(sys, name, _ThreadOutput(getattr(sys, name)))
    buffer = io.StringIO()
    sys.stdout.local.buffer = sys.stderr.local.buffer = buffer
    try:
        yield buffer
    finally:
        sys.stdout.local.buffer = sys.stderr.local.buffer = None


def decide(sources: list[str], runs, exercises) -> tuple[bool, list[str], list[str]]:
    """(passed, messages for the student, problems for the instructor) of one
    exercise. ``runs`` is the sandbox's data for its check cells."""
    if not sources:
        return False, [], []
    if type(runs) is not list or len(runs) != len(sources):
        return False, ["✗ the check did not run (see the status)."], ["no check data from the sandbox"]
    passed, messages, problems = True, [], []
    for source, run in zip(sources, runs):
        specs = expected_calls(source)
        if type(run) is not dict or type(run.get("calls")) is not list:
            return False, ["✗ the check's data could not be read."], ["the sandbox's data is malformed"]
        calls = run["calls"]
        if "error" in run:
            messages.append(f"✗ the check could not run: {clean_text(run['error'])}")
            passed = False
        names = [c.get("checker") if type(c) is dict else None for c in calls]
        if names != [s["name"] for s in specs][: len(names)] or ("error" not in run and len(names) != len(specs)):
            problems.append("the sandbox's data does not match the chapter's check (tampering?)")
            messages.append("✗ the check's data does not match the check.")
            passed = False
            continue
        if not specs:
            passed = False
        for spec, call in zip(specs, calls):
            checker = getattr(exercises, spec["name"], None)
            if not callable(checker) or spec["name"] not in getattr(exercises, "__all__", []):
                messages.append(f"✗ unknown checker {spec['name']}.")
                passed = False
                continue
            try:
                args, kwargs = _arguments(spec, call)
            except Exception as error:
                problems.append(f"the sandbox's data could not be read ({clean_text(error, 80)})")
                messages.append("✗ the check's data could not be read.")
                passed = False
                continue
            with _captured() as out:
                try:
                    verdict = checker(*args, **kwargs)
                except BaseException as error:   # a checker never raises; defensive
                    verdict = False
                    print(f"✗ the check failed: {type(error).__name__}")
            ok = verdict is True or (isinstance(verdict, np.bool_) and bool(verdict))
            for line in out.getvalue().strip().splitlines():
                # A message agrees with the verdict it belongs to.
                if not ok and line.startswith(TICK):
                    line = "✗" + line[1:]
                messages.append(line)
            passed = passed and ok
    return passed, messages, problems
