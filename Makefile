# The two commands a new user needs: `make compare` and `make test`.
# Each creates what it needs first (.venv from the lock; per-implementation
# environments are created and cached by the harness itself on first use).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/bench.lock pyproject.toml | sha256sum | cut -c1-12)
# uv trusts its own certificate bundle, not the machine's: behind a proxy that the system's
# store trusts (pip and curl do, through it) it refused every download for a new user
export UV_SYSTEM_CERTS ?= 1
IMPLS := $(notdir $(patsubst %/requirements.in,%,$(wildcard pipelines/*/requirements.in)))

.PHONY: help setup compare verify test test-unit test-integration bench-core lint lock clean tutorials

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): requirements/bench.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "make: Python 3.11 is needed ($(PYTHON) is $$($(PYTHON) -V 2>&1)); run with PYTHON=python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check "uv==$$(sed -nE 's/^uv==(.*)/\1/p' requirements/bench.lock)"
	@$(BIN)/uv pip sync -q --python $(BIN)/python requirements/bench.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)  ## create .venv from requirements/bench.lock

compare: setup  ## run every implementation on MovieLens and compare them
	$(BIN)/bench compare

verify: setup  ## check that every implementation produces identical results
	$(BIN)/bench verify

test: setup lint  ## lint, unit tests, then integration tests on the real orchestrators
	$(BIN)/pytest tests/unit
	$(BIN)/pytest -m integration --durations=12 tests/integration pipelines  # and pipelines/NAME/test_NAME.py

tutorials: setup  ## open the course in JupyterLab (notebooks written from tutorials/*.py; its Python 3 kernel is .venv's)
	$(BIN)/bench tutorials build
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=tutorials

test-unit: setup  ## the fast tier only
	$(BIN)/pytest tests/unit

bench-core: setup  ## pytest-benchmark of the core steps (movielens-small, synthetic:1000000) and of the instrumentation
	$(BIN)/pytest tests/benchmarks --benchmark-enable --benchmark-only --benchmark-autosave

lint: setup  ## ruff (lint and format) and mypy (the kit and the results model)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

lock:  ## re-resolve every lock file (after editing a requirements .in file)
	$(BIN)/uv pip compile -q --python-version 3.11 requirements/bench.in -o requirements/bench.lock
	for impl in $(IMPLS); do \
	  $(BIN)/uv pip compile -q --python-version 3.11 pipelines/$$impl/requirements.in \
	    -c requirements/bench.lock -o pipelines/$$impl/requirements.lock; done

clean:  ## remove .venv (cached environments and datasets live in $$BENCH_HOME)
	rm -rf $(VENV)
