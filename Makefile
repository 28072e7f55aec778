# The two commands of the README: `make demo` and `make test`. Both start with `make install`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL run of the suite; the machine's local server by default.
TELESERVICES_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install demo serve migrate test test-sqlite test-postgres chromium example-plugin contrib messages screenshots benchmark clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: install
	$(BIN)/teleservices migrate

demo: export TELESERVICES_DEV_MAILBOX = 1
demo: contrib migrate
	$(BIN)/teleservices demo
	$(BIN)/teleservices serve --host $(HOST) --port $(PORT)

serve: migrate
	$(BIN)/teleservices serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the end-to-end tests (Playwright cannot download its own browser here),
# and the DejaVu fonts the PDF letters are printed in (accents included).
chromium:
	@test -x /usr/bin/chromium && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

# A third-party plugin distribution, installed through its entry point like any other.
example-plugin: $(VENV)/.example-plugin
$(VENV)/.example-plugin: $(VENV)/.installed tests/plugin_example/pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e tests/plugin_example
	touch $@

# The distributions of contrib/ (the cahier de textes), installed with pip like a third party's.
contrib: $(VENV)/.contrib
$(VENV)/.contrib: $(VENV)/.installed contrib/teleservices-cahier-de-textes/pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e contrib/teleservices-cahier-de-textes
	touch $@

test: install chromium example-plugin contrib
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== Tests sur SQLite =="
	env -u TELESERVICES_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== Tests sur PostgreSQL ($(TELESERVICES_TEST_DATABASE_URL)) =="
	TELESERVICES_TEST_DATABASE_URL=$(TELESERVICES_TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Translations (core/i18n.py): every package keeps its own catalogs in <package>/locale/.
# `make messages` extracts the strings marked for translation (_(), gettext, ngettext, lazy_gettext
# in Python; _() and {% trans %} in templates) and brings each English catalog up to date: new
# strings appear with an empty msgstr to fill in, strings no longer used are dropped.
I18N_PACKAGES := core $(patsubst %/,%,$(dir $(wildcard plugins/*/__init__.py contrib/*/teleservices_*/__init__.py \
	tests/plugin_example/teleservices_*/__init__.py))) $(patsubst %/locale/en,%,$(wildcard themes/*/locale/en))
I18N_LANGUAGES := en
messages: install
	@for package in $(I18N_PACKAGES); do \
		pot=$$(mktemp); \
		$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
			-o $$pot $$package || exit 1; \
		for lang in $(I18N_LANGUAGES); do \
			$(BIN)/pybabel --quiet update -i $$pot -d $$package/locale -l $$lang --init-missing \
				--no-fuzzy-matching --ignore-obsolete --omit-header || exit 1; \
		done; rm -f $$pot; \
		printf '%-60s %s\n' "$$package/locale" "$$(grep -c '^msgid ' $$package/locale/en/LC_MESSAGES/messages.po) chaînes"; \
	done

# Refresh the README's screenshots (docs/screenshots/) from the end-to-end run.
screenshots: install chromium example-plugin
	TELESERVICES_SCREENSHOTS_DIR=docs/screenshots env -u TELESERVICES_TEST_DATABASE_URL $(BIN)/pytest tests/e2e/test_e2e_captures.py -q

benchmark: install
	$(BIN)/python bench/home_page.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
