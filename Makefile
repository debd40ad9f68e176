# chengguan — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-sqlite test-postgres lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Create .venv, install, migrate, load the demo city, serve on 127.0.0.1:8000.
demo: $(STAMP)
	$(BIN)/chengguan demo

## Create .venv if needed and run every check and test, on SQLite and on PostgreSQL.
test: lint test-sqlite test-postgres

lint: $(STAMP)
	$(BIN)/ruff check chengguan benchmarks manage.py
	$(BIN)/ruff format --check chengguan benchmarks manage.py
	CHENGGUAN_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py makemigrations --check --dry-run
	CHENGGUAN_VAR_DIR=$$(mktemp -d) $(BIN)/python manage.py check --fail-level WARNING

# Browser tests (marked `browser`) drive Debian's chromium; they run once, on SQLite.
test-sqlite: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/pytest -q -p no:cacheprovider

test-postgres: $(STAMP)
	scripts/with-postgres $(BIN)/pytest -q -p no:cacheprovider -m "not browser"

## Regenerate the message catalogues and compile them (needs GNU gettext).
messages: $(STAMP)
	cd chengguan && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location \
		--ignore vendor --ignore tests --ignore migrations --settings chengguan.settings
	cd chengguan && ../$(BIN)/django-admin compilemessages --settings chengguan.settings

bench: $(STAMP)
	$(BIN)/python benchmarks/locate.py

clean:
	rm -rf $(VENV) var build *.egg-info
