"""Grade submitted student notebooks: ``make grade SUBMISSIONS=DIR``.

    python tools/grade.py DIR [--jobs N] [--time-limit S] [--cell-time-limit S]

Every ``*.ipynb`` under DIR is one student's work on one chapter, whatever its
name. Each runs in a fresh kernel, in parallel over the cores, and the
chapter's checkers decide. Results:

* ``DIR/grades.csv``: ``submission, chapter, <one column per exercise>,
  total, status``; an exercise column is 1 (passed) or 0, empty when the
  exercise is not in that submission's chapter; ``status`` is ``ok`` or
  why not (invalid notebook, chapter not recognised, an error in a cell,
  the time limit, tampering);
* ``DIR/feedback/<submission>.txt``: what each checker said, for the student.

A submission that is not JSON, raises, loops forever or kills its kernel
still gets its row; it never stops the run.

How a check stays honest (see also the instructors' appendix):

1. The grader never reads anything the submission stored: not the outputs
   (an edited "✓" counts for nothing), not the check cells (the chapter's
   check cells are left out; the check calls are taken from the source
   chapter in ``chapters/``).
2. The student's cells run first; then a cell written by the grader loads a
   *fresh copy* of bpcore from its files under a private module name and runs
   the chapter's check calls against it, with the student's names. Redefining
   ``bp``, ``bp.exercises.check_x``, ``passed`` or ``print`` in the notebook
   changes nothing, and a checker's verdict is its return value, not its
   printout. Before it, a cell removes every name the grader's code uses
   (``all``, ``open``, ``exec``, ... and ``__builtins__``) from the student's
   namespace, so that shadowing a built-in cannot fool the grader either.
3. The verdicts travel in a file whose random path the grader chooses only
   after the student's cells have run.
4. Before any student code runs, a grader cell reports a fingerprint of the
   shared modules the checkers rely on (numpy, math, builtins, ...); the
   final cell reports it again. A submission that replaced one of those
   functions (``np.isclose = ...``) is rejected.

The limits: every student cell runs in the same Python process (and as the
same user) as the checkers, so code written to subvert the interpreter
itself (hooking the import system, reading the checker's reference from the
call stack, forging the fingerprint, a background thread or process that
rewrites the verdict file) can defeat any grader of
this kind. Code a student has no reason to write in an exercise (builtins,
sys.modules, the import machinery, threads and subprocesses, temporary
files, assignments into numpy or bpcore) is listed in the status
(``review: ...``) for a human to look at; only cells the student changed
are scanned. And a check verifies results, not how they were obtained: an
answer computed with bpcore's own implementation passes.
Run the grader as an unprivileged user or in a container: it executes
whatever the submissions contain.
"""

from __future__ import annotations

import argparse
import ast
import csv
import importlib.util
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from editions import METADATA_KEY, SOLUTION, exercises, read, solution_cells, tags  # noqa: E402

ROOT = HERE.parent
FEEDBACK = "feedback"

# Modules whose functions the checkers call; their fingerprint must not change.
GUARDED_MODULES = ["builtins", "numpy", "numpy.linalg", "numpy.random", "numpy.lib", "math", "cmath",
                   "copy", "json", "io", "importlib", "importlib.util", "contextlib", "signal",
                   "threading", "operator", "functools"]

# Code a student has no reason to write in an exercise, and that could be
# used to tamper with the grading: shown to the instructor for review.
SUSPICIOUS = [
    (r"\bbuiltins\b|__builtins__", "touches builtins"),
    (r"\bsys\.modules\b", "edits sys.modules"),
    (r"\bimportlib\b|__import__|\bimp\b", "uses the import machinery"),
    (r"\bgc\.get_|\bgc\.get_referrers", "walks the garbage collector"),
    (r"\bctypes\b", "uses ctypes"),
    (r"settrace|setprofile|addaudithook", "installs a trace/audit hook"),
    (r"\.events\.register|input_transformers|register_magic|displayhook|set_custom_exc",
     "hooks IPython"),
    (r"\bsetattr\s*\(\s*(np|numpy|bp|bpcore|math|builtins)\b", "sets attributes of a library"),
    (r"^\s*(np|numpy|bp|bpcore|math)(\.\w+)+\s*=[^=]", "assigns into a library"),
    (r"_bpgrade|bpgrade-", "refers to the grader"),
    (r"\bthreading\b|multiprocessing|subprocess|os\.fork|os\.system|Popen|os\.exec|os\.spawn",
     "starts background work or processes"),
    (r"\btempfile\b|gettempdir|/tmp\b", "looks into temporary files"),
    (r"_getframe|\binspect\b|f_back|f_locals|f_globals|gi_frame|tb_frame|__closure__|__code__",
     "inspects the call stack or code objects (could read the checker's reference)"),
]


# -- what the grader knows about each chapter -------------------------------------

@dataclass
class Chapter:
    name: str
    labels: list[str]
    titles: dict[str, str]
    checks: dict[str, list[str]]            # label -> check cell sources
    original: set[str] = field(default_factory=set)   # code the chapter itself hands out


def _handed_out(nb, config: Path) -> set[str]:
    """The code cells of the student edition as handed out (MyST and clean)."""
    from clean_notebook import GLUE_FALLBACK, GLUE_IMPORT, setup_source

    hidden = solution_cells(nb)
    sources = set()
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and i not in hidden:
            sources.add(cell.source.strip())
            sources.add("\n".join(GLUE_FALLBACK if line == GLUE_IMPORT else line
                                  for line in cell.source.splitlines()).strip())
    if config.exists():
        import yaml

        url = yaml.safe_load(config.read_text(encoding="utf-8"))["repository"]["url"].rstrip("/")
        sources.add(setup_source(url).strip())
    return sources


def load_chapters(directory: Path) -> dict[str, Chapter]:
    found = {}
    for path in sorted(directory.glob("[0-9]*.ipynb")):
        nb = read(path)
        exs = exercises(nb)
        found[path.stem] = Chapter(
            path.stem,
            [e.label for e in exs],
            {e.label: e.title for e in exs},
            {e.label: e.check_sources for e in exs},
            _handed_out(nb, directory.parent / "_config.yml"),
        )
    return found


LABEL_IN_TEXT = re.compile(r"""(?:id=["']|:label:\s*)(ex-[\w-]+)""")


def identify(nb, chapters: dict[str, Chapter]) -> str | None:
    """The chapter of a submission: its metadata, else its exercise labels."""
    claimed = nb.metadata.get(METADATA_KEY, {}).get("chapter")
    if claimed in chapters:
        return claimed
    labels = set()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            labels.update(LABEL_IN_TEXT.findall(cell.source))
    best = max(chapters.values(), key=lambda c: len(labels & set(c.labels)), default=None)
    if best is not None and labels & set(best.labels):
        return best.name
    return None


# -- code that runs inside the student's kernel --------------------------------------

FINGERPRINT = r'''
def _bpgrade_fingerprint(names):
    import sys, types, warnings
    # ipykernel re-binds input() for every cell it runs.
    skip = {"builtins.input", "builtins.raw_input"}
    prints = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            try:
                module = __import__(name, fromlist=["_"])
            except Exception:
                continue
            prints[name] = id(sys.modules.get(name))
            for attr in dir(module):
                try:
                    value = getattr(module, attr)
                except Exception:
                    continue
                if (callable(value) or isinstance(value, types.ModuleType)) and f"{name}.{attr}" not in skip:
                    prints[f"{name}.{attr}"] = id(value)
    return prints
'''

PRE_CELL = FINGERPRINT + "\n__import__('json').dumps(_bpgrade_fingerprint(__MODULES__))\n"

CHECK_CELL = FINGERPRINT + r'''
def _bpgrade_run(bpcore_dir, result_path, token, checks, modules):
    import contextlib, importlib.util, io, json, sys, traceback
    name = "_bpgrade_" + token
    spec = importlib.util.spec_from_file_location(
        name, bpcore_dir + "/__init__.py", submodule_search_locations=[bpcore_dir])
    fresh = importlib.util.module_from_spec(spec)
    sys.modules[name] = fresh
    spec.loader.exec_module(fresh)
    checkers = fresh.exercises
    calls = []

    def recording(function):
        def wrapper(*args, **kwargs):
            verdict = function(*args, **kwargs)
            calls.append(verdict is True or (type(verdict).__name__ == "bool_" and bool(verdict)))
            return verdict
        return wrapper

    class Exercises:
        pass
    recorded = Exercises()
    for attr in dir(checkers):
        value = getattr(checkers, attr)
        setattr(recorded, attr, recording(value) if attr.startswith("check") and callable(value) else value)

    class Book:
        def __getattr__(self, attr):
            return recorded if attr == "exercises" else getattr(fresh, attr)
    book = Book()
    student = dict(globals())
    results = {}
    for label, sources in checks:
        passed, messages = bool(sources), []
        for source in sources:
            namespace = dict(student)
            namespace["bp"] = namespace["bpcore"] = book
            del calls[:]
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    exec(compile(source, f"<check {label}>", "exec"), namespace)
            except BaseException as error:
                text = str(error).splitlines()[0] if str(error) else ""
                messages.append(f"✗ the check could not run: {type(error).__name__}"
                                + (f": {text}" if text else ""))
                passed = False
                continue
            messages.append(out.getvalue().strip())
            passed = passed and bool(calls) and all(calls)
        results[label] = {"passed": passed, "messages": [m for m in messages if m]}
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump({"results": results, "fingerprint": _bpgrade_fingerprint(modules)}, handle)

_bpgrade_run(__ARGUMENTS__)
'''


def _global_names(source: str) -> set[str]:
    """Every global or built-in name the code of ``source`` looks up."""
    import dis
    import types

    names = set()

    def walk(code):
        for instruction in dis.get_instructions(code):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME", "DELETE_NAME", "STORE_NAME"):
                names.add(instruction.argval)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                walk(const)

    walk(compile(source, "<grader>", "exec"))
    return names


def cleanup_cell(source: str) -> str:
    """A cell that removes from the student's namespace every name ``source``
    looks up, and ``__builtins__``.

    A name the notebook defines shadows a built-in (``all = lambda *a: True``)
    and a rebound ``__builtins__`` replaces them all; the grader's own code
    must see the real ones. The cell itself looks nothing up: ``del`` and a
    bare ``except`` need no names. Without ``__builtins__`` in the namespace,
    the next cell runs with the interpreter's real built-ins (whose functions
    the fingerprint guards).
    """
    names = ["__builtins__", *sorted(n for n in _global_names(source)
                                     if n == "__import__" or not n.startswith("__"))]
    return "\n".join(f"try:\n    del {name}\nexcept:\n    pass" for name in names) + "\n"


# -- grading one submission ----------------------------------------------------------

@dataclass
class Grade:
    submission: str
    chapter: str = ""
    scores: dict[str, int] = field(default_factory=dict)
    status: str = "ok"
    feedback: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.scores.values())


def _error_text(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            value = (out.get("evalue") or "").splitlines()
            return f"{out.get('ename')}" + (f": {value[0]}" if value and value[0] else "")
    return None


def _suspicious(cells) -> list[str]:
    found = []
    for cell in cells:
        for pattern, what in SUSPICIOUS:
            if re.search(pattern, cell.source, re.M) and what not in found:
                found.append(what)
    return found


def grade(path: Path, base: Path, chapters: dict[str, Chapter], time_limit: float,
          cell_time_limit: float) -> Grade:
    result = Grade(path.relative_to(base).as_posix())
    try:
        _grade(path, result, chapters, time_limit, cell_time_limit)
    except Exception as error:  # never stop the run
        result.status = f"grader error: {type(error).__name__}: {error}"
    if result.status != "ok" and not any(line.startswith("Status:") for line in result.feedback):
        result.feedback.insert(0, f"Status: {result.status}")
    return result


def _grade(path, result, chapters, time_limit, cell_time_limit):
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception as error:
        result.status = f"not a valid notebook ({type(error).__name__})"
        return
    chapter_name = identify(nb, chapters)
    if chapter_name is None:
        result.status = "chapter not recognised (no known exercise labels)"
        return
    chapter = chapters[chapter_name]
    result.chapter = chapter_name
    result.scores = {label: 0 for label in chapter.labels}
    check_sources = {s.strip() for sources in chapter.checks.values() for s in sources}
    # (position in the submission, counted from 1 as a student counts, cell).
    # The chapter's check cells are left out (the grader runs its own copy);
    # a check cell the student changed runs like any other cell, so code put
    # there still counts, while what it prints is never read.
    student_cells = [(n, c) for n, c in enumerate(nb.cells, start=1) if c.cell_type == "code"
                     and c.source.strip() not in check_sources]
    problems = []
    if any(SOLUTION in tags(c) for c in nb.cells):
        problems.append("contains solution cells of the instructor edition")
    # Only what the student wrote or changed is scanned, not the chapter's own code.
    review = _suspicious([c for _, c in student_cells if c.source.strip() not in chapter.original])

    run = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})
    pre = nbformat.v4.new_code_cell(PRE_CELL.replace("__MODULES__", repr(GUARDED_MODULES)))
    run.cells = [pre] + [nbformat.v4.new_code_cell(c.source) for _, c in student_cells]
    position = {index: n for index, (n, _) in enumerate(student_cells, start=1)}
    current = None
    workdir = Path(tempfile.mkdtemp(prefix="bpgrade-work-"))
    secret_dir = None
    deadline = time.monotonic() + time_limit
    client = NotebookClient(run, timeout=cell_time_limit, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": str(workdir)}})
    outcome = None
    try:
        with client.setup_kernel():
            client.execute_cell(pre, 0)
            before = json.loads(ast.literal_eval(pre.outputs[-1]["data"]["text/plain"]))
            for index, cell in enumerate(run.cells[1:], start=1):
                remaining = deadline - time.monotonic()
                current = position[index]
                if remaining <= 0:
                    problems.append(f"time limit of {time_limit:g} s reached before cell {current}")
                    break
                client.timeout = max(1, int(min(cell_time_limit, remaining)))
                started = time.monotonic()
                client.execute_cell(cell, index)
                error = _error_text(cell.outputs)
                if error and error.startswith("KeyboardInterrupt") and time.monotonic() - started >= client.timeout - 0.5:
                    # Stopped; the kernel lives on, so the other cells still count.
                    problems.append(f"cell {current} exceeded the time limit ({client.timeout} s) and was stopped")
                elif error:
                    problems.append(f"cell {current} raised {error}")
            current = None
            # The verdicts' path is chosen now, after the student's code ran.
            secret_dir = Path(tempfile.mkdtemp(prefix="bpgrade-"))
            token = secrets.token_hex(16)
            result_path = secret_dir / f"{token}.json"
            bpcore_dir = str(Path(importlib.util.find_spec("bpcore").origin).parent)
            checks = [(label, chapter.checks[label]) for label in chapter.labels if chapter.checks[label]]
            arguments = ", ".join(map(repr, (bpcore_dir, str(result_path), token, checks, GUARDED_MODULES)))
            source = CHECK_CELL.replace("__ARGUMENTS__", arguments)
            cleanup = nbformat.v4.new_code_cell(cleanup_cell(source))
            run.cells.append(cleanup)
            client.timeout = 30
            client.execute_cell(cleanup, len(run.cells) - 1)
            cell = nbformat.v4.new_code_cell(source)
            run.cells.append(cell)
            client.timeout = max(30, int(cell_time_limit))
            client.execute_cell(cell, len(run.cells) - 1)
            if result_path.exists():
                outcome = json.loads(result_path.read_text(encoding="utf-8"))
            else:
                problems.append(f"the checks could not run ({_error_text(cell.outputs) or 'no result'})")
    except DeadKernelError:
        where = f" in cell {current}" if current else ""
        problems.append(f"the kernel died{where} (crash, os._exit or out of memory)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if secret_dir:
            shutil.rmtree(secret_dir, ignore_errors=True)

    if outcome is not None:
        changed = sorted(k for k, v in before.items() if outcome["fingerprint"].get(k, v) != v)
        if changed:
            problems.insert(0, "rejected: the notebook replaced " + ", ".join(changed[:5])
                            + (" ..." if len(changed) > 5 else "") + " (checks cannot be trusted)")
        for label in chapter.labels:
            title = chapter.titles.get(label, "")
            if not chapter.checks[label]:
                del result.scores[label]
                result.feedback.append(f"{label} — {title}: no automatic check (graded by hand)")
                continue
            verdict = outcome["results"].get(label, {"passed": False, "messages": []})
            passed = verdict["passed"] and not changed
            result.scores[label] = int(passed)
            result.feedback.append(f"{label} — {title}: {'passed' if passed else 'not passed'}")
            for message in verdict["messages"]:
                result.feedback.extend(f"    {line}" for line in message.splitlines())
    if review:
        problems.append("review: " + ", ".join(review))
    result.status = "; ".join(problems) if problems else "ok"


# -- the run -------------------------------------------------------------------------------

def submissions(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.ipynb")
                  if FEEDBACK not in p.relative_to(directory).parts[:1]
                  and ".ipynb_checkpoints" not in p.parts)


def _work(args):
    path, base, chapters_dir, time_limit, cell_time_limit = args
    return grade(Path(path), Path(base), load_chapters(Path(chapters_dir)), time_limit, cell_time_limit)


def write_results(directory: Path, grades: list[Grade], chapters: dict[str, Chapter]) -> None:
    # Every exercise of every chapter handed in; one without an automatic check
    # stays empty, for the instructor to fill in by hand.
    present = {g.chapter for g in grades}
    columns = [label for chapter in chapters.values() if chapter.name in present for label in chapter.labels]
    with open(directory / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "chapter", *columns, "total", "status"])
        for g in grades:
            writer.writerow([g.submission, g.chapter, *(g.scores.get(c, "") for c in columns),
                             g.total, g.status])
    feedback = directory / FEEDBACK
    for g in grades:
        target = feedback / (g.submission[: -len(".ipynb")] + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        header = [f"Submission: {g.submission}", f"Chapter: {g.chapter or '?'}",
                  f"Score: {g.total} of {len(g.scores)}"]
        if g.status == "ok":
            header.append("Status: ok")
        target.write_text("\n".join(header + [""] + g.feedback) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--chapters", type=Path, default=ROOT / "chapters",
                        help="the source chapters whose checks are run (default: chapters/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per submission")
    parser.add_argument("--cell-time-limit", type=float, default=120, help="seconds per cell")
    args = parser.parse_args(argv)
    directory = args.directory.resolve()
    if not directory.is_dir():
        parser.error(f"{directory} is not a directory")
    chapters = load_chapters(args.chapters)
    paths = submissions(directory)
    work = [(str(p), str(directory), str(args.chapters), args.time_limit, args.cell_time_limit) for p in paths]
    grades = []
    with ProcessPoolExecutor(max_workers=max(1, min(args.jobs, len(work) or 1))) as pool:
        futures = [pool.submit(_work, w) for w in work]
        for path, future in zip(paths, futures):
            try:
                g = future.result()
            except Exception as error:  # a worker that died still leaves a row
                g = Grade(path.relative_to(directory).as_posix(), status=f"grader error: {error}")
            grades.append(g)
            print(f"{g.submission}: {g.chapter or '?'} {g.total}/{len(g.scores)} {g.status}")
    write_results(directory, grades, chapters)
    print(f"Wrote {directory / 'grades.csv'} and {directory / FEEDBACK}/ ({len(grades)} submissions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
