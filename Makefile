# A new user needs two commands: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: demo test lint install install-test messages screenshots clean

$(VENV)/.installed: pyproject.toml setup.py src/zoneops/hj212/_speedups.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make demo: install, migrate (SQLite under var/), load the demo zone and serve it.
demo: install
	$(BIN)/zoneops compile_translations >/dev/null
	$(BIN)/zoneops demo --host $(HOST) --port $(PORT)

## make test: the whole suite (unit, API, permission matrix, gateway, browser). DATABASE_URL
## picks the database (default SQLite); the browser tests need Debian's chromium.
test: install-test
	./scripts/ensure-chromium
	$(BIN)/zoneops compile_translations >/dev/null
	$(BIN)/python -m pytest -q

lint: install-test
	$(BIN)/ruff check .

## make messages: refresh the translation catalogues after changing user-facing strings.
messages: install-test
	cd src/zoneops && ../../$(BIN)/zoneops makemessages -l zh_Hans -l en --no-obsolete
	$(BIN)/zoneops compile_translations

## make screenshots: refresh docs/user-guide/img from the browser tests.
screenshots: install-test
	./scripts/ensure-chromium
	ZONEOPS_SCREENSHOTS=$(CURDIR)/docs/user-guide/img $(BIN)/python -m pytest -q tests/browser

clean:
	rm -rf $(VENV) var .pytest_cache
