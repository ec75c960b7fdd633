# eakte — make run: start the embedded service; make test: the whole test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng ghostscript qpdf unpaper \
	pngquant libmagic1 poppler-utils fonts-dejavu-core fonts-urw-base35 postgresql openssl wngerman
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

OIDC_FIXTURE := tests/fixtures/oidc
AXE_FIXTURE := tests/fixtures/axe

.PHONY: install install-test system-deps browser-deps node-deps run worker test lint bench clean

system-deps: ## Debian packages: OCR tools, libmagic, fonts, German word list (search), PostgreSQL (tests)
	@missing=""; \
	for cmd in tesseract gs qpdf unpaper pngquant pdftoppm openssl; do \
		command -v $$cmd >/dev/null || missing="$$missing $$cmd"; done; \
	tesseract --list-langs 2>/dev/null | grep -qx deu || missing="$$missing tesseract-deu"; \
	tesseract --list-langs 2>/dev/null | grep -qx eng || missing="$$missing tesseract-eng"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	ldconfig -p | grep -q libmagic.so.1 || missing="$$missing libmagic"; \
	[ -e /usr/share/dict/ngerman ] || missing="$$missing wngerman"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages (missing:$$missing)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(SYSTEM_PACKAGES) </dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed

node-deps: ## Node.js and npm, for the tests' OpenID Connect provider (oidc-provider)
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		echo "installing system packages (missing: nodejs npm)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			nodejs npm </dev/null; \
	fi

browser-deps: ## Debian's Chromium for the web interface's browser tests (Playwright drives it)
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing system packages (missing: chromium)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium </dev/null; \
	fi

$(OIDC_FIXTURE)/node_modules/.installed: $(OIDC_FIXTURE)/package.json $(OIDC_FIXTURE)/package-lock.json | node-deps
	cd $(OIDC_FIXTURE) && npm ci --no-audit --no-fund
	touch $@

$(AXE_FIXTURE)/node_modules/.installed: $(AXE_FIXTURE)/package.json $(AXE_FIXTURE)/package-lock.json | node-deps
	cd $(AXE_FIXTURE) && npm ci --no-audit --no-fund
	touch $@

install-test: system-deps browser-deps $(VENV)/.installed-test \
	$(OIDC_FIXTURE)/node_modules/.installed $(AXE_FIXTURE)/node_modules/.installed

run: install ## Start the service on the embedded default (data in ./data or EAKTE_DATA_DIR)
	$(BIN)/eakte serve

worker: install ## Run separate worker processes (for PostgreSQL deployments)
	$(BIN)/eakte worker

test: install-test ## Run the whole test suite
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy api services workers file_plan
	$(BIN)/lint-imports

bench: install-test ## Benchmarks; they print tables, see README
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
