"""No line of any solution appears in any student artefact.

The solutions are found in the *instructor* sources independently of the
tool that removes them: every cell tagged ``solution`` or lying between a
``solution-start`` and its ``solution-end`` (so a forgotten tag is caught
here, not shipped), and the rendered text of every solution block in the
instructor HTML book (``_build/html``: glued numbers, rendered math).

A line counts if it is not trivial (at least 8 characters with a letter or
digit: not blank lines, lone brackets or ``return x``) and does not also
appear outside the solutions anywhere in the instructor edition (a line the
book itself shows, such as ``y_hat = W * x + b`` in a chapter's code, is no
leak). The student artefacts are everything under
``_build/student`` (the notebooks, the HTML pages, ``_sources``, downloads,
the search index, the book copy it was built from) and the committed clean
notebooks in ``notebooks/``. The PDF of the book (``_build/html/backprop-book.pdf``,
written by ``make pdf``, or printed into a temporary directory as tests/test_pdf.py
does) counts as a student
artefact too: "solutions stay online".

**Answer values.** Beside solution lines, every by-hand answer is searched
as it would be printed. The values come from the checkers themselves (their
references at the chapters' parameters, recorded through
``bpcore.exercises._core._RECORDER``), in the forms a checker or a chapter
prints a number (``{:.3g}``, ``{:.4g}``, ``{:.6g}``, and the integer for a
whole number: 0.669, 0.6694, 0.669421). A number alone is no leak, since the
text legitimately holds 2.0 or 0.5 in other roles, so a value counts only in
the contexts where it *is* the answer:

* on a passing check line: the value followed by "is correct" on the same
  line (a function checker's "✓ my_mse agrees with the reference on 4 test
  cases" holds no answer; a ✗ line never holds the right value: its hints
  are about the mistake, and a stub's line shows no value);
* assigned to the exercise's variable or shown under the checker's name:
  ``beta_star = 0.669421``, ``m_t = 0.542``, ``delta1 = [-1.125, …``
  (the names are read from the chapters' check cells and the checkers).

This applies to every student artefact, to the PDF, and to the public HTML
book *outside* its solution blocks (what a reader sees without opening a
solution).
"""

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from editions import solution_cells  # noqa: E402

STUDENT = ROOT / "_build" / "student"
INSTRUCTOR_HTML = ROOT / "_build" / "html"
PDF = INSTRUCTOR_HTML / "backprop-book.pdf"
TEXT_SUFFIXES = {".html", ".ipynb", ".md", ".py", ".txt", ".js", ".json", ".tex", ".rst", ".yml"}
SKIP_DIRS = {"_static", "_images", ".doctrees", "_vendor"}
BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+|\"image/(png|jpeg|gif)\": \"[^\"]*\"")

needs_build = pytest.mark.skipif(not (STUDENT / "html" / "index.html").exists()
                                or not INSTRUCTOR_HTML.exists(),
                                reason="needs `make book` and `make student` (make test runs both)")


def normal(text: str) -> str:
    return " ".join(text.split())


def nontrivial(line: str) -> bool:
    return len(line) >= 8 and re.search(r"[A-Za-z0-9]", line) is not None


class _Text(HTMLParser):
    """Text of an HTML page, split into solution text and the rest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.solution_depth, self.skip = [], 0, 0
        self.inside, self.outside = [], []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        is_solution = tag == "div" and ("solution" in classes or "tag_solution" in classes)
        self.stack.append((tag, is_solution))
        self.solution_depth += is_solution
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, was_solution = self.stack.pop()
            self.solution_depth -= was_solution
            self.skip -= open_tag in ("script", "style")
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.skip:
            return
        (self.inside if self.solution_depth else self.outside).append(data)


def html_text(html: str) -> tuple[str, str]:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.inside), "".join(parser.outside)


def cell_text(cell) -> str:
    parts = [cell.source]
    for out in cell.get("outputs", []):
        parts.append(out.get("text", "") if isinstance(out.get("text", ""), str) else "".join(out["text"]))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/") or mime.endswith("/text/plain"):   # glued values too
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def _solutions():
    """Solution lines (normalised) -> where each comes from, without the lines
    that the instructor edition also shows outside its solutions."""
    secret, shown = {}, []
    for path in sorted((ROOT / "chapters").glob("[0-9]*.ipynb")):
        nb = nbformat.read(str(path), 4)
        hidden = solution_cells(nb)
        for i, cell in enumerate(nb.cells):
            if i in hidden:
                # The directive lines of the solution-start/end cells are structure, not content.
                for line in cell.source.splitlines():
                    if not re.match(r"^\s*(`{3,}|:{3,})|^\s*:class:", line):
                        secret.setdefault(normal(line), f"{path.name}, cell {i}")
            else:
                shown.append(cell_text(cell))
    for page in sorted(INSTRUCTOR_HTML.rglob("*.html")):
        if SKIP_DIRS & set(page.relative_to(INSTRUCTOR_HTML).parts):
            continue
        inside, outside = html_text(page.read_text(encoding="utf-8"))
        for line in inside.splitlines():
            if not normal(line).startswith("Solution"):
                secret.setdefault(normal(line), f"{page.name} (rendered solution)")
        shown.append(outside)
    # A solution line that the book shows elsewhere (inside a longer line too) is no leak.
    shown_text = normal(BASE64.sub(" ", "\n".join(shown)))
    return {line: where for line, where in secret.items() if nontrivial(line) and line not in shown_text}


def _artefacts():
    roots = [STUDENT, ROOT / "notebooks"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not SKIP_DIRS & set(path.relative_to(root).parts):
                yield path


def artefact_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        inside, outside = html_text(raw)
        text = inside + "\n" + outside
    elif path.suffix == ".ipynb":
        nb = nbformat.reads(raw, 4)
        text = "\n".join(cell_text(c) for c in nb.cells) + json.dumps(nb.metadata.get("bpbook", {}))
    else:
        text = raw
    return normal(BASE64.sub(" ", text))


@needs_build
def test_solutions_are_found():
    """The leak test is only as good as its list of solution lines."""
    secret = _solutions()
    assert len(secret) >= 5, secret


@needs_build
def test_no_solution_line_in_any_student_artefact():
    secret = _solutions()
    artefacts = list(_artefacts())
    names = {p.relative_to(ROOT).as_posix() for p in artefacts}
    # Every kind of artefact is really searched.
    assert any(n.startswith("_build/student/notebooks/") for n in names)
    assert any(n.startswith("_build/student/html/_sources/") for n in names)
    assert any(n.startswith("_build/student/html/chapters/") and n.endswith(".html") for n in names)
    assert any(n.startswith("notebooks/") for n in names)
    leaks = []
    for path in artefacts:
        text = artefact_text(path)
        leaks += [f"{path.relative_to(ROOT)}: {line!r} (from {where})"
                  for line, where in secret.items() if line in text]
    assert not leaks, "\n".join(leaks[:30])


@needs_build
def test_the_leak_test_catches_a_leak(tmp_path):
    """A planted solution line is found (the search is not vacuous)."""
    secret = _solutions()
    line, _ = sorted(secret.items())[0]
    planted = tmp_path / "planted.html"
    planted.write_text(f"<html><body><pre><span>{line[:5]}</span>{line[5:]}</pre></body></html>", encoding="utf-8")
    assert line in artefact_text(planted)


# -- answer values ------------------------------------------------------------

#: Checkers whose reference needs the chapter's own run (the catalogue test
#: calls them on made-up curves): their answers are found only as the
#: literals the solution assigns.
CHAPTER_RUN_ANSWERS = {"check_early_stopping_epoch"}


def printed_forms(value) -> set[str]:
    """The ways a checker or a chapter prints the number ``value``."""
    import numpy as np

    forms = set()
    for v in np.ravel(np.asarray(value, dtype=float)):
        if v == int(v) and abs(v) < 1e16:
            forms |= {str(int(v)), f"{int(v):,}"}
        forms |= {f"{v:.3g}", f"{v:.4g}", f"{v:.6g}", repr(float(f"{v:.6g}"))}
    return forms


def _solution_literals() -> dict[str, set[str]]:
    """{variable: numbers} that the solution cells assign as literals (best_w = 0.85)."""
    found = {}
    for path in sorted((ROOT / "chapters").glob("[0-9]*.ipynb")):
        nb = nbformat.read(str(path), 4)
        for i in solution_cells(nb):
            for name, number in re.findall(r"^\s*([A-Za-z_]\w*)\s*=\s*(-?\d[\d.]*(?:e-?\d+)?)\s*(?:#.*)?$",
                                           nb.cells[i].source, re.MULTILINE):
                found.setdefault(name, set()).update(printed_forms(float(number)))
    return found


def _answer_values():
    """[(checker, names, printed forms)] per by-hand answer, from the checkers'
    references at the chapters' parameters and the solutions' literals."""
    import contextlib
    import io

    from bpcore.exercises import _core
    from test_exercises_catalogue import BY_HAND

    check_cells = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("[0-9]*.ipynb"))
    literals = _solution_literals()
    answers = []
    for checker, (slots, call) in sorted(BY_HAND.items()):
        _core._RECORDER = []
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                call([None] * slots)
            records = _core._RECORDER
        finally:
            _core._RECORDER = None
        variables = []
        for args in re.findall(rf"bp\.exercises\.{checker}\(([^)\\]*)", check_cells):
            variables += [a.strip() for a in args.split(",")[:slots] if re.fullmatch(r"\s*[A-Za-z_]\w*\s*", a)]
        for slot, record in enumerate(records):
            names = {record["name"], *variables[slot::slots]} if slots > 1 else {record["name"], *variables}
            names = {n for n in names if re.fullmatch(r"[A-Za-z_]\w*", n)}
            forms = set() if checker in CHAPTER_RUN_ANSWERS else printed_forms(record["expected"])
            for name in names:
                forms |= literals.get(name, set())
            if forms:
                answers.append((checker, sorted(names), sorted(forms, key=len, reverse=True)))
    return answers


def answer_patterns():
    """(checker, compiled regex) for every by-hand answer in its contexts."""
    patterns = []
    for checker, names, forms in _answer_values():
        value = "|".join(re.escape(f) for f in forms)
        number = rf"(?<![\w.])(?:{value})(?![\d])(?!\.\d)"
        named = "|".join(re.escape(n) for n in names)
        patterns.append((checker, re.compile(
            rf"(?:\b(?:{named})\s*=\s*[\[(]?\s*{number})"              # beta_star = 0.669421, delta1 = [-1.125
            rf"|(?:{number}[^\n]{{0,60}}\bis correct)", re.MULTILINE)))   # "✓ … 0.5 is correct" 
    return patterns


def answer_leaks(text: str, patterns) -> list[str]:
    return [f"{checker}: {m.group(0)!r}" for checker, pattern in patterns for m in [pattern.search(text)] if m]


def pdf_text(path: Path) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def _lines_text(path: Path) -> str:
    """Artefact text keeping line breaks (check lines are recognised by their start)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        inside, outside = html_text(raw)
        return inside + "\n" + outside
    if path.suffix == ".ipynb":
        nb = nbformat.reads(raw, 4)
        return "\n".join(cell_text(c) for c in nb.cells)
    return raw.replace("\\n", "\n")     # searchindex.js and JSON keep newlines escaped


def test_the_answers_are_found():
    """Every by-hand checker gives its answer's names and printed forms."""
    answers = _answer_values()
    assert len(answers) >= 25
    forms = {f for _, _, fs in answers for f in fs}
    for printed in ("0.818594", "0.819", "-0.55", "322", "1.1808"):
        assert printed in forms, printed


@needs_build
def test_no_answer_value_in_any_student_artefact():
    patterns = answer_patterns()
    leaks = []
    for path in _artefacts():
        leaks += [f"{path.relative_to(ROOT)}: {leak}" for leak in answer_leaks(_lines_text(path), patterns)]
    assert not leaks, "\n".join(leaks[:30])


@needs_build
def test_no_answer_value_outside_the_solutions_of_the_public_book():
    patterns = answer_patterns()
    leaks = []
    for page in sorted(INSTRUCTOR_HTML.rglob("*.html")):
        if SKIP_DIRS & set(page.relative_to(INSTRUCTOR_HTML).parts):
            continue
        _, outside = html_text(page.read_text(encoding="utf-8"))
        leaks += [f"{page.relative_to(ROOT)}: {leak}" for leak in answer_leaks(outside, patterns)]
    assert not leaks, "\n".join(leaks[:30])


def pdf_leaks(text: str, patterns, secret) -> list[str]:
    """Answers and solution lines in the text of the PDF (lines may be
    broken anywhere by the page layout, so solution lines are matched on
    whitespace-normalised text)."""
    leaks = answer_leaks(text, patterns)
    flat = normal(text)
    return leaks + [f"solution line {line!r} (from {where})" for line, where in secret.items() if line in flat]


@pytest.fixture(scope="module")
def book_pdf_text(tmp_path_factory):
    """The text of the book's PDF: ``_build/html/backprop-book.pdf`` when
    ``make pdf`` wrote it, else one printed into a temporary directory the
    way tests/test_pdf.py prints it (skips without Chromium, as it does)."""
    if PDF.exists():
        return pdf_text(PDF)
    pytest.importorskip("pypdf")
    import make_pdf
    from browser_support import chromium

    with chromium():
        pass
    return pdf_text(make_pdf.build_pdf(tmp_path_factory.mktemp("pdf") / make_pdf.PDF_NAME))


@needs_build
def test_the_pdf_holds_no_answer_and_no_solution_line(book_pdf_text):
    leaks = pdf_leaks(book_pdf_text, answer_patterns(), _solutions())
    assert not leaks, "\n".join(leaks[:30])


def test_a_planted_answer_is_caught(tmp_path):
    """The answer search is not vacuous: fake artefacts with an answer fail."""
    patterns = answer_patterns()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "passed = bp.exercises.check_momentum_beta(beta_star, condition=400)",
        outputs=[nbformat.v4.new_output("stream", name="stdout", text="✓ beta_star = 0.818594 is correct.\n")])])
    planted = {
        "page.html": "<html><body><div class='cell_output'><pre>✓ beta_star = 0.818594 is correct.</pre></div></body></html>",
        "searchindex.js": 'Search.setIndex({"docs": "m_4 = 1.1808 is correct.\\nmore"})',
        "nb.ipynb": nbformat.writes(notebook),
        "help.txt": "check_bias_step(my_dL_db, my_b_new)\n    ✓ my_b_new = -0.55 is correct.",
        "api.md": ">>> check_hidden_delta(delta1)\n    delta1 = [-1.125, -0.36]",
    }
    for name, text in planted.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert answer_leaks(_lines_text(path), patterns), f"the planted leak in {name} was not found"
    # The same numbers in other roles are no leak.
    innocent = tmp_path / "innocent.html"
    innocent.write_text("<p>With β = 0.818594 the rate is fine; W_new = 2.15 and b = -0.55 in the table.</p>"
                        "<pre>✓ my_adam_step agrees with the reference on 4 test cases.</pre>", encoding="utf-8")
    assert not answer_leaks(_lines_text(innocent), patterns)


def test_a_planted_leak_in_the_pdf_text_is_caught():
    secret = {"return (W - lr * grad_W, b - lr * grad_b)": "a chapter, cell 1"}
    text = "Chapter 5\n✓ eta_one_step = 0.2 is correct.\nPage 7\nreturn (W - lr *\ngrad_W, b - lr * grad_b)\n"
    leaks = pdf_leaks(text, answer_patterns(), secret)
    assert any("check_one_step_rate" in leak for leak in leaks)
    assert any("solution line" in leak for leak in leaks)
    assert not pdf_leaks("Chapter 5\n✓ eta_one_step is correct.\n", answer_patterns(), secret)
