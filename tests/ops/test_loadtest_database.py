"""What the load test reports of PostgreSQL (loadtest/database.py): its CPU, live and ended
processes, and the database's transactions."""

import os
import time

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from loadtest.database import postgres_cpu_seconds, transactions


def _process(proc, pid, name, ppid, utime, stime, cutime=0, cstime=0):
    (proc / str(pid)).mkdir()
    # proc(5): pid (comm) state ppid pgrp session tty tpgid flags 4 fault counts, then times.
    fields = [ppid, 0, 0, 0, 0, 0, 0, 0, 0, 0, utime, stime, cutime, cstime, 20, 0]
    (proc / str(pid) / "stat").write_text(f"{pid} ({name}) S {' '.join(map(str, fields))}\n")


def test_the_cpu_is_every_postgres_process_and_the_ended_ones_the_postmaster_collected(tmp_path):
    tick = os.sysconf("SC_CLK_TCK")
    _process(tmp_path, 1, "init", 0, 7 * tick, 0, cutime=1000 * tick)
    _process(tmp_path, 10, "postgres", 1, 2 * tick, 1 * tick, cutime=30 * tick, cstime=5 * tick)
    _process(tmp_path, 11, "postgres", 10, 4 * tick, 2 * tick, cutime=99 * tick)  # a backend
    _process(tmp_path, 12, "python3", 10, 50 * tick, 50 * tick)
    (tmp_path / "self").mkdir()  # not a process number: passed over
    # The postmaster 3 + its reaped children 35 + the backend 6 (its own children: none real).
    assert postgres_cpu_seconds(tmp_path) == 44


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_the_transactions_count_what_a_session_did_once_it_ends():
    name = connection.settings_dict["NAME"]
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in ("host", "port", "user", "password", "dbname")
    }
    server = make_conninfo(**{k: v for k, v in params.items() if k != "dbname"})
    before = transactions(name, server)
    with psycopg.connect(**params, autocommit=True) as other:
        for _ in range(3):
            other.execute("SELECT 1")
    deadline = time.monotonic() + 10
    while transactions(name, server) < before + 3:  # an ending backend sends its counts
        assert time.monotonic() < deadline
        time.sleep(0.1)
