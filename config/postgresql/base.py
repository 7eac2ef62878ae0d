"""Django's PostgreSQL backend with a health check that costs no round trip when it can.

With CONN_HEALTH_CHECKS on, Django's backend sends `SELECT 1` before the first query of every
request, to find a connection the server dropped since the last one (a restart, a killed
backend, an idle timeout). That is one more round trip on every request, each a switch to the
database's process and back: a quarter of the database's transactions in the load test
(docs/PERFORMANCE.md, "The health check").

A server that ends a connection says so (a FATAL message, then the socket closes), and both
make the idle socket readable. So a connection that was used less than a second ago, is idle
and in a good state, and has nothing waiting on its socket is usable without asking. Anything
else is asked with Django's own `SELECT 1`: something waiting, a transaction left open, an
error since the last commit, or a second or more without use, which is when something between
the app and the database may have forgotten the connection without a word (a NAT gateway or a
firewall after its idle timeout; a failover that moved the database's address), so that only
the next packet finds out. A busy worker uses its connection many times a second and so skips
the question; a quiet one asks, as Django does.

What is left: a failover in the second after a connection's last use is found by the
request's first query, which fails (a 503 that loses nothing: the tablet keeps its draft and
sends it again); the next request reconnects. A network that silently stopped carrying packets
is found by neither check any sooner than TCP's timeout.
"""

import select
import time

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

# How long a connection may go unused and still be taken without asking (seconds). Idle
# timeouts of the boxes that forget connections are tens of seconds or more.
ASK_AFTER_IDLE_S = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    last_used = 0.0  # time.monotonic() of the last cursor made on this connection

    def create_cursor(self, name=None):
        self.last_used = time.monotonic()
        return super().create_cursor(name)

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if (
            self.errors_occurred
            or pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
            or time.monotonic() - self.last_used >= ASK_AFTER_IDLE_S
            or not hasattr(select, "poll")  # Windows: ask, as Django does
        ):
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            waiting = poller.poll(0)
        except (OSError, ValueError, psycopg.Error):  # the socket already gone
            return False
        # POLLERR, POLLHUP and POLLNVAL come back whether asked for or not.
        return not waiting or super().is_usable()
