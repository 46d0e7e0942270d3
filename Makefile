# Two entry points: `make serve` (build if needed, then serve on the embedded store)
# and `make test` (everything CI checks). Both create .venv and install what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint build check system-deps clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Debian packages: Java + OWL API (HermiT via owlready2, the OWL API DL check) and
# Chromium (browser tests). Installed only when missing.
system-deps:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v javac >/dev/null || missing="$$missing default-jdk-headless"; \
	[ -e /usr/share/java/owlapi-distribution.jar ] || missing="$$missing libowlapi-java"; \
	[ -e /usr/share/java/jaxb-api.jar ] || missing="$$missing libjaxb-api-java"; \
	command -v chromium >/dev/null || missing="$$missing chromium chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

serve: system-deps $(STAMP)
	$(BIN)/cytoowl build --if-missing
	$(BIN)/cytoowl serve

build: system-deps $(STAMP)
	$(BIN)/cytoowl build

check: system-deps $(STAMP)
	$(BIN)/cytoowl build --check

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: system-deps $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache
