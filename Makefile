# The two commands of this repository (see README.md):
#   make book   set up .venv and the vendored assets, build the HTML book
#   make test   the same set-up, then every test: bpcore, nbval (twice: as is and
#               with numpy's optional CPU features off), the browser test
# and for instructors (chapters/appendix/instructors.md):
#   make student                  the student edition in _build/student/
#   make grade SUBMISSIONS=DIR    grade submitted notebooks (sandboxed) into DIR/grades.csv, ...
#   make pdf    the book as one PDF, _build/html/backprop-book.pdf (needs Chromium)
#
# Everything is installed on demand, so both work on a fresh machine with
# Python 3.11 and npm. Stamp files make a second run skip what is current.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check

CHAPTERS := $(sort $(wildcard chapters/*.ipynb))

.PHONY: book test notebooks student grade serve vendor setup setup-browser setup-test clean benchmarks lab pdf page-weight

# ---- set-up ---------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# bpcore is installed editable after the pinned packages; `--no-deps` keeps
# pip from re-resolving what constraints.txt already fixed.
$(VENV)/.book-deps: $(BIN)/python requirements.txt requirements-book.txt constraints.txt pyproject.toml
	$(PIP) install -q -r requirements-book.txt -c constraints.txt
	$(PIP) install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(VENV)/.browser-deps: $(VENV)/.book-deps requirements-browser.txt
	$(PIP) install -q -r requirements-browser.txt -c constraints.txt
	touch $@

$(VENV)/.test-deps: $(VENV)/.browser-deps requirements-test.txt
	$(PIP) install -q -r requirements-test.txt -c constraints.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

_vendor/.stamp: node_modules/.package-lock.json tools/vendor_assets.py
	$(BIN)/python tools/vendor_assets.py
	touch $@

setup: $(VENV)/.book-deps
setup-browser: $(VENV)/.browser-deps
setup-test: $(VENV)/.test-deps
vendor: $(BIN)/python _vendor/.stamp

# ---- the book ---------------------------------------------------------------

# Everything the built pages are made from. bpcore is among them: the chapters
# print its numbers and draw its figures, so a change there must re-run them.
# Sphinx alone would not notice (it rebuilds only pages whose source changed),
# so any change rebuilds the whole book from a clean slate; an unchanged tree
# skips the build. tests/test_make.py checks both.
BOOK_INPUTS := _config.yml _toc.yml intro.md references.bib \
	$(shell find chapters _ext bpcore -type f -not -path '*/__pycache__/*' -not -path '*/.ipynb_checkpoints/*' -not -name '*.pyc' 2>/dev/null)

_build/html/.stamp: $(VENV)/.book-deps _vendor/.stamp $(BOOK_INPUTS)
	rm -rf _build/html _build/.doctrees _build/jupyter_execute
	$(BIN)/jupyter-book build . -W -n --keep-going
	touch $@

book: setup vendor _build/html/.stamp
	@echo
	@echo "The book is built and current. Open _build/html/index.html, or serve it with: make serve"

# The whole book as one PDF, printed by Debian's Chromium from the HTML book
# and written beside it, where the preface links it. Publish the site after
# `make pdf`, not after `make book` alone.
PDF := _build/html/backprop-book.pdf

$(PDF): _build/html/.stamp $(VENV)/.browser-deps tools/make_pdf.py tools/book_site.py
	$(BIN)/python tools/make_pdf.py

pdf: setup-browser book $(PDF)

# Bytes each page transfers on a first visit (tools/page_weight.py).
page-weight: setup-browser
	$(BIN)/python tools/page_weight.py

serve:
	$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 8000

# Re-run every chapter from a fresh kernel, top to bottom, and store the
# outputs (and widget state) in the notebooks; then regenerate the clean
# student notebooks in notebooks/ that Binder and Colab open. Commit both.
notebooks: setup
	$(BIN)/python tools/execute_notebooks.py $(CHAPTERS)
	$(BIN)/python tools/student_edition.py notebooks

# ---- the student edition and grading -----------------------------------------

# _build/student/notebooks (no solutions, no MyST, executed: every check
# prints ✗ on its stub) and _build/student/html (solutions hidden).
student: setup vendor _build/student/.stamp

_build/student/.stamp: $(VENV)/.book-deps _vendor/.stamp $(BOOK_INPUTS) tools/student_edition.py tools/clean_notebook.py tools/editions.py
	$(BIN)/python tools/student_edition.py build
	touch $@

# Grade every .ipynb under SUBMISSIONS, each in its own bubblewrap sandbox
# (apt-get install bubblewrap), into SUBMISSIONS/grades.csv, gradebook.csv,
# canvas.csv, gradescope.csv and feedback/. GRADE_OPTIONS passes options,
# e.g. GRADE_OPTIONS="--only DIR/one.ipynb" to regrade one submission.
grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=DIR [GRADE_OPTIONS=...]"; exit 2; }
	@command -v bwrap >/dev/null || { echo "make grade needs bubblewrap: apt-get install bubblewrap"; exit 2; }
	$(BIN)/python tools/grade.py "$(SUBMISSIONS)" $(GRADE_OPTIONS)

# ---- tests ------------------------------------------------------------------

# The browser test reads _build/html and the leak test also the student
# edition, so both are built first (each only when its inputs changed).
# One pytest session runs everything on TEST_WORKERS processes (pytest-xdist;
# `--dist loadfile` keeps a notebook's cells, which share one kernel, on one
# worker), including nbval's second pass over the chapters with every
# optional numpy SIMD kernel off (tests/test_nbval_no_simd.py).
TEST_WORKERS ?= 2

# The PDF is printed once here (when the book changed); test_pdf.py and the
# leak test read it.
test: setup-test book student $(PDF)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

benchmarks: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf _build _vendor

# JupyterLab for running the chapters locally (not needed to build or test).
lab: setup
	$(PIP) install -q jupyterlab -c constraints.txt
	$(BIN)/jupyter lab chapters/
