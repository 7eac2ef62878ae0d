"""gunicorn's settings for every server of this project: scripts/docker-start, scripts/loadtest
and `manage.py bench_first_request` run `gunicorn -c gunicorn.conf.py config.wsgi:application`
(gunicorn also reads ./gunicorn.conf.py by default when started from this directory).

The address, the number of workers and the log options stay on the command line; this file holds
what makes a worker answer its first request as fast as its tenth (docs/PERFORMANCE.md, "A
worker's first request"). It lives beside manage.py, outside the apps, because it composes them.
"""

import gc
import time

# The master imports the application (preload_app) and on_starting below warms it
# (config/warmup.py: every URL, view, template and translation) before forking; each worker
# starts with all of it in memory, shared copy-on-write, instead of loading it during its first
# requests. Nothing opened before the fork may be shared by the workers: the warm-up opens no
# database connection, and pre_fork closes, in the master, any that something else opened.
# With preload, `kill -HUP` restarts the workers on the code already loaded: a new release
# needs a restart of gunicorn (docker compose up does that), not a reload.
preload_app = True

warmed_in_ms: dict[str, float] = {}


def on_starting(server):
    """In the master, once, after the application is loaded and before the first fork."""
    if not server.cfg.preload_app:
        return  # no application in the master to warm: each worker loads its own
    from config.warmup import warm_up

    warmed_in_ms.update(warm_up())
    # What the master loaded stays as it is: the workers' garbage collector leaves it alone
    # (and so does not write to, and copy, the pages it shares with them). Python's gc docs,
    # gc.freeze().
    gc.freeze()


def pre_fork(server, worker):
    from django.db import connections

    # A connection open in the master would be one socket shared by every worker (and closing
    # it in a worker would end it for all). Closed here, before the fork; each worker opens
    # its own on its first query.
    for connection in connections.all(initialized_only=True):
        connection.close()


def post_worker_init(worker):
    """In each worker, after the fork: what needs the database."""
    from django.db import DatabaseError, connections
    from gunicorn.workers.sync import SyncWorker

    from config import statements
    from config.warmup import warm_connection, warm_requests
    from intake.presenters import prepare
    from rules.selectors import compile_rule_sets_in_use, compiled_catalogues

    start = time.perf_counter()
    # What got done before a step failed, if one does.
    rule_sets = questions = tables = lookups = 0
    pages: dict[str, int] = {}
    try:
        rule_sets = compile_rule_sets_in_use()
        questions = prepare(compiled_catalogues())
        tables = warm_connection()
        lookups = statements.warm()
        pages = warm_requests(worker.wsgi)
    except DatabaseError as error:  # not reachable yet: the first screening compiles them
        # The error's kind only: the driver's message names the database's host, port and user,
        # and gunicorn's log is not filtered as Django's is (docs/DEPLOY.md).
        worker.log.error(
            "could not compile the rule sets in use before the first request (%s)",
            type(error).__name__,
        )
    except Exception:  # a bug in a warm-up step: with its traceback, and the worker starts
        worker.log.exception("a warm-up step failed; the worker starts all the same")
    # A sync worker (the default) answers its requests in this thread, so its first request
    # finds the connection open (Django still closes it after CONN_MAX_AGE); a threaded
    # worker's requests run in threads of their own, which open theirs.
    if not isinstance(worker, SyncWorker):
        connections.close_all()
    took = ", ".join(f"{step} {ms:.0f}" for step, ms in warmed_in_ms.items()) or "nothing"
    worker.log.info(
        "worker ready (pid %s); warmed before the fork, ms: %s; %d rule sets compiled, "
        "%d questions prepared, %d tables read, %d compiled lookups run, pages %s asked for, "
        "in %.0f ms",
        worker.pid, took, rule_sets, questions, tables, lookups, pages or "not",
        (time.perf_counter() - start) * 1000,
    )  # fmt: skip
