# qiankua — every target bootstraps uv (pip-installs it if missing) and the locked environment.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen --extra spark

.PHONY: help bootstrap sync demo test serve bench lint clean

help:
	@echo "make demo   — build the database, run the pipeline on the built-in Guizhou data, write out/report.html and out/report.xlsx"
	@echo "make test   — run the full test suite"
	@echo "make serve  — start the web app and REST API on http://127.0.0.1:8080"
	@echo "make bench  — run the benchmarks and print their tables"
	@echo "make lint   — ruff (lint + format check) and mypy over src/"

bootstrap:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv

sync: bootstrap
	@$(UV) sync --frozen --quiet --extra spark

demo: sync
	$(RUN) qiankua demo --out out

# pytest exits 5 when it collects no test: treat that as a failure so CI never passes silently
test: sync
	@$(RUN) pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

serve: sync
	$(RUN) qiankua serve --host 127.0.0.1 --port 8080

bench: bootstrap
	@$(UV) sync --frozen --all-groups --extra spark --quiet
	@for script in benchmarks/*.py; do echo "== $$script"; $(UV) run --frozen --all-groups python $$script || exit 1; done

# gates for CI: a lint error, a file the formatter would change or a type error fails the build
lint: sync
	$(RUN) ruff check src tests benchmarks scripts
	$(RUN) ruff format --check src tests benchmarks scripts
	$(RUN) mypy

clean:
	rm -rf out .pytest_cache .hypothesis qiankua.duckdb qiankua.duckdb.wal qiankua.duckdb.versions
