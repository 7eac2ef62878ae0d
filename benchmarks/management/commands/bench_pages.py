from benchmarks.pages import run
from benchmarks.throwaway import ThrowawayBench


class Command(ThrowawayBench):
    help = "Time a client's page, the screening page and submit against a bare PK select."
    default_runs = 200
    run = staticmethod(run)
