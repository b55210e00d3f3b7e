"""The student edition and the clean notebooks (tools/editions.py,
tools/clean_notebook.py, tools/student_edition.py), on a synthetic book that
follows the chapter conventions and on the real chapters."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from editions_fixtures import ROOT, SECRET_LINES, make_book

sys.path.insert(0, str(ROOT / "tools"))
from clean_notebook import RAW_MYST, Book, clean_notebook  # noqa: E402
from editions import exercises, solution_cells, student_notebook  # noqa: E402
from student_edition import check_notebooks, chapters, clean_student, write_notebooks  # noqa: E402


CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"]
BOOK_URL = CONFIG["html"]["baseurl"].rstrip("/")


@pytest.fixture(scope="module")
def book_root(tmp_path_factory):
    return make_book(tmp_path_factory.mktemp("book"))


@pytest.fixture(scope="module")
def clean(book_root):
    book = Book(book_root)
    return {p.stem: clean_student(book, p) for p in chapters(book_root)}


def markdown(nb):
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_student_notebook_drops_solutions_keeps_stubs_and_checks(book_root):
    nb = nbformat.read(str(book_root / "chapters" / "01_alpha.ipynb"), 4)
    student = student_notebook(nb, "01_alpha")
    text = "\n".join(c.source for c in student.cells)
    for line in SECRET_LINES[:3]:
        assert line not in text
    assert "solution-start" not in text and "solution-end" not in text
    kinds = [t for c in student.cells for t in c.metadata.get("tags", [])]
    assert kinds.count("stub") == 2 and kinds.count("check") == 2 and "solution" not in kinds
    assert student.metadata["bpbook"] == {"chapter": "01_alpha", "edition": "student",
                                          "exercises": ["ex-alpha-bound", "ex-alpha-step"]}
    assert not solution_cells(student)
    # The original is untouched.
    assert any("solution" in c.metadata.get("tags", []) for c in nb.cells)


def test_a_forgotten_solution_tag_still_hides_the_cell(book_root):
    nb = nbformat.read(str(book_root / "chapters" / "01_alpha.ipynb"), 4)
    for cell in nb.cells:
        cell.metadata["tags"] = [t for t in cell.metadata.get("tags", []) if t != "solution"]
    text = "\n".join(c.source for c in student_notebook(nb, "01_alpha").cells)
    assert not any(line in text for line in SECRET_LINES)


def test_exercises_know_their_checks(book_root):
    nb = nbformat.read(str(book_root / "chapters" / "01_alpha.ipynb"), 4)
    found = exercises(nb)
    assert [e.label for e in found] == ["ex-alpha-bound", "ex-alpha-step"]
    assert found[1].check_sources == ["passed = bp.exercises.check_neuron_step(my_neuron_step)"]


def test_no_raw_myst_remains(clean):
    for name, nb in clean.items():
        nbformat.validate(nb)
        text = markdown(nb)
        assert not RAW_MYST.search(text), (name, RAW_MYST.search(text).group(0))
        assert "```" not in text and ":::" not in text


def test_glue_equations_and_references_render_as_the_book_does(clean):
    alpha, beta = markdown(clean["01_alpha"]), markdown(clean["02_beta"])
    assert "The value is 3.142;" in alpha                                  # glue with :.3f
    assert "\\tag{1}" in alpha and "By (1)," in alpha                      # eq label and ref
    assert "\\tag{2}" in beta and "Back to (1)" in beta                    # numbering runs on
    assert "$$\ng = h\n\\tag{3}\n$$" in beta and "Then (3) and $x^2$." in beta  # {math} directive and role
    assert "[Beta](02_beta.ipynb)" in alpha                                # chapter -> sibling notebook
    assert f"[the notes]({BOOK_URL}/chapters/appendix/notes.html)" in alpha
    assert "[Core idea](#Core-idea)" in alpha                              # {ref} to a section
    assert "[Fig. 1](#fig-alpha)" in alpha                                 # {numref}
    assert "[Mean squared error](02_beta.ipynb#ex-beta-mse)" in alpha      # {ref} to an exercise elsewhere
    assert f"the code is at {REPOSITORY}." in alpha                          # substitution
    assert "**Fig. 1.** A figure of (1)." in alpha                          # caption cell
    glued = next(c for c in clean["01_alpha"].cells if "attachment:alpha_plot.png" in c.source)
    assert glued.attachments["alpha_plot.png"] == {"image/png": "iVBORw0KGgo="}   # glue:figure
    assert '![A glued figure.](attachment:alpha_plot.png)\n\n<a id="fig-alpha-glued"></a>**Fig. 2.** A glued figure.' in glued.source
    assert "And [Fig. 2](#fig-alpha-glued) shows $x^2$." in alpha          # glue:math


def test_citations_admonitions_and_exercises(clean):
    alpha, beta = markdown(clean["01_alpha"]), markdown(clean["02_beta"])
    assert "([Huber, 1964](#ref-huber1964robust))" in alpha
    assert '<a id="ref-huber1964robust"></a>Peter J. Huber. Robust estimation of a location parameter.' in alpha
    assert "[Goodfellow et al. (2016)](#ref-goodfellow2016deep)" in beta
    assert "> **Note**\n>\n> A note about (1)." in alpha
    assert "> **Warning: Careful**" in alpha
    assert "### Exercise 1 — The bound" in alpha and "### Exercise 2 — One step" in alpha
    assert "### Exercise 3 — Mean squared error" in beta
    assert "Solution" not in alpha


def test_first_cell_installs_bpcore_from_the_configured_repository(clean):
    first = clean["01_alpha"].cells[0]
    assert first.cell_type == "code"
    assert f"try:\n    import bpcore\nexcept ImportError:\n    %pip install -q git+{REPOSITORY}" in first.source
    imports = clean["01_alpha"].cells[2].source
    assert "from myst_nb import glue\nexcept ImportError:" in imports


def test_a_student_notebook_runs_and_every_check_says_not_yet(book_root, tmp_path):
    """Executed as a student gets it: no error, and each check prints ✗."""
    from nbclient import NotebookClient

    path = tmp_path / "01_alpha.ipynb"
    write_notebooks(book_root, tmp_path)
    nb = nbformat.read(str(path), 4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    checks = [c for c in nb.cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) == 2
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert text.startswith("✗") and "✓" not in text


def test_committed_notebooks_are_current():
    """notebooks/ (what Binder and Colab open) is regenerated by `make notebooks`."""
    assert check_notebooks(ROOT, ROOT / "notebooks") == []


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_notebooks_have_no_myst_and_no_solutions(path):
    nb = nbformat.read(str(path), 4)
    nbformat.validate(nb)
    text = markdown(nb)
    assert not RAW_MYST.search(text), RAW_MYST.search(text).group(0)
    assert nb.metadata["bpbook"]["edition"] == "student"
    assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells)


def test_every_chapter_converts_without_raw_myst():
    book = Book(ROOT)
    for path in chapters(ROOT):
        nb = clean_notebook(book, f"chapters/{path.stem}", nbformat.read(str(path), 4))
        hit = RAW_MYST.search(markdown(nb))
        assert hit is None, (path.name, hit.group(0))


STUDENT = ROOT / "_build" / "student"
needs_student_build = pytest.mark.skipif(not (STUDENT / "html" / "index.html").exists(),
                                         reason="run `make student` first (make test does)")


@needs_student_build
@pytest.mark.parametrize("path", sorted((STUDENT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_built_student_notebooks_ran_and_checks_print_a_cross(path):
    """make student executed each notebook with the venv's kernel (what Binder
    installs: requirements.txt + bpcore): no cell raised, every check said ✗."""
    nb = nbformat.read(str(path), 4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip())
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert "✗" in text and "✓" not in text, cell.source


def _html_numbers(html: str):
    eqs = [int(n) for n in re.findall(r'class="eqno">\((\d+)\)', html)]
    exs = sorted({int(n) for n in re.findall(r'caption-number">Exercise (\d+)', html)})
    figs = sorted({int(n) for n in re.findall(r'caption-number">Fig\. (\d+)', html)})
    return eqs, exs, figs


@needs_student_build
@pytest.mark.parametrize("path", sorted((STUDENT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_numbers_match_the_html_book(path):
    html = (STUDENT / "html" / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
    text = markdown(nbformat.read(str(path), 4))
    eqs = [int(n) for n in re.findall(r"\\tag\{(\d+)\}", text)]
    exs = [int(n) for n in re.findall(r"^### Exercise (\d+) —", text, re.M)]
    figs = [int(n) for n in re.findall(r"^(?:<a id=\"[^\"]+\"></a>)?\*\*Fig\. (\d+)\.\*\*", text, re.M)]
    assert (eqs, exs, figs) == _html_numbers(html)


@needs_student_build
def test_launch_buttons_open_the_clean_notebooks():
    for html_dir in (ROOT / "_build" / "html", STUDENT / "html"):
        for path in chapters(ROOT):
            page = html_dir / "chapters" / f"{path.stem}.html"
            if not page.exists():
                continue
            html = page.read_text(encoding="utf-8")
            launch = re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"', html)
            assert launch, page
            assert all(f"/notebooks/{path.name}" in url for url in launch), launch
            assert (ROOT / "notebooks" / path.name).exists()


def test_the_download_button_serves_the_clean_notebook():
    html_dir = ROOT / "_build" / "html"
    assert (html_dir / "index.html").exists(), "build the book first (make book)"
    for path in chapters(ROOT):
        page = (html_dir / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]*_sources/chapters/[^"]*\.ipynb)"', page)
        assert links, f"{path.stem}: no .ipynb download link"
        served = (html_dir / "chapters" / links[0]).resolve()
        assert served.read_bytes() == (ROOT / "notebooks" / path.name).read_bytes(), \
            f"{path.stem}: the download button does not serve notebooks/{path.name}"
        assert "{glue:" not in served.read_text(encoding="utf-8")


@needs_student_build
def test_student_html_hides_solutions_and_downloads_student_notebooks():
    for path in chapters(ROOT):
        html = (STUDENT / "html" / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8")
        assert 'class="solution' not in html and "tag_solution" not in html
        download = STUDENT / "html" / "_sources" / "chapters" / path.name
        assert nbformat.read(str(download), 4).metadata["bpbook"]["edition"] == "student"


@pytest.mark.skipif(not (ROOT / "_build" / "html" / "index.html").exists(), reason="run `make book` first")
def test_the_nbgitpuller_example_link_opens_a_student_notebook():
    from html import unescape
    from urllib.parse import parse_qs, urlsplit

    html = (ROOT / "_build" / "html" / "chapters" / "appendix" / "instructors.html").read_text(encoding="utf-8")
    links = [unescape(h) for h in re.findall(r'href="([^"]*git-pull[^"]*)"', html)]
    assert links
    query = parse_qs(urlsplit(links[0]).query)
    assert query["repo"] == [REPOSITORY] and query["branch"] == [CONFIG["repository"]["branch"]]
    folder, path = query["urlpath"][0].removeprefix("lab/tree/").split("/", 1)
    assert folder == REPOSITORY.rstrip("/").split("/")[-1]
    assert (ROOT / path).exists() and path.startswith("notebooks/")


@needs_student_build
@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_the_executed_student_notebooks_are_the_committed_ones(path):
    """What make student ran (and the tests above inspect) is, cell for cell,
    what Binder and Colab open."""
    built = nbformat.read(str(STUDENT / "notebooks" / path.name), 4)
    committed = nbformat.read(str(path), 4)
    assert [(c.cell_type, c.source) for c in built.cells] == [(c.cell_type, c.source) for c in committed.cells]


def test_make_student_does_not_point_at_the_scratch_build_folder():
    # Jupyter Book's closing banner names _build/student/src/_build/html,
    # which holds no pages once the edition is moved to _build/student/html.
    from jupyter_book.utils import _message_box
    from student_edition import _without_banner

    log = "reading sources...\nbuild succeeded.\n" + _message_box(
        "Finished generating HTML for book.\nYour book's HTML pages are here:\n    src/_build/html/\n", doprint=False)
    assert _without_banner(log) == "reading sources...\nbuild succeeded.\n"
    assert _without_banner("no banner here\n") == "no banner here\n"


def test_a_citation_and_its_locator_share_one_pair_of_brackets():
    from clean_notebook import CITE_LOCATOR

    text = "([Nocedal and Wright, 2006](#ref-nw)) (Chapter 3); ([A, 1](#ref-a); [B, 2](#ref-b)) (Section 5.5)"
    assert CITE_LOCATOR.sub(r"\1, \2)", text) == \
        "([Nocedal and Wright, 2006](#ref-nw), Chapter 3); ([A, 1](#ref-a); [B, 2](#ref-b), Section 5.5)"
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):   # and the committed clean notebooks say so
        assert not CITE_LOCATOR.search(path.read_text(encoding="utf-8")), f"{path.name}: a citation in double brackets"
