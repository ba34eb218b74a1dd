# Two commands on a fresh Debian machine:
#   make run    set up, migrate SQLite, load the ITA catalogue and demo, serve on 127.0.0.1:8000
#   make test   set up the same environment and run the whole test suite, the real-browser
#               journeys in tests/e2e included (Debian's chromium is installed for them)
#               (uses DATABASE_URL when set, e.g. postgres://postgres@127.0.0.1:5432/ita_test)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# WeasyPrint needs Pango/HarfBuzz (and hb-subset to subset fonts fast); poppler-utils gives pdftotext/pdffonts for the PDF tests;
# gettext gives msgfmt for compilemessages.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
	poppler-utils gettext
# The browser tests (tests/e2e) drive Debian's Chromium through Playwright; no browser is ever
# downloaded (never run `playwright install`). LibreOffice (headless Writer) opens every Word file
# the portal writes, in tests/documents/test_docx.py.
E2E_APT_PACKAGES := chromium libreoffice-writer-nogui

DOC_DB := /tmp/ita-doc-comparisons.sqlite3

.PHONY: run run-services test e2e guide-images doc-comparisons setup system-deps e2e-deps lint format check clean lock

# Links in e-mails and the ITAS list follow the address served (SITE_URL, unless set).
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL

# Quiet until the end, which prints the address and the demo logins (nothing else).
run: setup
	@$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py load_framework -v0
	@$(BIN)/python manage.py collectstatic --noinput -v0
	@EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(BIN)/python manage.py load_demo -v0
	@DEBUG=$${DEBUG:-false} $(BIN)/python manage.py serve_demo $(HOST):$(PORT)

# The same portal on real services: PostgreSQL, Redis (cache and Celery broker) and a Celery
# worker process (docs/deploy.md). Needs both running on 127.0.0.1 (DEVELOPERS.md).
SERVICES_DB ?= ita_portal
SERVICES_ENV = DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(SERVICES_DB) \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1 \
	REDIS_URL=redis://127.0.0.1:6379/2 CELERY_TASK_ALWAYS_EAGER=false

run-services: setup
	psql -h 127.0.0.1 -U postgres -d postgres -tc "SELECT 1 FROM pg_database WHERE datname='$(SERVICES_DB)'" | grep -q 1 \
	  || psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE "$(SERVICES_DB)"'
	$(SERVICES_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVICES_ENV) $(BIN)/python manage.py load_framework
	$(SERVICES_ENV) $(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "ITA Portal on PostgreSQL + Redis + a Celery worker: http://$(HOST):$(PORT)/"
	$(SERVICES_ENV) $(BIN)/celery -A ita_portal worker -l info --concurrency 2 & worker=$$!; \
	  trap "kill $$worker" EXIT INT TERM; \
	  $(SERVICES_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup e2e-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# Only the browser journeys; screenshots go to tests/e2e/artifacts/<journey>/.
e2e: setup e2e-deps
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# The user guide's screenshots, retaken from the demo in Chromium into docs/images/.
# Each document kind of the demo beside its seed, for docs/document-comparisons.md.
doc-comparisons: setup
	rm -f $(DOC_DB) && DATABASE_URL=sqlite:///$(DOC_DB) $(BIN)/python manage.py migrate -v0
	DATABASE_URL=sqlite:///$(DOC_DB) $(BIN)/python manage.py load_demo > /dev/null
	DATABASE_URL=sqlite:///$(DOC_DB) $(BIN)/python manage.py compare_with_seeds --out docs/images/documents
	rm -f $(DOC_DB)

guide-images: setup e2e-deps
	ITA_GUIDE_IMAGES=docs/images $(BIN)/pytest -p no:randomly tests/e2e/test_guide_images.py \
	    tests/documents/test_survey_poster.py::test_the_guides_poster_image

setup: system-deps $(BIN)/.installed locale/th/LC_MESSAGES/django.mo

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    command -v sudo >/dev/null || { echo "Run as root or install sudo; needed:$$missing" >&2; exit 1; }; \
	    SUDO="sudo"; \
	  fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -qq update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Same check-then-install as system-deps, for the browser tests' packages.
e2e-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(E2E_APT_PACKAGES)"

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@echo "Installing the Python packages into $(VENV) (first run only)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Thai wording for Django's own messages (locale/th); .mo files are built, never committed.
locale/th/LC_MESSAGES/django.mo: locale/th/LC_MESSAGES/django.po locale/th/LC_MESSAGES/djangojs.po $(BIN)/.installed
	@$(BIN)/python manage.py compilemessages -l th --ignore=.venv -v0

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache tests/e2e/artifacts
