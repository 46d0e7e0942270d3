# Two entry points: `make serve` (build if needed, then serve on the embedded store)
# and `make test` (everything CI checks). Both create .venv and install what they need
# (the `analysis` extra: LIANA and CellPhoneDB, run on the exports by tests/test_analysis_tools.py).
PY ?= python3
# pytest workers (pytest-xdist): 2 is what the suite was measured with on a 2-core machine;
# JOBS=0 runs in this one process, JOBS=auto one worker per CPU.
JOBS ?= 2
PYTEST := pytest -q -n $(JOBS) --dist worksteal
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test quick lint build check system-deps assets clean

$(STAMP): pyproject.toml setup.py
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,analysis]'
	touch $(STAMP)

# Outside tools: Java + OWL API (HermiT via owlready2, the OWL API DL check) and Chromium
# (browser tests). Nothing is installed when they are present; on Debian the missing ones are
# installed with apt-get (sudo when not root); elsewhere each missing tool is named, one a line.
system-deps:
	@./scripts/system-deps.sh

# The query page's editor (YASGUI) from npm into the package's static folder; skipped when
# present, and when npm is missing (the page then falls back to its plain editor).
assets:
	@./scripts/assets.sh

serve: system-deps assets $(STAMP)
	$(BIN)/cytoowl build --if-missing
	$(BIN)/cytoowl serve

build: system-deps $(STAMP)
	$(BIN)/cytoowl build

check: system-deps $(STAMP)
	$(BIN)/cytoowl build --check

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts setup.py
	$(BIN)/ruff format --check src tests benchmarks scripts setup.py

test: system-deps assets $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts setup.py
	$(BIN)/$(PYTEST)

# The loop while working: every test but the `slow` ones (fixed facts of the release and the
# shapes proved again, browsers, engines, live servers, Java). `make test` runs them all.
quick: $(STAMP)
	$(BIN)/$(PYTEST) -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache web/node_modules src/cytoowl/serve/static/vendor
