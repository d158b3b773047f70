# The two set-up commands, and the only ones README documents:
#   make run    set everything up, then serve the web site and the worker together (Ctrl-C stops both)
#   make test   the same set-up, then the whole test suite
# Every other target here is a step of those two. Nothing is meant to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
export DJANGO_SETTINGS_MODULE := kyc.settings
# Logs from the web server and the worker appear as they happen, not when a buffer fills.
export PYTHONUNBUFFERED := 1

.PHONY: run test setup system-deps

# Debian packages come first: on a fresh Debian 12 `python3 -m venv` needs python3-venv.
system-deps:
	@bash scripts/system-deps.sh

# The stamp is older than a requirements file after any change to it, so the install runs again.
# pip is not upgraded: it would be the one unpinned thing installed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | system-deps
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# collectstatic is part of the shared set-up so that tests see the static files the site serves.
setup: $(VENV)/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0

# bootstrap_admin and seed_demo do nothing once there is an admin / there are submissions, so a
# second `make run` keeps the data of the first.
run: setup
	$(MANAGE) bootstrap_admin
	$(MANAGE) seed_demo
	$(MANAGE) serve

test: setup
	$(BIN)/python -m pytest
