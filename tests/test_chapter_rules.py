"""The chapter anatomy of CONTRIBUTING.md ("Chapter template"), checked
mechanically on every committed chapter notebook.

Each rule is one test, parametrised over ``chapters/*.ipynb``, so a new
chapter is checked the moment it exists and a failure names the chapter,
the cell and the rule.
"""

import base64
import re
from pathlib import Path

import nbformat
import pytest

CHAPTERS = sorted((Path(__file__).resolve().parent.parent / "chapters").glob("*.ipynb"))
MAX_BYTES = 1_500_000
MIN_EXERCISES = 4
SECTIONS = ("Learning objectives", "Prerequisites", "Key takeaways", "Exercises", "References")
# A figure is shown at most this wide (CSS px) and rendered at twice that.
MIN_FULL_WIDTH_PX = 700

EXERCISE = re.compile(r"^```\{exercise\}", re.M)
SOLUTION_START = re.compile(r"^```\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^```\{solution-end\}", re.M)
# A decimal number with 14 or more significant digits: a raw float repr,
# whose last digits depend on the CPU's SIMD kernels.
LONG_FLOAT = re.compile(r"(?<![\w.])-?(\d+\.\d+)(?:[eE][+-]?\d+)?(?![\w.])")
DATA_URI = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+")


def _id(path):
    return path.stem


@pytest.fixture(params=CHAPTERS, ids=_id, scope="module")
def chapter(request):
    return request.param, nbformat.read(request.param, as_version=4)


def tags(cell):
    return set(cell.metadata.get("tags", []))


def exercises(nb):
    """Split the cells after each ``{exercise}`` cell into the exercise's
    parts: ``(title, stub_cells, solution_cells, after_cells)`` where
    ``after_cells`` are the cells after ``solution-end`` up to the next
    exercise or heading cell."""
    cells = nb.cells
    starts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and EXERCISE.search(c.source)]
    found = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(cells)
        block = cells[start + 1 : stop]
        title = cells[start].source.splitlines()[0]
        sol_start = next((i for i, c in enumerate(block) if c.cell_type == "markdown" and SOLUTION_START.search(c.source)), None)
        sol_end = next((i for i, c in enumerate(block) if c.cell_type == "markdown" and SOLUTION_END.search(c.source)), None)
        if sol_start is None or sol_end is None or sol_end < sol_start:
            found.append((title, block, None, []))
            continue
        after = []
        for c in block[sol_end + 1 :]:
            if c.cell_type == "markdown" and c.source.lstrip().startswith("#"):
                break
            after.append(c)
        found.append((title, block[:sol_start], block[sol_start + 1 : sol_end], after))
    return found


def test_notebook_is_at_most_1_5_MB(chapter):
    path, _ = chapter
    assert path.stat().st_size <= MAX_BYTES, f"{path.name} is {path.stat().st_size / 1e6:.2f} MB (limit 1.5 MB)"


def test_one_title_and_every_required_section(chapter):
    path, nb = chapter
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    titles = re.findall(r"^# \S", markdown, re.M)
    assert len(titles) == 1, f"{path.name}: {len(titles)} '# ' titles, need exactly one"
    for section in SECTIONS:
        assert re.search(rf"^(#+ |\*\*){section}\b", markdown, re.M | re.I), f"{path.name}: no '{section}' section"


def test_first_code_cell_imports_and_applies_the_style(chapter):
    path, nb = chapter
    first = next(c for c in nb.cells if c.cell_type == "code")
    for needed in ("import numpy as np", "import bpcore as bp", "from myst_nb import glue", "bp.plots.use_style()"):
        assert needed in first.source, f"{path.name}: the first code cell lacks `{needed}`"


def test_at_least_four_exercises_each_with_a_solution(chapter):
    path, nb = chapter
    found = exercises(nb)
    assert len(found) >= MIN_EXERCISES, f"{path.name}: {len(found)} exercises, need at least {MIN_EXERCISES}"
    for title, _, solution, _ in found:
        assert solution is not None, f"{path.name}: exercise {title!r} has no solution-start … solution-end pair"


def test_every_cell_inside_a_solution_is_tagged_solution(chapter):
    path, nb = chapter
    for title, _, solution, _ in exercises(nb):
        for cell in solution or []:
            assert "solution" in tags(cell), (
                f"{path.name}, exercise {title!r}: this {cell.cell_type} cell lies between solution-start and "
                f"solution-end but is not tagged 'solution' (the student edition would keep it):\n{cell.source[:200]}")


def test_no_solution_tag_outside_a_solution(chapter):
    path, nb = chapter
    inside = {id(c) for _, _, solution, _ in exercises(nb) for c in solution or []}
    for cell in nb.cells:
        if "solution" in tags(cell):
            assert id(cell) in inside, f"{path.name}: a cell tagged 'solution' lies outside solution-start/end:\n{cell.source[:200]}"


def test_every_exercise_has_a_check_cell_and_implement_exercises_a_stub(chapter):
    path, nb = chapter
    for title, before, _, after in exercises(nb):
        checks = [c for c in after if c.cell_type == "code" and "check" in tags(c)]
        assert checks, f"{path.name}, exercise {title!r}: no code cell tagged 'check' after solution-end"
        for c in checks:
            assert "bp.exercises." in c.source, f"{path.name}, exercise {title!r}: the check cell does not call bp.exercises"
        code_before = [c for c in before if c.cell_type == "code"]
        for c in code_before:
            assert "stub" in tags(c), f"{path.name}, exercise {title!r}: code cell before the solution is not tagged 'stub'"
        if re.search(r"\bimplement\b", title, re.I):
            assert code_before, f"{path.name}, exercise {title!r}: an implement-exercise needs a stub cell tagged 'stub'"


def test_stub_and_check_tags_only_where_they_belong(chapter):
    path, nb = chapter
    allowed = {id(c) for _, before, _, after in exercises(nb) for c in [*before, *after]}
    for cell in nb.cells:
        if tags(cell) & {"stub", "check"}:
            assert id(cell) in allowed, f"{path.name}: a 'stub'/'check' cell outside an exercise:\n{cell.source[:200]}"


def _text_outputs(nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                yield index, out.text
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("text/plain"):
                    yield index, DATA_URI.sub("", value if isinstance(value, str) else "".join(value))


def test_no_output_shows_a_raw_float_repr(chapter):
    path, nb = chapter
    for index, text in _text_outputs(nb):
        for match in LONG_FLOAT.finditer(text):
            digits = match.group(1).replace(".", "").lstrip("0")
            assert len(digits) < 14, (
                f"{path.name}, cell {index}: output {match.group(0)!r} has {len(digits)} significant digits; "
                "print and glue with the precision the sentence needs (its last digits differ between CPUs)")


def _png_size(png):
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_figures_are_sharp_and_captioned(chapter):
    """A static figure (a PNG output that is not a widget's fallback) is
    rendered at twice its display size and has a caption."""
    path, nb = chapter
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" not in data or "text/html" in data:
                continue
            width, _ = _png_size(base64.b64decode(data["image/png"]))
            shown = out.get("metadata", {}).get("image/png", {}).get("width")
            assert shown is not None, f"{path.name}, cell {index}: a figure without its display width (call bp.plots.use_style())"
            assert width >= 2 * int(shown) - 1, f"{path.name}, cell {index}: PNG {width} px wide shown at {shown} px: not 2x"
            assert width >= MIN_FULL_WIDTH_PX or int(shown) < MIN_FULL_WIDTH_PX // 2, f"{path.name}, cell {index}: too small"
            caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
            assert caption, f"{path.name}, cell {index}: a figure without a caption (cell metadata mystnb.figure.caption)"
