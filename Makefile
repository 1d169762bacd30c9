# kapcare: `make demo` runs the demo, `make test` runs every check. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST := $(BIN)/python -m pytest
# PostgreSQL used by `make test`; CI sets KAPCARE_REQUIRE_POSTGRES=1 so that an unreachable server fails.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/kapcare
CHROMIUM ?= /usr/bin/chromium
ARGS ?=
# Checks read settings; give them a throwaway key so no real secret is needed.
export KAPCARE_SECRET_KEY ?= make-checks-only-not-a-real-secret

.DEFAULT_GOAL := help
.PHONY: help install demo test lint fmt typecheck imports test-sqlite test-postgres test-e2e test-fast bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 is required: install python3.11 (Debian: apt-get install python3.11 python3.11-venv)"; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || { echo "kapcare needs Python 3.11; $(PYTHON) is $$($(PYTHON) --version). Set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install kapcare with its pinned dependencies

demo: install ## Run the demo clinic on SQLite (ARGS="--reset" starts over, "--port 8001" moves it)
	$(BIN)/kapcare demo $(ARGS)

test: install lint typecheck imports test-sqlite test-postgres test-e2e ## Every check: lint, types, import contract, SQLite, PostgreSQL, browser
	@echo "All checks passed."

test-fast: install ## Unit and HTTP tests on SQLite only
	$(PYTEST) -m "not e2e" -q $(ARGS)

lint: install ## ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: install ## Format and autofix with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: install ## mypy with django-stubs
	$(BIN)/mypy

imports: install ## import-linter: kapcare.clinical stays free of Django and the apps
	$(BIN)/lint-imports

test-sqlite: install ## pytest on SQLite (no browser)
	$(PYTEST) -m "not e2e" -q

test-postgres: install ## pytest on PostgreSQL (skipped locally when unreachable; required in CI)
	@if $(BIN)/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1].replace("/kapcare", "/postgres"), connect_timeout=3).close()' "$(TEST_POSTGRES_URL)" 2>/dev/null; then \
		DATABASE_URL="$(TEST_POSTGRES_URL)" $(PYTEST) -m "not e2e" -q; \
	elif [ "$$KAPCARE_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is required but not reachable at $(TEST_POSTGRES_URL)"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(TEST_POSTGRES_URL): PostgreSQL tests skipped (set TEST_POSTGRES_URL, or start it: pg_ctlcluster 15 main start)"; \
	fi

test-e2e: install ## Browser tests (Playwright driving Debian's chromium, headless)
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils; \
		else \
			echo "Browser tests need Debian's chromium at $(CHROMIUM) and pdftoppm: run 'sudo apt-get install chromium fonts-dejavu-core poppler-utils' (or set CHROMIUM=/path/to/chromium)"; exit 1; \
		fi; \
	fi
	KAPCARE_CHROMIUM="$(CHROMIUM)" $(PYTEST) -m e2e -q

bench: install ## Benchmarks: ARGS="--database postgres --patients 1000 --scale 10 --seconds 5"
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then apt-get install -y -qq wrk; else echo "bench needs wrk: sudo apt-get install wrk"; exit 1; fi; }
	$(BIN)/python bench/run.py $(ARGS)

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --no-emit-find-links --no-emit-index-url --no-header -o requirements.lock pyproject.toml

clean: ## Remove the virtualenv and local databases
	rm -rf $(VENV) var .mypy_cache .ruff_cache
