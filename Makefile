# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAREHOUSE ?= var/warehouse.duckdb

# Debian packages the tests need: espeak-ng speaks the test recordings; chromium is the headless
# browser the dashboard tests drive (Playwright cannot download its own browser here).
SYSTEM_PACKAGES := espeak-ng chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-deps demo test lint typecheck unit clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

system-deps:
	@{ command -v espeak-ng && test -x /usr/bin/chromium; } >/dev/null || { echo "installing Debian packages: $(SYSTEM_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); }

# Analyse the shipped sample calls into the embedded warehouse and print a summary.
# Re-running it changes nothing: unchanged calls are skipped.
demo: $(STAMP)
	$(BIN)/empathy-dial run samples/calls --warehouse $(WAREHOUSE) --no-progress
	@echo "Open the dashboard: $(BIN)/empathy-dial dashboard --warehouse $(WAREHOUSE)  (serves http://127.0.0.1:8501)"

lint: $(STAMP)
	$(BIN)/ruff check pipeline dags tests benchmarks
	$(BIN)/ruff format --check pipeline dags tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy pipeline

unit: $(STAMP) system-deps
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
