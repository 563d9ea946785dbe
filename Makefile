# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WAREHOUSE ?= var/warehouse.duckdb

.PHONY: install demo test lint typecheck unit clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Analyse the shipped sample calls into the embedded warehouse and print a summary.
# Re-running it changes nothing: unchanged calls are skipped.
demo: $(STAMP)
	$(BIN)/empathy-dial run samples/calls --warehouse $(WAREHOUSE) --no-progress

lint: $(STAMP)
	$(BIN)/ruff check pipeline dags tests benchmarks
	$(BIN)/ruff format --check pipeline dags tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy pipeline

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
