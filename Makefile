# The two commands: `make run` starts the system, `make test` checks it. Nothing else by hand.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
export BODYCAM_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test install install-test lint format messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/bodycam migrate --noinput
	$(BIN)/bodycam demo --if-empty
	$(BIN)/bodycam serve

test: install-test
	scripts/test

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract the English catalogue after changing Chinese strings, then translate and compile.
messages: install-test
	cd src/bodycam && ../../$(BIN)/bodycam makemessages --locale en --no-obsolete --no-location
	cd src/bodycam && ../../$(BIN)/bodycam compilemessages --locale en
