# newsweave: two commands on a fresh machine with Python 3.11 (see README):
#   make demo   create .venv, install newsweave, ingest the sample corpus, list what it found (docs, stories, events)
#   make test   create .venv, install newsweave with its test tools, run the checks (make lint) and every test

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test test-pg test-fast lint install clean

# the pip the venv ships, not upgraded: what a new user has
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# newsweave alone (what the demo needs)
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# newsweave with the test tools, the browser driver, PostgreSQL's driver and Ray
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed

demo: $(VENV)/.installed-app
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newsweave --db sqlite:///$(DEMO_DB) ingest examples/sample
	$(BIN)/newsweave --db sqlite:///$(DEMO_DB) docs
	$(BIN)/newsweave --db sqlite:///$(DEMO_DB) stories
	$(BIN)/newsweave --db sqlite:///$(DEMO_DB) events
	$(BIN)/newsweave --db sqlite:///$(DEMO_DB) export --format jsonl --output $(DEMO_DB:.db=.jsonl)

# the code's own checks: lint (ruff), types (mypy), the layers' import contracts (import-linter)
lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# the checks, then every test, slow ones included (CI runs this)
test: lint
	$(BIN)/python -m pytest -m "slow or not slow"

# the tests that open a database (tests/conftest.py picks them), each in a database of its own on a
# PostgreSQL server (an admin URL), but those marked same_on_any_db (the database does not decide
# them: Ray against local on 1,000 texts)
PG_URL ?= postgresql+psycopg://newsweave:newsweave@127.0.0.1:5432/postgres
test-pg: install
	NEWSWEAVE_TEST_PG=$(PG_URL) $(BIN)/python -m pytest -m "(slow or not slow) and not same_on_any_db"

# the fast suite, for development
test-fast: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache $(DEMO_DB)* demo.jsonl
