# recueil: `make demo` runs the main job on the sample corpus, `make test` runs the checks.
# Both create the virtual environment (.venv, Python 3.11+) and install into it first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_HOME ?= demo-home
RECUEIL := $(BIN)/recueil --home $(DEMO_HOME)

.PHONY: install demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "recueil needs Python 3.11 or newer (set PYTHON=python3.12)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q -e ".[postgres,ocr,tantivy]" --group dev
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -rf $(DEMO_HOME)
	@echo "== Ingest the sample corpus (some files are broken on purpose: they must fail cleanly)"
	$(RECUEIL) ingest corpus/ ; test $$? -le 1
	@echo "== Per-file report of what failed, and why"
	$(RECUEIL) runs 1 --failed
	@echo "== Catalogue"
	$(RECUEIL) list

test: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
