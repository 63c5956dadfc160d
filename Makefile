# kejin — two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
PYTEST := scripts/pytest.sh
export UV_LINK_MODE := copy
export UV_PYTHON_DOWNLOADS := never

.PHONY: help demo test deps system-deps lint test-sqlite test-postgres test-browser bench messages

help:
	@echo "make demo   — install, create the SQLite database, load the demo city, serve on :8000"
	@echo "make test   — lint, tests on SQLite and PostgreSQL, browser tests in headless Chromium"
	@echo "make bench  — the benchmarks in bench/ (figures go to docs/performance.md)"

deps: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	uv sync --frozen --quiet
	@touch $@

system-deps:
	@scripts/system-deps.sh

messages: deps
	$(PY) manage.py compilemessages -v0

demo: deps system-deps messages
	scripts/demo.sh

lint: deps
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=kejin.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=kejin.settings.test $(PY) manage.py check --fail-level WARNING

test-sqlite: deps messages
	$(PYTEST) -m "not browser" -n 2 -q

test-postgres: deps system-deps
	scripts/with-postgres.sh $(PYTEST) -m "not browser" -n 2 -q

test-browser: deps system-deps messages
	$(PYTEST) -m browser -q

test: system-deps deps lint test-sqlite test-postgres test-browser
	@echo "make test: all checks passed"

bench: deps
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done
