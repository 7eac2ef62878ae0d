from benchmarks.tablet import run
from benchmarks.throwaway import ThrowawayBench


class Command(ThrowawayBench):
    help = "Time the tablet's section page and autosave: lookups compiled once, or by the ORM."
    default_runs = 40
    run = staticmethod(run)
