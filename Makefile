# Two commands: `make run` (set up everything and serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo runs with DEBUG on and without the secretariat's second factor; production has both off/on.
DEMO_ENV := DEBUG=1 REVMOD_REQUIRE_SECRETARIAT_2FA=0

FONTS := var/fonts/fonts.css

.PHONY: run test test-db lint format setup fonts messages clean
# The browser tests drive Debian's Chromium (never a downloaded browser); `make test` installs
# the package when it is missing, as root or through sudo.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Fonts for PDF documents and pages (Arabic, Chinese): fetched from the npm registry at pinned versions and
# checksums (revmod/lib/fonts.py); again when that file changes.
$(FONTS): $(BIN)/.installed revmod/lib/fonts.py
	$(DEMO_ENV) $(BIN)/python manage.py fetchfonts
	touch $@

fonts: $(FONTS)

# The demo's settings in .env (read by revmod/settings.py for what the environment does not
# set), so that `manage.py` commands typed by hand find them too. An existing .env is kept.
.env:
	printf '# Written by make run for the demo (see .env.example); delete it to get it again.\nDEBUG=1\nREVMOD_REQUIRE_SECRETARIAT_2FA=0\n' > $@

setup: $(BIN)/.installed $(FONTS) .env
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py loadregistry
	$(DEMO_ENV) $(BIN)/python manage.py loadquestionnaire
	$(DEMO_ENV) $(BIN)/python manage.py loaddemo

# The worker (two loops: the outbox, e-mail printed on the console, and the machine
# translations) runs beside the server and stops with it.
run: setup
	@echo "revmod: http://127.0.0.1:$(PORT)/  (stop with Ctrl-C)"
	$(DEMO_ENV) $(BIN)/python manage.py runworker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

$(CHROMIUM):
	$(APT) install -y --no-install-recommends chromium || \
		($(APT) update && $(APT) install -y --no-install-recommends chromium)

# The suite in parallel, one worker per core, each with its own test database; a module's
# tests stay on one worker (--dist loadfile), so data a module shares is built once. The 15
# slowest tests are printed: the suite's time is a budget (docs/testing.md). Bytecode is cached
# even where the environment sets PYTHONDONTWRITEBYTECODE (this machine's does): without it
# every worker and every child process the tests start compiles and rewrites the project's
# modules again (about 20 s of collection per worker).
PYTEST := PYTHONDONTWRITEBYTECODE= REVMOD_ALLOW_INSECURE_KEY=1 $(BIN)/python -m pytest -n auto --dist loadfile --durations=15

test: $(BIN)/.installed $(FONTS) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(PYTEST)

# Only the tests that use a database: CI runs them again on PostgreSQL after `make test` on
# SQLite has run them all (a test without a database cannot differ between the two).
test-db: $(BIN)/.installed $(FONTS) $(CHROMIUM)
	$(PYTEST) --db-only

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Regenerate the message catalogues after changing strings (needs GNU gettext); the compiled
# .mo files are committed so a fresh machine needs no gettext.
messages: $(BIN)/.installed
	cd revmod && $(DEMO_ENV) ../$(BIN)/python ../manage.py makemessages --no-obsolete --no-location -l ar -l zh_Hans -l en -l fr -l ru -l es
	cd revmod && $(DEMO_ENV) ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
