"""Live ipywidgets in the static HTML, offline: the embed-manager path.

The book's own chapters show bpcore scrubbers instead of widget views, so the
self-hosted ipywidgets embed manager is exercised here on a one-page book
built with the book's real configuration (_config.yml, _ext/, _vendor/): a
notebook whose output is a plain ipywidget with math in its label. In
Chromium, with every non-local request blocked, the widget must render, its
Font Awesome files must load from the book, and its label must be typeset by
MathJax 3 through the MathJax 2 shim (_ext/static/widgets/embed-setup.js) --
no console errors, no failed requests.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser_support import PageLog, chromium, serve

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOK_CELLS = [
    nbformat.v4.new_markdown_cell("# Widget check\n\nA live slider for the learning rate $\\eta$."),
    nbformat.v4.new_code_cell(
        "import ipywidgets as widgets\n"
        "widgets.VBox([widgets.FloatSlider(value=0.1, min=0, max=1, description=r'$\\eta$'),\n"
        "              widgets.HTMLMath(value=r'The step is $\\eta \\, \\nabla L$.')])"
    ),
]


@pytest.fixture(scope="module")
def widget_site(tmp_path_factory):
    if not (ROOT / "_vendor" / "widgets" / "embed-amd.js").exists():
        pytest.fail("_vendor/ is missing: run `make vendor` (make test does)")
    book = tmp_path_factory.mktemp("widget-book")
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    shutil.copytree(ROOT / "_ext", book / "_ext")
    (book / "_vendor").symlink_to(ROOT / "_vendor", target_is_directory=True)
    (book / "_toc.yml").write_text("format: jb-book\nroot: widgets\n")
    notebook = nbformat.v4.new_notebook(cells=NOTEBOOK_CELLS)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, book / "widgets.ipynb")

    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"the one-page book did not build:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return book / "_build" / "html"


def test_live_widget_renders_offline_with_math(widget_site):
    html = (widget_site / "widgets.html").read_text()
    assert "application/vnd.jupyter.widget-view+json" in html, "the page has no widget view to render"
    with serve(widget_site) as base, chromium() as browser:
        page = browser.new_page()
        log = PageLog(page, base)
        page.goto(f"{base}widgets.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        page.locator(".cell_output .widget-slider").first.wait_for(timeout=15000)
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        page.wait_for_timeout(500)
        assert page.locator(".cell_output .widget-hslider, .cell_output .widget-slider").count() >= 1
        typeset = page.locator(".cell_output .widget-htmlmath mjx-container, .cell_output .widget-label mjx-container")
        assert typeset.count() >= 1, "widget math was not typeset by MathJax 3"
        assert not log.problems, "\n".join(log.problems)
