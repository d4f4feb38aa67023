# Rapport: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/build -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/package.json frontend/package-lock.json \
	$(wildcard frontend/tsconfig*.json)

.PHONY: run test install install-dev frontend lint typecheck pytest bench clean

## run: set everything up, migrate, seed the demo event, build the PWA and serve on $(HOST):$(PORT)
run: install frontend
	$(BIN)/rapport db upgrade
	$(BIN)/rapport demo
	@echo "Rapport is starting on http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/rapport serve --host $(HOST) --port $(PORT)

## test: install what tests need, then lint, type-check and run the whole suite
test: install-dev frontend lint typecheck pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
frontend: frontend/dist/index.html

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	npm --prefix frontend ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	npm --prefix frontend run build

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev frontend
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: the door's benchmark on the local PostgreSQL (bench/checkin_pg.py; BENCH_ARGS=...);
## installs wrk, the HTTP load generator (Debian package wrk), if it is missing
bench: install-dev
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package) for the benchmark"; \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }
	$(BIN)/python bench/checkin_pg.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist .pytest_cache .mypy_cache .ruff_cache
