# Two commands do all the set-up: `make run` opens the console on a demo database,
# `make test` runs the whole test suite. Both create .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint format perf screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/helpdesk demo --if-empty
	$(BIN)/helpdesk

test: $(STAMP) lint
	$(BIN)/python -m pytest
	$(BIN)/python screenshots/generate.py --check

lint: $(STAMP)
	$(BIN)/ruff check helpdesk_tui tests screenshots
	$(BIN)/ruff format --check helpdesk_tui tests screenshots

format: $(STAMP)
	$(BIN)/ruff format helpdesk_tui tests screenshots
	$(BIN)/ruff check --fix helpdesk_tui tests screenshots

perf: $(STAMP)
	$(BIN)/python -m tests.perf

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

screenshots: $(STAMP)
	$(BIN)/python screenshots/generate.py
