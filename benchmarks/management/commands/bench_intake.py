from benchmarks.intake_pages import Command  # noqa: F401 - the command lives with its benchmark
