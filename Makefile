# Strata: the two commands a new user needs are `make up` and `make test`.
# Only Python >= 3.11 and make are required; uv is installed into .tools/ if missing.

UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
PYTHON ?= python3

.DEFAULT_GOAL := help
.PHONY: help uv-hint install up test test-slow check docs bench bench-quick lint format down mutate

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv $(CURDIR)/.tools
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1"

# Bytecode is compiled once here: with PYTHONDONTWRITEBYTECODE set (as on some CI
# images), every `strata` process would otherwise compile its imports from source.
install: $(UV)  ## Create .venv with every package and tool, exactly as uv.lock pins them
	$(UV) sync --locked --compile-bytecode
	$(CURDIR)/.venv/bin/python -m compileall -q packages apps

up: install  ## Start the embedded PostgreSQL and migrate every app to head
	$(UV) run strata up
	@$(MAKE) --no-print-directory uv-hint

# The README's commands start with `uv run`; when uv lives only in .tools/, say how to reach it.
uv-hint:
	@command -v uv >/dev/null 2>&1 || printf '%s\n' \
	  'uv is not on your PATH; for the README'"'"'s `uv run ...` commands, run:' \
	  '  export PATH="$(CURDIR)/.tools/bin:$$PATH"' \
	  'or call the installed commands directly: .venv/bin/strata --help'

test: install  ## Run the whole test suite on a throw-away embedded PostgreSQL
	$(UV) run pytest -n 2

test-slow: install  ## The slow tests: `strata new-app` in a copy of the repository, then its check and tests (about 3 minutes)
	$(UV) run pytest -m slow -n 0

check: install  ## Prove every app (strata check), lint its migrations, and check the schema docs are current
	$(UV) run strata check
	$(UV) run strata lint
	$(UV) run strata docs --check

bench: install  ## Full benchmarks (about 5 minutes; 272 s in the last full run); results and plot into benchmarks/results/
	$(UV) run strata bench --save benchmarks/results

bench-quick: install  ## Every benchmark at small sizes, as a smoke test (asserts nothing about speed)
	$(UV) run strata bench --quick

docs: install  ## Regenerate docs/schema/ from the migrated schemas
	$(UV) run strata docs

lint: install  ## ruff (lint + format) and mypy --strict
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy packages/strata/src packages/strata/tests
	for app in apps/*/; do $(UV) run mypy $$app/src $$app/tests $$app/migrations/env.py || exit 1; done

format: install  ## Apply ruff's fixes and formatting
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

mutate: $(UV)  ## Mutation testing of the modules that carry promises (slow, not in test/CI); MUTATE="guard copy" picks some
	$(UV) run --locked --group mutation python mutation/run.py $(MUTATE)

down: $(UV)  ## Stop the embedded PostgreSQL (its data stays; `strata status` shows where)
	$(UV) run strata down
