"""The student edition of a chapter, and what the grader needs to know about it.

One source, two editions. A chapter notebook (``chapters/NN_slug.ipynb``) is
the instructor edition. Its exercises follow a cell-tag convention that this
module relies on, and nothing else:

* an ``{exercise}`` directive with a ``:label:`` opens an exercise;
* ``solution`` tags every cell strictly between the ``{solution-start}`` and
  ``{solution-end}`` directive cells;
* ``stub`` tags the cell a student edits, ``check`` the cell that calls a
  checker of ``bpcore.exercises``.

:func:`student_notebook` removes every solution cell (and the then empty
solution-start/solution-end cells), keeps stubs and checks, and records in the
notebook's metadata which chapter it is and which exercises it has, so that
the grader can tell a submission's chapter whatever its file name.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

SOLUTION, STUB, CHECK = "solution", "stub", "check"

#: Notebook metadata key written into every student notebook.
METADATA_KEY = "bpbook"

# A MyST directive opening line: ```{name} argument  or  :::{name} argument
DIRECTIVE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*?)[ \t]*$")
LABEL_OPTION = re.compile(r"^[ \t]*:label:[ \t]*(\S+)", re.M)


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


CHECK_CALL = re.compile(r"\b(bp|bpcore)\.exercises\.check_\w+\(")


def is_check(cell) -> bool:
    """A check cell: tagged ``check`` (the convention), or an untagged code cell
    outside a solution that calls a checker (so a forgotten tag is not fatal)."""
    if cell.cell_type != "code":
        return False
    return CHECK in tags(cell) or (SOLUTION not in tags(cell) and bool(CHECK_CALL.search(cell.source)))


def directive_names(source: str) -> list[str]:
    """Names of the directives opened in a markdown source, in order."""
    return [m.group("name") for m in map(DIRECTIVE_OPEN.match, source.splitlines()) if m]


def _opens(cell, name: str) -> bool:
    return cell.cell_type == "markdown" and name in directive_names(cell.source)


def solution_cells(nb) -> set[int]:
    """Indices of the cells a student must not see.

    A cell is a solution cell if it is tagged ``solution`` *or* lies between a
    ``solution-start`` and its ``solution-end`` (so a forgotten tag cannot
    leak a solution), and the start/end directive cells themselves, which
    would be empty in a student notebook. A plain ``{solution}`` directive
    cell (the non-gated form) is a solution cell too.
    """
    hidden, inside = set(), False
    for i, cell in enumerate(nb.cells):
        if _opens(cell, "solution-start"):
            inside = True
            hidden.add(i)
            continue
        if _opens(cell, "solution-end"):
            inside = False
            hidden.add(i)
            continue
        if inside or SOLUTION in tags(cell) or _opens(cell, "solution"):
            hidden.add(i)
    return hidden


@dataclass
class Exercise:
    label: str
    title: str
    cell: int                     # index of the exercise directive cell
    stubs: list[int] = field(default_factory=list)
    checks: list[int] = field(default_factory=list)
    check_sources: list[str] = field(default_factory=list)


def exercises(nb) -> list[Exercise]:
    """The exercises of a notebook in order, each with its stub and check cells.

    A stub or check cell belongs to the last exercise directive above it.
    """
    found: list[Exercise] = []
    hidden = solution_cells(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = DIRECTIVE_OPEN.match(line)
                if m and m.group("name") == "exercise":
                    label = LABEL_OPTION.search(cell.source)
                    found.append(Exercise(label.group(1) if label else f"exercise-{len(found) + 1}",
                                          m.group("arg"), i))
                    break
        elif found and cell.cell_type == "code":
            if STUB in tags(cell):
                found[-1].stubs.append(i)
            if is_check(cell) and i not in hidden:
                found[-1].checks.append(i)
                found[-1].check_sources.append(cell.source)
    return found


def chapter_name(path: Path | str) -> str:
    return Path(path).stem


def student_notebook(nb, chapter: str, clear_outputs_of=(STUB, CHECK)):
    """The student edition of a chapter notebook (a new notebook object).

    Solution cells go; stub and check cells stay, their outputs cleared (in
    the instructor's run the check printed ✓ for the solution). Outputs of the
    other cells are kept. The cells keep their ids, so outputs can be mapped
    between editions.
    """
    nb = copy.deepcopy(nb)
    hidden = solution_cells(nb)
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in hidden]
    for cell in nb.cells:
        if cell.cell_type == "code" and (set(tags(cell)) & set(clear_outputs_of) or is_check(cell)):
            cell.outputs = []
            cell.execution_count = None
    nb.metadata[METADATA_KEY] = {
        "chapter": chapter,
        "edition": "student",
        "exercises": [ex.label for ex in exercises(nb)],
    }
    return nb


def read(path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)
