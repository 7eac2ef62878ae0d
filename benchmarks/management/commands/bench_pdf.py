from benchmarks.pdf import run
from benchmarks.throwaway import ThrowawayBench


class Command(ThrowawayBench):
    help = "Time the session-summary PDF against WeasyPrint alone, and the cached re-download."
    default_runs = 15
    run = staticmethod(run)
