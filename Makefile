# The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
FLASK := $(BIN)/flask --app registry

.PHONY: run test install bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

instance/registry.db: | $(STAMP)
	$(FLASK) init-db --demo

run: $(STAMP) instance/registry.db
	$(BIN)/python -m registry.i18n
	@echo "演示用户见上方（或 README），密码均为 linzi-demo-2026"
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Issue 5: generates the district under bench/out (again when the generator, models or config change),
# measures each figure against a baseline from the same run, prints the table (bench/out/results.md).
bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/python -m ruff check registry tests bench

clean:
	rm -rf $(VENV) instance

# Regenerate the single initial migration from the models (nothing is deployed yet: after merging
# branches that add models, regenerate instead of stacking revisions). See README "Migrations".
.PHONY: migration
migration: $(STAMP)
	rm -f migrations/versions/*.py instance/migration-scratch.db
	FLASK_SQLALCHEMY_DATABASE_URI=sqlite:///migration-scratch.db $(FLASK) db migrate -m "initial schema" --rev-id 979fe68b61fc
	rm -f instance/migration-scratch.db

# Load test (issue 4): gunicorn, 4 workers, 50 simulated users for 60 s. LOAD_ARGS="--db-url postgresql+psycopg://…"
.PHONY: load
load: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/load.py $(LOAD_ARGS)
