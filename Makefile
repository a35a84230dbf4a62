# recueil: `make demo` runs the main job on the sample corpus, `make test` runs the checks.
# Both create the virtual environment (.venv, Python 3.11+) and install into it first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_HOME ?= demo-home
RECUEIL := $(BIN)/recueil --home $(DEMO_HOME)

.PHONY: install tesseract demo serve test lint typecheck pytest docs bench bench-large bench-catalogue clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "recueil needs Python 3.11 or newer (set PYTHON=python3.12)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q -e ".[postgres,tantivy]" --group dev
	@$(MAKE) --no-print-directory tesseract
	touch $(STAMP)

install: $(STAMP)

# OCR of scanned pages: Tesseract with its French and orientation (osd) data, from
# Debian/Ubuntu packages when this machine allows it (root, or sudo without a password).
TESSERACT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd

tesseract:
	@if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>&1 | grep -qx fra \
		&& tesseract --list-langs 2>&1 | grep -qx osd; then \
		echo "Tesseract with French and osd data: already installed"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "Tesseract not installed (no apt-get here): install $(TESSERACT_PACKAGES) or equivalent; until then scanned pages are flagged and \`recueil ocr\` reads them later"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TESSERACT_PACKAGES); } >/dev/null \
		|| echo "Tesseract could not be installed with apt-get: scanned pages will be flagged until it is"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		{ sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TESSERACT_PACKAGES); } >/dev/null \
		|| echo "Tesseract could not be installed with sudo apt-get: scanned pages will be flagged until it is"; \
	else \
		echo "Tesseract not installed (needs root): sudo apt-get install $(TESSERACT_PACKAGES); until then scanned pages are flagged and \`recueil ocr\` reads them later"; \
	fi

demo: install
	rm -rf $(DEMO_HOME)
	@echo "== 1. Ingest the sample corpus: extract, tag, index (some files are broken on purpose)"
	$(RECUEIL) ingest corpus/ ; test $$? -le 1
	@echo "== 2. What failed, and why"
	$(RECUEIL) runs 1 --failed
	@echo "== 3. The catalogue"
	$(RECUEIL) list
	@echo "== 4. The 11 themes, with their document counts"
	$(RECUEIL) themes --counts
	@echo "== 5. Tagging measured against the hand labels of corpus/gold.jsonl"
	$(RECUEIL) eval corpus/gold.jsonl
	@echo "== 6. Searches"
	$(RECUEIL) search "petite enfance" --limit 3
	$(RECUEIL) search décrochage --theme perseverance --sort date --limit 3
	$(RECUEIL) search PRE --limit 3
	$(RECUEIL) search "parents" --cite Roubaix --limit 2
	$(RECUEIL) search numérique --year 2022 --csv --no-passage
	$(RECUEIL) search "parentalite" --facets
	$(RECUEIL) index info

# The search site on the demo home (run `make demo` first): http://127.0.0.1:8000/
SERVE_PORT ?= 8000

serve: install
	@test -d $(DEMO_HOME) || { echo "No $(DEMO_HOME): run \`make demo\` first"; exit 1; }
	$(RECUEIL) serve --port $(SERVE_PORT)

test: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest

# docs/cli.md is generated from the commands; `make test` fails when it is out of date.
docs: install
	$(BIN)/python -m recueil.cli_reference docs/cli.md

# Benchmark (docs/performance.md): generated corpus cached in bench-out/. Full stages on
# 200 files (20 PDFs), index and queries at 200 and 5,000 documents: under 15 minutes on
# 2 cores, generation included. The issue's sizes: `make bench BENCH_SIZES=1000,10000`.
BENCH_SIZES ?= 200,5000

bench: install
	$(BIN)/python -m recueil.bench --sizes $(BENCH_SIZES) --out bench-out/report.md
	$(BIN)/python scripts/bench_web.py --sizes $(BENCH_SIZES) --out bench-out/web.md

# The search-speed targets at network scale: index, queries, one command and sync only,
# on a generated catalogue of BENCH_LARGE documents (cached in bench-out/; the issue's
# size is 20,000 documents of 1,500 words; with 2,000 for the Whoosh targets, about 4 minutes
# on an idle 2-core machine once the catalogues are generated).
BENCH_LARGE ?= 2000,20000

bench-large: install
	$(BIN)/python -m recueil.bench --index-only --sizes $(BENCH_LARGE) --words 1500 \
		--out bench-out/report-large.md

# The catalogue path alone: `ingest --no-tag --no-index` of BENCH_SMALL small text files
# and of one records file of BENCH_RECORDS notices, beside a bare read + hash + bulk insert
# (a minute or two on 2 cores).
BENCH_SMALL ?= 2000
BENCH_RECORDS ?= 2000

bench-catalogue: install
	$(BIN)/python -m recueil.bench --catalogue-only --small $(BENCH_SMALL) \
		--records $(BENCH_RECORDS) --out bench-out/report-catalogue.md

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache
