# Two commands on a fresh machine: `make figures` and `make test`. `make help` lists every target.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := two-new-party-building
# The environment is reinstalled only when the pins change: the stamp is keyed on their hash.
DEPS_HASH := $(shell cat pyproject.toml requirements-lock.txt | sha256sum | cut -c1-16)
STAMP := $(VENV)/.deps-$(DEPS_HASH)
# A corpus elsewhere: make figures MANIFEST=path/to/manifest.csv OUT=path/to/outputs
MANIFEST ?= data/raw/manifest.csv
OUT ?=
STRICT ?=
# Processes for the build and the notebook runner (`make figures JOBS=1`); default: the usable cores.
JOBS ?=
JOBS_ARG := $(if $(JOBS),--jobs $(JOBS),)

.PHONY: help setup data figures test lint lab bench clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
	@echo "  options: MANIFEST=path/to/manifest.csv (data, figures), OUT=folder for every output (data, figures, lab)"
	@echo "           STRICT=1 (data, figures): stop at a report no reader can read instead of leaving it out"

$(STAMP): pyproject.toml requirements-lock.txt
	@echo "Creating $(VENV) with $(PYTHON) and installing the pinned dependencies…"
	@rm -f $(VENV)/.deps-*
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements-lock.txt -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (two-new party-building)" >/dev/null
	$(VENV)/bin/nbstripout --install --attributes .gitattributes 2>/dev/null || true
	@touch $@

setup: $(STAMP) ## Create .venv with the pinned dependencies, the package and the Jupyter kernel

data: $(STAMP) ## Build data/processed/ (or OUT/processed) from the manifest (cached on content hashes)
	$(PY) -m helpers build --manifest "$(MANIFEST)" $(if $(OUT),--out "$(OUT)/processed") $(if $(STRICT),--strict) $(JOBS_ARG)

figures: data ## Execute every notebook headless; write figures/, build/notebooks/, build/html/ (or under OUT)
	$(PY) -m helpers notebooks $(if $(OUT),--out "$(OUT)") $(JOBS_ARG)

test: $(STAMP) ## Run the whole test suite
	$(PY) -m pytest

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

lab: $(STAMP) ## Open JupyterLab with the project kernel
	$(PY) -m helpers lab $(if $(OUT),--out "$(OUT)")

bench: data ## Benchmark the pipeline: benchmarks/results.md and results.json
	$(PY) benchmarks/run.py

clean: ## Remove generated data, build outputs and caches (keeps .venv)
	rm -rf data/processed data/interim build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
