"""The Makefile's staleness rules: `make book` and `make student` rebuild
exactly when something they are made from changed.

The rules are asked, not run: each test lays out a scratch tree with the
real Makefile, sets file times, and asks `make -q` (exit 0: up to date) and
`make -n` (what it would do). The inputs that matter most are the ones
Sphinx cannot see: a change to bpcore changes what every chapter prints.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OLD, BUILT, NEW = 1_000_000_000, 1_000_000_100, 1_000_000_200

# A file of each kind that the book is made from, relative to the root.
INPUTS = ["_config.yml", "_toc.yml", "intro.md", "references.bib", "chapters/01_x.ipynb",
          "chapters/appendix/notation.md", "_ext/bpbook_sphinx.py", "_ext/static/book.css",
          "bpcore/losses.py", "bpcore/plots/curves.py", "bpcore/exercises/_core.py"]
SETUP = ["requirements.txt", "requirements-book.txt", "requirements-test.txt", "constraints.txt",
         "pyproject.toml", "package.json", "package-lock.json", "tools/vendor_assets.py",
         "tools/student_edition.py", "tools/clean_notebook.py", "tools/editions.py",
         ".venv/bin/python", ".venv/.book-deps", ".venv/.test-deps", "node_modules/.package-lock.json",
         "_vendor/.stamp"]
STAMPS = {"book": "_build/html/.stamp", "student": "_build/student/.stamp"}

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@pytest.fixture()
def tree(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for i, name in enumerate(SETUP + INPUTS):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        os.utime(path, (OLD + i, OLD + i))  # each set-up stamp newer than what it is made from
    for stamp in STAMPS.values():
        path = tmp_path / stamp
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        os.utime(path, (BUILT, BUILT))
    return tmp_path


def make(tree, *args):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=tree, capture_output=True, text=True)


@pytest.mark.parametrize("target", sorted(STAMPS))
def test_an_unchanged_tree_is_not_rebuilt(tree, target):
    assert make(tree, "-q", STAMPS[target]).returncode == 0


@pytest.mark.parametrize("changed", INPUTS)
@pytest.mark.parametrize("target", sorted(STAMPS))
def test_any_changed_input_rebuilds_from_scratch(tree, target, changed):
    os.utime(tree / changed, (NEW, NEW))
    assert make(tree, "-q", STAMPS[target]).returncode == 1, f"{changed} changed but {target} counts as current"
    plan = make(tree, "-n", STAMPS[target]).stdout
    if target == "book":
        assert "rm -rf _build/html _build/.doctrees _build/jupyter_execute" in plan  # no incremental Sphinx build
        assert "jupyter-book build" in plan
    else:
        assert "tools/student_edition.py build" in plan


def test_a_new_bpcore_module_counts_as_an_input(tree):
    new = tree / "bpcore" / "brand_new.py"
    new.write_text("")
    os.utime(new, (NEW, NEW))
    assert make(tree, "-q", STAMPS["book"]).returncode == 1


def test_a_failed_build_leaves_no_stamp():
    # The stamp is touched only after the build command succeeds: `make` stops
    # at the first failing command of a recipe, so a build with a warning (-W)
    # leaves the book out of date, and the next `make book` tries again.
    recipe = (ROOT / "Makefile").read_text().split("_build/html/.stamp:", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in recipe.splitlines()[1:]]
    assert lines[-1] == "touch $@" and any("jupyter-book build" in line and "-W" in line for line in lines[:-1])


def test_make_pdf_installs_the_browser_tools_not_the_test_toolchain(tree):
    (tree / ".venv" / ".test-deps").unlink()
    (tree / "requirements-browser.txt").write_text("")
    os.utime(tree / "requirements-browser.txt", (OLD, OLD))
    plan = make(tree, "-n", "pdf").stdout
    assert "-r requirements-browser.txt" in plan, plan
    assert "requirements-test.txt" not in plan, plan
