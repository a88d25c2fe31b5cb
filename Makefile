# alusim — two commands do everything on a fresh machine:
#   make run   create .venv, install alusim (with the dashboard), run the baseline scenario, write a report to out/
#              (the install compiles every module to bytecode and warms numba's kernel cache: python -m alusim.engine.warm)
#   make test  install test tools (and Debian's chromium for browser tests), run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
OUT ?= out

.PHONY: run test install install-dev chromium lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check uv

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[app]'
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m alusim.engine.warm
	touch $(STAMP)

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[dev,app,sweep]'
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m alusim.engine.warm
	touch $(STAMP) $(DEVSTAMP)

install: $(STAMP)
install-dev: $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/alusim data info
	$(BIN)/alusim costcurve --region CN --year 2025 --currency CNY --out $(OUT)/costcurve_cn_2025.html
	$(BIN)/alusim run --out $(OUT)/baseline

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and not root: browser tests will be skipped"; fi; }

test: $(DEVSTAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -n 2 -q -m "not e2e"
	$(BIN)/python -m pytest -q -p no:xdist -m e2e

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	$(BIN)/alusim bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
