.PHONY: run test test-fast lint bench loadtest
run:   ## install, migrate, load rules and the demo clinic, serve on 127.0.0.1:8000
	scripts/run
test:  ## ruff, then the whole test suite on PostgreSQL
	scripts/test
test-fast:  ## the same without the browser tests (no Chromium); extra pytest args: make test-fast ARGS="-k kiosk --reuse-db"
	scripts/test -m "not browser" $(ARGS)
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy .
bench: ## benchmarks that print a table (see docs/PERFORMANCE.md)
	scripts/bench
loadtest: ## 30 tablets + 10 staff against gunicorn on a throw-away database (docs/PERFORMANCE.md)
	scripts/loadtest
