# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Serve when a Slack bot token is configured (environment or .env), else the no-secrets demo.
# `exec`: Ctrl-C reaches the app alone, which stops cleanly (no "make: *** Interrupt").
run: install
	@if [ -n "$$SLACK_BOT_TOKEN" ] || grep -qsE '^SLACK_BOT_TOKEN=[^[:space:]#]' .env; then \
		exec $(BIN)/importrun-bot serve; \
	else \
		exec $(BIN)/importrun-bot demo; \
	fi

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff format --check bot tests
	$(BIN)/ruff check bot tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format bot tests
	$(BIN)/ruff check --fix bot tests

bench: install
	$(BIN)/python -m bot.bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
