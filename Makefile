.PHONY: run test lint bench
run:   ## install, migrate, load rules and the demo clinic, serve on 127.0.0.1:8000
	scripts/run
test:  ## ruff, then the whole test suite on PostgreSQL
	scripts/test
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
bench: ## benchmarks that print a table (see docs/PERFORMANCE.md)
	scripts/bench
