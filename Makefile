# County Sports Desk — the two commands the README promises, and the benchmark.
#   make run    serve the app with demo data on http://$(HOST):$(PORT)
#   make worker run the background jobs (batch PDFs) in their own process, same environment as run
#   make test   run the whole test suite (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
#   make test-fast  the suite without the browser tests, on SQLite only (a quick check while working)
#   make bench  measure the main pages against a bare Flask page on a large synthetic data set
#   make load   50 clerks and supervisors saving, uploading and reading at once; errors and lost writes counted
#   make lock   recompile the lock files requirements.txt and requirements-dev.txt from the .in files

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PORT   ?= 5000
HOST   ?= 127.0.0.1
# The demo data's API token (app/demo/api_tokens.py), printed by `make run` for trying the API.
DEMO_TOKEN := demo-token-yangcheng-2026

# Debian packages: WeasyPrint's text stack and the CJK fonts every PDF embeds;
# the tests also drive Chromium and read PDFs back with poppler.
RUN_PACKAGES  := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils

.PHONY: run worker test test-fast bench load lock system-packages-run system-packages-test

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

# requirements.in / requirements-dev.in name the direct dependencies; requirements.txt and
# requirements-dev.txt lock the whole tree (pip-compile). Installs read only the lock files.
$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# Settings come from the environment or the make command line, the same for every target:
#   make run DATABASE_URL=postgresql+psycopg://user@host/db   make worker DATABASE_URL=...
# (README.md, Configuration). db upgrade and seed-demo do nothing when already done.

# Installs missing packages when running as root; otherwise prints the command and goes on.
define ensure_packages
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages. Please run:"; \
	    echo "  sudo apt-get install -y $$missing"; \
	  fi; \
	fi
endef

system-packages-run:
	$(call ensure_packages,$(RUN_PACKAGES))

system-packages-test:
	$(call ensure_packages,$(TEST_PACKAGES))

run: $(VENV)/.run-deps system-packages-run
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "County Sports Desk: http://$(HOST):$(PORT)  (demo users in README.md)"
	@echo "Demo API token (阳城县): $(DEMO_TOKEN)  docs: http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  try: curl -H 'Authorization: Bearer $(DEMO_TOKEN)' http://$(HOST):$(PORT)/api/v1/channels"
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Beside app processes started with JOBS_IN_PROCESS=0; on as many hosts as wanted. The schema must
# be migrated already (make run, or flask --app wsgi db upgrade).
worker: $(VENV)/.run-deps system-packages-run
	$(FLASK) worker

test: $(VENV)/.test-deps system-packages-test
	env -u TEST_DATABASE_URL $(PY) -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; \
	  $(PY) -m pytest -q; \
	fi

test-fast: $(VENV)/.test-deps system-packages-test
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -m "not browser"

bench: $(VENV)/.test-deps system-packages-test
	$(PY) -m bench

load: $(VENV)/.test-deps system-packages-test
	$(PY) -m bench.load --seconds $(or $(SECONDS),120)

# Pin every package again after editing a .in file. The dev lock is constrained by the runtime
# lock, so both install the same runtime versions. `make lock LOCK_ARGS=--upgrade` moves
# unpinned dependencies to their newest releases.
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --strip-extras \
	--allow-unsafe --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

lock: | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q pip-tools
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in
