"""Runs INSIDE the sandbox: the student's cells, then the harvest.

    python -I runner.py JOB.json EVENT_FD

It reports, one JSON line at a time on EVENT_FD, which cell or check it
starts and ends, and at last the plain data the grader decides on: for each
check call, the checker's name, the student's values, and for a function
the results of calling it on the checker's own test inputs. It decides
nothing: no verdict is computed here, and everything it writes is treated
by the grader as untrusted data from the student.
"""

import json
import os
import signal
import sys

LIB = os.path.dirname(os.path.abspath(__file__))


class _Timeout(BaseException):
    """Raised into student code when its time is up (not a KeyboardInterrupt,
    so ``except KeyboardInterrupt`` does not swallow it)."""


class limited:
    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def interrupt(signum, frame):
            raise _Timeout
        signal.signal(signal.SIGALRM, interrupt)
        signal.setitimer(signal.ITIMER_REAL, float(self.seconds))

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        return False


def _error_text(error):
    if isinstance(error, _Timeout):
        return "timeout"
    try:
        text = str(error).splitlines()[0][:200] if str(error) else ""
    except BaseException:
        text = ""
    return type(error).__name__ + (f": {text}" if text else "")


class Recording:
    """Stands for the student's function inside the checker: calls it and
    remembers, per call's arguments, what came out."""

    def __init__(self, function, call_limit):
        self.function, self.call_limit, self.records = function, call_limit, {}

    def __call__(self, *args, **kwargs):
        import plain
        key = plain.key(args, kwargs)
        try:
            with limited(self.call_limit):
                result = self.function(*args, **kwargs)
        except _Timeout:
            self.records.setdefault(key, {"timeout": True})
            raise
        except BaseException as error:
            self.records.setdefault(key, {"raised": type(error).__name__, "message": _error_text(error)})
            raise
        record = {"raw": result}
        if plain.key(args, kwargs) != key:
            record["mutated"] = [plain.encode(list(args)), plain.encode(dict(kwargs))]
        self.records.setdefault(key, record)
        return result


def _run_cases(candidate, reference, cases, *rest, **options):
    """Replaces check_function inside the sandbox: only calls the candidate
    on each test case (the reference is never computed here)."""
    import copy
    del reference, rest, options
    for args, kwargs in cases:
        try:
            candidate(*copy.deepcopy(list(args)), **copy.deepcopy(dict(kwargs)))
        except BaseException:
            pass
    return False


def _quiet(*args, **kwargs):
    return False


def harvest_call(name, args, kwargs, call_limit):
    import contextlib
    import io

    import plain
    slots = {}

    def slot(value):
        if callable(value) and not isinstance(value, type):
            number = str(len(slots))
            slots[number] = Recording(value, call_limit)
            return {"__function__": number}
        return plain.encode(value)

    entry = {"checker": str(name), "args": [slot(a) for a in args],
             "kwargs": {str(k): slot(v) for k, v in kwargs.items()}}
    if slots:
        import bpcore.exercises
        import bpcore.exercises._core as core
        real = getattr(bpcore.exercises, name, None)
        swaps = []
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("bpcore.exercises") and module is not None:
                for attr, stand_in in (("check_function", _run_cases), ("check_value", _quiet), ("_report", _quiet)):
                    if getattr(module, attr, None) is getattr(core, attr, object()):
                        swaps.append((module, attr, getattr(module, attr)))
        for module, attr, _ in swaps:
            setattr(module, attr, {"check_function": _run_cases, "check_value": _quiet, "_report": _quiet}[attr])
        call_args = [slots[a["__function__"]] if isinstance(a, dict) and "__function__" in a else v
                     for a, v in zip(entry["args"], args)]
        call_kwargs = {k: slots[e["__function__"]] if isinstance(e, dict) and "__function__" in e else kwargs[k]
                       for k, e in entry["kwargs"].items()}
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                if callable(real):
                    real(*call_args, **call_kwargs)
        except BaseException:
            pass
        finally:
            for module, attr, original in swaps:
                setattr(module, attr, original)
        # Encoded only now, with no checker on the call stack.
        entry["functions"] = {}
        for number, recording in slots.items():
            records = []
            for key, record in recording.records.items():
                if "raw" in record:
                    record = dict(record)
                    record["result"] = plain.encode(record.pop("raw"))
                records.append([key, record])
            entry["functions"][number] = records
    return entry


def main():
    job_path, fd = sys.argv[1], int(sys.argv[2])
    os.set_inheritable(fd, False)
    out = os.fdopen(fd, "w", buffering=1, encoding="utf-8")

    def emit(**event):
        out.write(json.dumps(event, allow_nan=False) + "\n")
        out.flush()

    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    sys.path.insert(0, LIB)
    sys.path.insert(0, job["lib"])
    os.makedirs(job["workdir"], exist_ok=True)
    os.makedirs(os.environ.get("HOME", "/tmp/home"), exist_ok=True)
    os.chdir(job["workdir"])
    import plain  # noqa: F401  (imported before any student code runs)
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="NoColor")
    emit(event="ready")
    skip_cells = set(job["skip_cells"])
    for position, source in job["cells"]:
        if position in skip_cells:
            continue
        emit(event="cell", index=position)
        error = None
        try:
            with limited(job["cell_time_limit"]):
                result = shell.run_cell(source, store_history=False, silent=False)
            failure = result.error_before_exec or result.error_in_exec
            if failure is not None:
                error = _error_text(failure)
        except BaseException as exc:
            error = _error_text(exc)
        emit(event="cell_done", index=position, error=error)

    import bpcore
    import bpcore.exercises as real_exercises

    calls = []

    class Exercises:
        def __getattr__(self, name):
            if name.startswith("check"):
                def recorder(*args, **kwargs):
                    calls.append(harvest_call(name, args, kwargs, job["call_time_limit"]))
                    return True
                return recorder
            return getattr(real_exercises, name)

    class Book:
        def __getattr__(self, name):
            return Exercises() if name == "exercises" else getattr(bpcore, name)

    data = {}
    skip_checks = set(job["skip_checks"])
    for label, sources in job["checks"]:
        if label in skip_checks:
            continue
        emit(event="check", label=label)
        runs = []
        for source in sources:
            namespace = dict(shell.user_ns)
            namespace["bp"] = namespace["bpcore"] = Book()
            del calls[:]
            try:
                with limited(job["check_time_limit"]):
                    exec(compile(source, f"<check {label}>", "exec"), namespace)
                runs.append({"calls": list(calls)})
            except BaseException as error:
                runs.append({"calls": list(calls), "error": _error_text(error)})
        data[label] = runs
        emit(event="check_done", label=label)
    emit(event="result", data=data)
    out.close()
    os._exit(0)


if __name__ == "__main__":
    main()
