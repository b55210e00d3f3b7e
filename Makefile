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

.PHONY: book test notebooks student grade serve vendor setup setup-test clean benchmarks lab pdf page-weight

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

$(VENV)/.test-deps: $(VENV)/.book-deps requirements-test.txt
	$(PIP) install -q -r requirements-test.txt -c constraints.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

_vendor/.stamp: node_modules/.package-lock.json tools/vendor_assets.py
	$(BIN)/python tools/vendor_assets.py
	touch $@

setup: $(VENV)/.book-deps
setup-test: $(VENV)/.test-deps
vendor: $(BIN)/python _vendor/.stamp

# ---- the book ---------------------------------------------------------------

book: setup vendor
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo
	@echo "Built. Open _build/html/index.html, or serve it with: make serve"

# The whole book as one PDF, printed by Debian's Chromium from the HTML book
# and written beside it, where the preface links it. Publish the site after
# `make pdf`, not after `make book` alone.
pdf: setup-test book
	$(BIN)/python tools/make_pdf.py

# Bytes each page transfers on a first visit (tools/page_weight.py).
page-weight: setup-test
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
student: setup vendor
	$(BIN)/python tools/student_edition.py build

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
# edition, so both are built first.
# The second run executes the chapters again with every optional numpy SIMD
# kernel this CPU has turned off and OpenBLAS forced to an old core (SSE3;
# OpenBLAS names its Prescott kernels "Katmai"), so an output that depends on
# the CPU fails here, not on a reader's machine. tools/cpu_features.py lists
# the features at run time (numpy refuses to disable one the CPU lacks) and
# reports what numpy and OpenBLAS really use.
NO_SIMD := NPY_DISABLE_CPU_FEATURES="$$($(BIN)/python tools/cpu_features.py)" OPENBLAS_CORETYPE=Prescott

test: setup-test book student
	$(BIN)/python -m pytest
	$(NO_SIMD) $(BIN)/python tools/cpu_features.py --report
	$(NO_SIMD) $(BIN)/python -m pytest chapters/

benchmarks: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf _build _vendor

# JupyterLab for running the chapters locally (not needed to build or test).
lab: setup
	$(PIP) install -q jupyterlab -c constraints.txt
	$(BIN)/jupyter lab chapters/
