# County Sports Desk — the two commands the README promises, and the benchmark.
#   make run    serve the app with demo data on http://127.0.0.1:$(PORT)
#   make test   run the whole test suite (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
#   make test-fast  the suite without the browser tests, on SQLite only (a quick check while working)
#   make bench  measure the main pages against a bare Flask page on a large synthetic data set

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PORT   ?= 5000

# Debian packages: WeasyPrint's text stack and the CJK fonts every PDF embeds;
# the tests also drive Chromium and read PDFs back with poppler.
RUN_PACKAGES  := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium poppler-utils

.PHONY: run test test-fast bench system-packages-run system-packages-test

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

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
	@echo "County Sports Desk: http://127.0.0.1:$(PORT)  (demo users in README.md)"
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

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
