"""What a load-test run made PostgreSQL do: its CPU seconds and its transactions.

    python -m loadtest.database usage DBNAME    prints "CPU_SECONDS TRANSACTIONS"

scripts/loadtest takes a reading before and after each run. The CPU is every live `postgres`
process's on the machine plus what the postmaster has collected from the ones that ended (a
backend's time is added to its parent's when it exits): autovacuum, the checkpointer and any
other database's backends count too, so the figure means something only on a machine that
runs nothing else. The transactions are the database's commits and
rollbacks; a statement outside a transaction (a health check's `SELECT 1`) counts as one.
Backends send their counts when they go idle, so the reading after a run waits for that.
"""

import os
import sys
import time
from pathlib import Path

import psycopg

# PostgreSQL 15 backends flush their statistics at most every 10 s while idle.
STATS_DELAY_S = 11


def _stat_fields(pid_dir: Path) -> list[str] | None:
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:  # the process ended between listing and reading
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    return [name, *text[text.rindex(")") + 2 :].split()]


def postgres_cpu_seconds(proc: Path = Path("/proc")) -> float:
    """CPU seconds of the machine's PostgreSQL: live processes and the reaped ones."""
    ticks = 0
    for pid_dir in proc.iterdir():
        if not pid_dir.name.isdigit():
            continue
        fields = _stat_fields(pid_dir)
        # fields[k] is proc(5)'s field k + 2: the name, state, ppid (2), ... utime (12),
        # stime (13), cutime (14), cstime (15), in clock ticks.
        if fields is None or fields[0] != "postgres":
            continue
        ticks += int(fields[12]) + int(fields[13])
        parent = _stat_fields(proc / fields[2])
        if parent is None or parent[0] != "postgres":  # the postmaster: its ended children
            ticks += int(fields[14]) + int(fields[15])
    return ticks / os.sysconf("SC_CLK_TCK")


def transactions(dbname: str, conninfo: str = "host=127.0.0.1 user=postgres") -> int:
    with psycopg.connect(conninfo, dbname="postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [dbname],
        ).fetchone()
    return int(row[0]) if row else 0


def main(argv: list[str]) -> None:
    if len(argv) != 2 or argv[0] != "usage":
        raise SystemExit(__doc__)
    time.sleep(STATS_DELAY_S)
    print(f"{postgres_cpu_seconds():.1f} {transactions(argv[1])}")


if __name__ == "__main__":
    main(sys.argv[1:])
