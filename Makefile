# Körpü: `make run` serves the demo; `make test` runs the whole suite against real PostgreSQL and Redis.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test lint check-services messages clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	PORT=$(PORT) $(PY) scripts/run_dev.py

check-services: install
	$(PY) scripts/check_services.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: check-services lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l az -l en --ignore=.venv --ignore=var
	$(PY) manage.py makemessages -d djangojs -l az -l en --ignore=.venv --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
