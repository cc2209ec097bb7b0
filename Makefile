# make install | make run | make test   (see README.md)
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
ONNX := $(VENV)/share/listening/all-MiniLM-L6-v2.int8.onnx
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
TMPDIR_TESTS ?= /tmp/listening-tests

.PHONY: install run test test-sqlite test-postgres chromium lint bench clean translations

install: $(VENV)/.installed $(ONNX)

# torch first, pinned to the CPU build already on disk, so nothing pulls a CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The int8 ONNX encoder the app embeds with, exported once from the verified safetensors.
$(ONNX): $(VENV)/.installed
	$(BIN)/python -m listening.themes.pipeline.export_onnx --force $@

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) intake detect-languages
	$(FLASK) themes run --campaign sel-2023 --if-none --publish
	$(FLASK) themes run --campaign sel-2024 --if-none --publish
	$(BIN)/gunicorn -c gunicorn.conf.py --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) \
	  --access-logfile - wsgi:app

# Debian's Chromium (browser tests), redis-server (the RQ queue test starts its own), and
# pdftotext, Pango and fonts (the report's PDF is made by WeasyPrint and read back in tests).
chromium:
	@(command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium) && \
	  command -v redis-server >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-liberation fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 \
	    redis-server poppler-utils)

# The whole suite on SQLite and, when LISTENING_TEST_POSTGRES_URL is set (CI), again on
# PostgreSQL: the two runs go side by side (one per core), each with its own temporary
# directory, database and Redis (the PostgreSQL run starts a private redis-server), and each
# run's output is printed whole when it ends.
test: install chromium
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite:
	mkdir -p $(TMPDIR_TESTS)
	$(BIN)/pytest --basetemp=$(TMPDIR_TESTS)/sqlite $(PYTEST_ARGS)

test-postgres:
	@mkdir -p $(TMPDIR_TESTS)
	@if [ -n "$$LISTENING_TEST_POSTGRES_URL" ]; then \
	  echo "== the suite on PostgreSQL"; \
	  LISTENING_TEST_DATABASE_URL="$$LISTENING_TEST_POSTGRES_URL" LISTENING_TEST_REDIS_URL= \
	    $(BIN)/pytest --basetemp=$(TMPDIR_TESTS)/postgres $(PYTEST_ARGS); \
	else echo "(LISTENING_TEST_POSTGRES_URL unset: PostgreSQL run skipped; .ci/run sets it)"; fi

# ruff (lint + format) and vulture (dead code; see [tool.vulture] and vulture_whitelist.py).
lint: install
	$(BIN)/ruff check listening tests bench
	$(BIN)/ruff format --check listening tests bench
	$(BIN)/vulture

# Re-extract marked strings, merge them into every catalogue, compile the .mo files (committed).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --ignore-dirs='.* __pycache__' --no-location \
	  --sort-output --project listening -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics

bench: install
	$(BIN)/python bench/themes.py

clean:
	rm -rf $(VENV) instance/*.sqlite3*
