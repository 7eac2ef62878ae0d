"""A benchmark's own test database, made for one run and dropped after it (bench_pdf,
bench_pages): the figures never touch, or depend on, a real database's rows."""

from collections.abc import Callable
from typing import Any

from django.test.utils import setup_databases, teardown_databases


def in_throwaway_db(run: Callable[..., Any], **kwargs: Any) -> Any:
    """`run(**kwargs)` in a fresh test database; what it returns."""
    old = setup_databases(verbosity=0, interactive=False)
    try:
        return run(**kwargs)
    finally:
        teardown_databases(old, verbosity=0)
