from benchmarks.sessions import run
from benchmarks.throwaway import ThrowawayBench


class Command(ThrowawayBench):
    help = "Time a session load (and its user) with Django's store and with accounts.sessions."
    default_runs = 500
    run = staticmethod(run)
