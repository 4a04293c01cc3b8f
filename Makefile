# Tessera: `make run` starts the app, `make test` runs the whole suite. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tessera
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: install run test test-postgres test-sqlite lint format worker beat messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

install: $(BIN)/.installed messages

messages: $(BIN)/.installed
	@SECRET_KEY=build-only $(MANAGE) compilemessages --verbosity 0 --ignore=.venv

# Embedded default: SQLite, tasks in-process, demo data, DEBUG off (`make run DEBUG=true`
# turns it on), static files served by whitenoise, the secret key kept in var/secret_key.
run: export EMBEDDED = true
run: install
	@echo "[1/5] Database tables (the first run applies every migration)"
	@$(MANAGE) migrate --noinput --skip-checks
	@echo "[2/5] Built-in entity types"
	@$(MANAGE) sync_schemas --skip-checks
	@echo "[3/5] Demo data"
	@$(MANAGE) load_demo --skip-checks
	@echo "[4/5] Static files"
	@$(MANAGE) collectstatic --noinput --verbosity 0 --skip-checks
	@echo "[5/5] Starting the server"
	@echo ""
	@echo "  Tessera: http://$(HOST):$(PORT)/   log in as  admin / tessera-demo"
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

# Workers for the PostgreSQL pass of `make test`, each with its own test database and Redis
# database; `make test XDIST=` runs it in one process.
XDIST ?= -n auto --maxprocesses=4

# The whole suite on PostgreSQL with real Redis, then the SQLite smoke run.
test: install
	$(MAKE) test-postgres PYTEST_ARGS="$(XDIST) $(PYTEST_ARGS)"
	$(MAKE) test-sqlite

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=true \
	SECRET_KEY=test-only-secret $(BIN)/pytest $(PYTEST_ARGS)

test-sqlite:
	DATABASE_URL=sqlite:///$(CURDIR)/var/smoke.sqlite3 SECRET_KEY=test-only-secret \
	$(BIN)/pytest -m smoke $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A Celery worker and the beat scheduler (set REDIS_URL and DATABASE_URL first).
worker: install
	$(BIN)/celery -A project worker --loglevel=info

beat: install
	$(BIN)/celery -A project beat --loglevel=info

clean:
	rm -rf $(VENV) var db.sqlite3

# Benchmarks: ratios of product paths against hand-written baselines, printed as one table
# and written to tests/benchmarks/results.md. Uses its own PostgreSQL database, rebuilt only
# when it does not hold BENCH_ROWS persons yet (BENCH_FRESH=1 forces it). Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tessera_bench
BENCH_ROWS ?= 1000000
.PHONY: bench
bench: $(BIN)/.installed
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench DEBUG=false BENCH_ROWS=$(BENCH_ROWS) \
	DJANGO_SETTINGS_MODULE=tests.benchmarks.settings $(BIN)/python -m tests.benchmarks.run

# Load and fault tests: 4 gunicorn workers and a Celery worker on 127.0.0.1, 20 writers while
# the schema changes, a row lock during a change, the worker killed mid-import and
# mid-recompute. Drops and recreates its own database, empties its own Redis database, and
# prints the figures as its last lines (docs/testing.md). 3-4 minutes; not in `make test`.
SOAK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tessera_soak
SOAK_REDIS_URL ?= redis://127.0.0.1:6379/12
SOAK_PORT ?= 8700
.PHONY: soak
soak: $(BIN)/.installed
	SOAK_DATABASE_URL=$(SOAK_DATABASE_URL) SOAK_REDIS_URL=$(SOAK_REDIS_URL) SOAK_PORT=$(SOAK_PORT) \
	$(BIN)/python -m tests.soak.run
