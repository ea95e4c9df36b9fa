# One entry point for routine work. `make run` and `make test` are all a fresh machine needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per core (the machines have 2).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
export CAPUY_ENV ?= development

.PHONY: install run worker test lint fmt check browser clean bench-foundation

$(BIN)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import django, setuptools" 
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

## make run: migrate the embedded SQLite database, load the demo province if empty, start the
## task worker and the server on http://127.0.0.1:8000
run: install
	$(BIN)/capuy migrate --noinput
	$(BIN)/capuy demo --if-empty
	@echo "capuy: http://$(HOST):$(PORT)/  (Ctrl-C to stop; mã xác thực: $(BIN)/capuy demo_otp)"
	@set -e; $(BIN)/capuy db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/capuy runserver $(HOST):$(PORT)

## make test: lint, migration check and the whole suite, browser tests included
test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	CAPUY_ENV=test $(BIN)/capuy makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

browser:
	@sh scripts/ensure-browser

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	CAPUY_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=capuy.example.vn $(BIN)/capuy check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
