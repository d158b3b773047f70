# The two set-up commands: `make run` and `make test`. Everything the product needs is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := kyc.settings

.PHONY: run test setup venv system-deps

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Debian packages: fonts for the synthetic card generator, Chromium for the browser tests.
system-deps:
	@bash scripts/system-deps.sh

setup: venv system-deps
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

run: setup
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

test: setup
	$(BIN)/python -m pytest
