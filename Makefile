# Körpü: `make run` serves the demo; `make test` runs the whole suite against real PostgreSQL and Redis.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# pytest-xdist processes for `make test`: one per core (each has its own test database and Redis key prefix).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

# Dummy values that only let `check --deploy` load the production settings; nothing connects with them.
DEPLOY_CHECK_ENV := DJANGO_SECRET_KEY=deploy-check-only-not-a-secret-0123456789abcdefghijklmnopq \
	DJANGO_ALLOWED_HOSTS=korpu.example.org \
	DATABASE_URL=postgres://korpu@db.invalid:5432/korpu \
	REDIS_URL=redis://redis.invalid:6379/0

.PHONY: install run test lint check-services check-deploy migrations-check messages clean

$(VENV)/.installed: requirements.txt tests/documents/s3rver/package-lock.json tests/browser/axe/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# s3rver, the S3 server that checks presigned URLs' expiry in tests/documents (needs Node.js and npm).
	if command -v npm >/dev/null; then npm ci --prefix tests/documents/s3rver --no-audit --no-fund --silent; fi
	# axe-core, the accessibility checker the browser tests run on every page (tests/browser/test_csp.py).
	if command -v npm >/dev/null; then npm ci --prefix tests/browser/axe --no-audit --no-fund --silent; fi
	# xmlsec1, which pysaml2 runs to check SAML signatures (Debian's package; root installs it, others are told).
	command -v xmlsec1 >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq --no-install-recommends xmlsec1; } \
		|| echo "install Debian's xmlsec1 package for SAML sign-in (apt-get install xmlsec1)"
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_demo
	PORT=$(PORT) $(PY) scripts/run_dev.py

# Standard library only, so it answers at once, before any install.
check-services:
	$(PYTHON) scripts/check_services.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

check-deploy: install
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING --settings=config.settings.production

# Only models against migration files; the history check against a database (which may not exist) is noise here.
migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -W "ignore:Got an error checking a consistent:RuntimeWarning" \
		manage.py makemigrations --check --dry-run

# check-services runs first and alone (also under -j): a missing service fails in a second, not after an install.
test: check-services
	@$(MAKE) --no-print-directory lint check-deploy migrations-check
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages -l az -l en --ignore=.venv --ignore=var
	$(PY) manage.py makemessages -d djangojs -l az -l en --ignore=.venv --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
