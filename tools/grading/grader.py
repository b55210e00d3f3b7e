"""Grading one submission: which chapter it is, its run in the sandbox (again,
without a cell or check that hung or killed it), and the verdict."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from editions import METADATA_KEY, SOLUTION, exercises, read, solution_cells, tags

from . import sandbox, verdict

MAX_RUNS = 5          # a first run, and again without what hung or crashed (a crash: after a second try)
_DECIDE = threading.Lock()   # checkers print; their output is captured one at a time

# Code a student has no reason to write in an exercise: shown to the
# instructor for review (it cannot change a verdict; the sandbox and the
# grader's own checkers see to that).
SUSPICIOUS = [
    (r"\bbuiltins\b|__builtins__", "touches builtins"),
    (r"\bsys\.modules\b", "edits sys.modules"),
    (r"\bimportlib\b|__import__", "uses the import machinery"),
    (r"\bctypes\b", "uses ctypes"),
    (r"settrace|setprofile|addaudithook", "installs a trace/audit hook"),
    (r"\bsetattr\s*\(\s*(np|numpy|bp|bpcore|math|builtins|json)\b", "sets attributes of a library"),
    (r"^\s*(np|numpy|numeric|bp|bpcore|core|math|json)(\.\w+)+\s*=[^=]", "assigns into a library"),
    (r"\bnumpy\._core\b|\bnumpy\.core\b|\bnp\._core\b", "reaches into numpy's internals"),
    (r"\bthreading\b|multiprocessing|subprocess|os\.fork|os\.system|Popen|os\.exec|os\.spawn|"
     r"start_new_session|os\.setsid",
     "starts background work or processes"),
    (r"_getframe|\binspect\b|f_back|f_locals|f_globals|gi_frame|tb_frame",
     "inspects the call stack"),
    (r"\bopen\s*\(|\bPath\s*\(|\.write_text|\.ipynb\b|_core\.py", "reads or writes files"),
    (r"\bsignal\b|KeyboardInterrupt", "handles signals"),
    (r"\bsocket\b|urllib|requests\b|http\.client", "uses the network"),
]


@dataclass
class Chapter:
    name: str
    labels: list[str]
    titles: dict[str, str]
    checks: dict[str, list[str]]            # label -> check cell sources
    points: dict[str, float]
    original: set[str] = field(default_factory=set)   # code the chapter itself hands out

    @property
    def maximum(self) -> float:
        return sum(self.points[label] for label in self.labels if self.checks[label])


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


def _points(nb, labels) -> dict[str, float]:
    """Points per exercise from the chapter's metadata ``bpbook.points``
    (``{"ex-label": 2, ...}``); 1 for an exercise it does not name."""
    given = (nb.metadata.get(METADATA_KEY) or {}).get("points") or {}
    points = {}
    for label in labels:
        value = given.get(label, 1) if isinstance(given, dict) else 1
        points[label] = float(value) if isinstance(value, (int, float)) and value >= 0 else 1.0
    return points


def load_chapters(directory: Path) -> dict[str, Chapter]:
    found = {}
    for path in sorted(directory.glob("[0-9]*.ipynb")):
        nb = read(path)
        exs = exercises(nb)
        labels = [e.label for e in exs]
        found[path.stem] = Chapter(path.stem, labels, {e.label: e.title for e in exs},
                                   {e.label: e.check_sources for e in exs}, _points(nb, labels),
                                   _handed_out(nb, directory.parent / "_config.yml"))
    return found


LABEL_IN_TEXT = re.compile(r"""(?:id=["']|:label:\s*)(ex-[\w-]+)""")


def identify(nb, chapters: dict[str, Chapter]) -> str | None:
    """The chapter of a submission: its metadata, else its exercise labels."""
    claimed = (nb.metadata.get(METADATA_KEY) or {}).get("chapter")
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


@dataclass
class Grade:
    submission: str
    student: str = ""
    chapter: str = ""
    scores: dict[str, float] = field(default_factory=dict)     # label -> points earned
    maximum: float = 0.0
    status: str = "ok"
    review: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    seconds: float = 0.0
    student_metadata: str = ""

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.maximum if self.maximum else 0.0


def _suspicious(sources) -> list[str]:
    found = []
    for source in sources:
        for pattern, what in SUSPICIOUS:
            if re.search(pattern, source, re.M) and what not in found:
                found.append(what)
    return found


def grade(path: Path, name: str, chapters: dict[str, Chapter], stage: sandbox.Stage,
          limits: sandbox.Limits, time_limit: float) -> Grade:
    result = Grade(name)
    started = time.monotonic()
    try:
        _grade(path, result, chapters, stage, limits, time_limit)
    except Exception as error:  # never stop the run
        result.status = f"grader error: {type(error).__name__}: {verdict.clean_text(error, 200)}"
        result.review.append("grader error")
    result.seconds = time.monotonic() - started
    return result


def _grade(path, result, chapters, stage, limits, time_limit):
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception as error:
        result.status = f"not a valid notebook ({type(error).__name__})"
        return
    result.student_metadata = str((nb.metadata.get(METADATA_KEY) or {}).get("student_id") or "")
    chapter_name = identify(nb, chapters)
    if chapter_name is None:
        result.status = "chapter not recognised (no known exercise labels)"
        return
    chapter = chapters[chapter_name]
    result.chapter = chapter_name
    result.maximum = chapter.maximum
    checked = [label for label in chapter.labels if chapter.checks[label]]
    result.scores = {label: 0.0 for label in checked}
    check_sources = {s.strip() for sources in chapter.checks.values() for s in sources}
    # The chapter's own check cells are left out (the grader runs its copy);
    # a check cell the student changed runs like any other cell.
    cells = [(n, c.source) for n, c in enumerate(nb.cells, start=1)
             if c.cell_type == "code" and c.source.strip() not in check_sources]
    problems = []
    if any(SOLUTION in tags(c) for c in nb.cells):
        problems.append("contains solution cells of the instructor edition")
        result.review.append("solution cells")
    review = _suspicious([s for _, s in cells if s.strip() not in chapter.original])

    job = {"lib": f"{sandbox.INSIDE}/lib", "workdir": "/tmp/work", "cells": cells,
           "skip_cells": [], "skip_checks": [],
           "checks": [[label, chapter.checks[label]] for label in checked],
           "cell_time_limit": limits.cell, "check_time_limit": limits.check, "call_time_limit": limits.call}
    deadline = time.monotonic() + time_limit
    timed_out = {}      # label -> why its check never finished
    died = set()        # cells whose process died once
    outcome = None
    for _ in range(MAX_RUNS):
        if time.monotonic() >= deadline:
            break
        outcome = sandbox.run(stage, job, limits, deadline)
        if outcome.garbled:
            review.append("wrote garbage into the grader's channel")
        if outcome.killed is None and outcome.died is None:
            break
        why, where = outcome.killed or outcome.died
        if outcome.killed and why == "total":
            problems.append(f"time limit of {time_limit:g} s for the notebook reached: the sandbox was killed")
            result.review.append("killed")
            break
        if outcome.killed and why == "output":
            problems.append("wrote too much into the grader's channel: the sandbox was killed")
            result.review.append("killed")
            break
        if why == "cell" and isinstance(where, int):
            if outcome.killed:
                problems.append(f"cell {where} ran past its time limit ({limits.cell:g} s) and ignored the "
                                "interrupt: the sandbox was killed and the cell skipped")
                result.review.append("killed")
            elif where not in died:   # once may be the machine (out of memory): run it again as it is
                died.add(where)
                continue
            else:
                problems.append(f"the kernel died in cell {where} twice (crash, os._exit or out of memory); "
                                "the cell was skipped")
            job["skip_cells"].append(where)
        elif why == "check" and where in result.scores:
            timed_out[where] = ("did not finish within the time limit" if outcome.killed
                                else "killed the kernel")
            problems.append(f"the check of {where} {timed_out[where]}: the sandbox was "
                            f"{'killed' if outcome.killed else 'restarted'} without it")
            result.review.append("killed" if outcome.killed else "crashed")
            job["skip_checks"].append(where)
        elif outcome.died and ("phase", why) not in died:   # once may be the machine: again
            died.add(("phase", why))
            continue
        else:
            problems.append("the sandbox did not start" if why == "startup" else f"the run ended early ({why})")
            if outcome.stderr.strip():
                problems[-1] += f": {verdict.clean_text(outcome.stderr.strip().splitlines()[-1], 160)}"
            result.review.append("sandbox")
            break
        outcome = None
    if outcome is not None and outcome.result is None and not problems:
        problems.append("the run produced no result")

    # Errors and stopped cells of the last run (the one whose data counts).
    if outcome is not None:
        for event in outcome.events:
            if event.get("event") == "cell_done" and event.get("error"):
                error = verdict.clean_text(event["error"], 120)
                if error == "timeout":
                    problems.append(f"cell {event.get('index')} exceeded the time limit "
                                    f"({limits.cell:g} s) and was stopped")
                else:
                    problems.append(f"cell {event.get('index')} raised {error}")
    data = outcome.result if outcome is not None and isinstance(outcome.result, dict) else {}

    import bpcore.exercises as grader_exercises

    for label in chapter.labels:
        title = chapter.titles.get(label, "")
        points = chapter.points[label]
        if not chapter.checks[label]:
            result.feedback.append(f"{label} — {title}: no automatic check (graded by hand)")
            continue
        if label in timed_out:
            passed, messages, trouble = False, [f"✗ the check {timed_out[label]} and was stopped."], []
        elif label not in data:
            passed, messages, trouble = False, ["✗ the check did not run (see the status)."], []
        else:
            with _DECIDE:
                passed, messages, trouble = verdict.decide(chapter.checks[label], data[label], grader_exercises)
        for item in trouble:
            if item not in problems:
                problems.append(item)
                result.review.append("data")
        result.scores[label] = points if passed else 0.0
        shown = f"{points:g} point{'s' if points != 1 else ''}"
        result.feedback.append(f"{label} — {title}: {'passed' if passed else 'not passed'} "
                               f"({result.scores[label]:g} of {shown})")
        result.feedback.extend(f"    {line}" for message in messages for line in message.splitlines())
    if review:
        problems.append("review: " + ", ".join(dict.fromkeys(review)))
        result.review.append("code")
    result.status = "; ".join(problems) if problems else "ok"
