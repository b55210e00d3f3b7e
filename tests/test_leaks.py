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
notebooks in ``notebooks/``.
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
TEXT_SUFFIXES = {".html", ".ipynb", ".md", ".py", ".txt", ".js", ".json", ".tex", ".rst", ".yml"}
SKIP_DIRS = {"_static", "_images", ".doctrees", "_vendor"}
BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+|\"image/(png|jpeg|gif)\": \"[^\"]*\"")

pytestmark = pytest.mark.skipif(not (STUDENT / "html" / "index.html").exists()
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


def test_solutions_are_found():
    """The leak test is only as good as its list of solution lines."""
    secret = _solutions()
    assert len(secret) >= 5, secret


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


def test_the_leak_test_catches_a_leak(tmp_path):
    """A planted solution line is found (the search is not vacuous)."""
    secret = _solutions()
    line, _ = sorted(secret.items())[0]
    planted = tmp_path / "planted.html"
    planted.write_text(f"<html><body><pre><span>{line[:5]}</span>{line[5:]}</pre></body></html>", encoding="utf-8")
    assert line in artefact_text(planted)
