"""The files a grading run writes, for the instructor and the LMS.

* ``grades.csv``: one row per submission (student and chapter);
* ``gradebook.csv``: one row per student, one column per chapter;
* ``canvas.csv``: Canvas's gradebook import format;
* ``gradescope.csv``: Gradescope's score export/import layout;
* ``feedback/<submission>.txt`` and ``.html``: for the student;
* ``.grading/<submission>.json``: each submission's result, so that one
  submission can be regraded and the files rebuilt without the others.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import asdict
from pathlib import Path

from .grader import Chapter, Grade

FEEDBACK = "feedback"
RECORDS = ".grading"

# A student's id in a file name: "<id>__anything.ipynb", or Canvas's
# download name "<name>[_LATE]_<user id>_<submission id>_<file>.ipynb".
ID_PATTERNS = [r"^(?P<student>[A-Za-z0-9][A-Za-z0-9.@+-]*)__",
               r"^[a-z]+(?:_LATE)?_(?P<student>\d+)_\d+_"]


def student_id(grade: Grade, patterns=ID_PATTERNS) -> str:
    """From the file name (a pattern above, or ``--id-pattern``), else the
    notebook's metadata ``bpbook.student_id``, else the file's path."""
    name = grade.submission.rsplit("/", 1)[-1]
    for pattern in patterns:
        match = re.search(pattern, name)
        if match and match.groupdict().get("student"):
            return match.group("student")
    if grade.student_metadata and re.fullmatch(r"[\w.@+-]{1,80}", grade.student_metadata):
        return grade.student_metadata
    return grade.submission[: -len(".ipynb")] if grade.submission.endswith(".ipynb") else grade.submission


def _number(value: float) -> str:
    return f"{value:g}"


def save_record(directory: Path, grade: Grade) -> None:
    target = directory / RECORDS / (grade.submission + ".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(asdict(grade), ensure_ascii=False, indent=1), encoding="utf-8")


def load_records(directory: Path, present: set[str]) -> list[Grade]:
    """The saved results of the submissions still in ``directory``."""
    grades = []
    for path in sorted((directory / RECORDS).rglob("*.ipynb.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("submission") in present:
            grades.append(Grade(**data))
    return sorted(grades, key=lambda g: g.submission)


def write_all(directory: Path, grades: list[Grade], chapters: dict[str, Chapter], patterns=ID_PATTERNS) -> None:
    for g in grades:
        g.student = student_id(g, patterns)
    duplicates = {}
    for g in grades:
        duplicates.setdefault((g.student, g.chapter), []).append(g)
    for group in duplicates.values():
        if len(group) > 1 and group[0].chapter:
            for g in group:
                note = "review: another submission has the same student id and chapter"
                if note not in g.status:
                    g.status = note if g.status == "ok" else f"{g.status}; {note}"
                    g.review.append("duplicate")
    present = [c for c in chapters.values() if any(g.chapter == c.name for g in grades)]
    _grades_csv(directory, grades, present)
    _gradebook_csv(directory, grades, present)
    _canvas_csv(directory, grades, present)
    _gradescope_csv(directory, grades, present)
    for g in grades:
        _feedback(directory, g, chapters.get(g.chapter))


def _columns(present):
    return [(c, label) for c in present for label in c.labels if c.checks[label]]


def _grades_csv(directory, grades, present):
    columns = _columns(present)
    with open(directory / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "submission", "chapter", *(label for _, label in columns),
                         "total", "maximum", "percent", "status", "review"])
        for g in grades:
            writer.writerow([g.student, g.submission, g.chapter,
                             *(_number(g.scores[label]) if label in g.scores else "" for _, label in columns),
                             _number(g.total), _number(g.maximum), f"{g.percent:.1f}", g.status,
                             "yes" if g.review else ""])


def _best(grades, student, chapter):
    """A student's score for a chapter: the best of their submissions."""
    mine = [g for g in grades if g.student == student and g.chapter == chapter]
    return max((g.total for g in mine), default=None)


def _gradebook_csv(directory, grades, present):
    students = sorted({g.student for g in grades if g.chapter})
    with open(directory / "gradebook.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *(c.name for c in present), "total", "maximum", "percent"])
        writer.writerow(["(maximum)", *(_number(c.maximum) for c in present),
                         _number(sum(c.maximum for c in present)), "", ""])
        maximum = sum(c.maximum for c in present)
        for student in students:
            scores = [_best(grades, student, c.name) for c in present]
            total = sum(s for s in scores if s is not None)
            writer.writerow([student, *("" if s is None else _number(s) for s in scores), _number(total),
                             _number(maximum), f"{100.0 * total / maximum:.1f}" if maximum else ""])


def _canvas_csv(directory, grades, present):
    students = sorted({g.student for g in grades if g.chapter})
    with open(directory / "canvas.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *(c.name for c in present)])
        writer.writerow(["Points Possible", "", "", "", "", *(_number(c.maximum) for c in present)])
        for student in students:
            scores = [_best(grades, student, c.name) for c in present]
            canvas_id = student if student.isdigit() else ""
            writer.writerow([student, canvas_id, "" if canvas_id else student, "", "",
                             *("" if s is None else _number(s) for s in scores)])


def _gradescope_csv(directory, grades, present):
    columns = _columns(present)
    with open(directory / "gradescope.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "SID", "Email", "Assignment", "Total Score", "Max Points", "Status",
                         *(f"{label} ({_number(c.points[label])} pts)" for c, label in columns)])
        for g in grades:
            if not g.chapter:
                continue
            writer.writerow([g.student, g.student, "", g.chapter, _number(g.total), _number(g.maximum),
                             "Graded" if not g.review else "Needs review",
                             *(_number(g.scores[label]) if label in g.scores else "" for _, label in columns)])


def _feedback(directory, g: Grade, chapter):
    base = directory / FEEDBACK / g.submission[: -len(".ipynb")]
    base.parent.mkdir(parents=True, exist_ok=True)
    header = [f"Submission: {g.submission}", f"Student: {g.student}", f"Chapter: {g.chapter or '?'}",
              f"Score: {_number(g.total)} of {_number(g.maximum)}", f"Status: {g.status}"]
    Path(f"{base}.txt").write_text("\n".join(header + [""] + g.feedback) + "\n", encoding="utf-8")
    rows = []
    for line in g.feedback:
        if line.startswith("    "):
            mark = "pass" if line.strip().startswith("✓") else "fail" if line.strip().startswith("✗") else ""
            rows.append(f'<li class="{mark}">{html.escape(line.strip())}</li>')
        else:
            passed = ": passed" in line
            rows.append(f'</ul><h2 class="{"pass" if passed else "fail"}">{html.escape(line)}</h2><ul>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {html.escape(g.submission)}</title>
<style>body{{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.4}}
h2{{font-size:1.05em;margin:1.2em 0 .3em}} .pass{{color:#1a6e1a}} .fail{{color:#a51d1d}}
li{{list-style:none}} dt{{font-weight:bold;float:left;width:7em}}</style></head><body>
<h1>Feedback</h1>
<dl>{''.join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in (h.split(": ", 1) for h in header))}</dl>
<ul>{''.join(rows)}</ul>
</body></html>
""".replace("<ul></ul>", "")
    Path(f"{base}.html").write_text(page, encoding="utf-8")
