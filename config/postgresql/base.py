"""Django's PostgreSQL backend with a health check that costs no round trip when it can.

With CONN_HEALTH_CHECKS on, Django's backend sends `SELECT 1` before the first query of every
request, to find a connection the server dropped since the last one (a restart, a killed
backend, an idle timeout). That is one more round trip on every request, each a switch to the
database's process and back: under the load test about a tenth of the workers' time
(docs/PERFORMANCE.md, "The health check").

A server that ends a connection says so (a FATAL message, then the socket closes), and both
make the idle socket readable. So a connection that is idle, in a good state and has nothing
waiting on its socket is usable without asking; anything else (something waiting, a
transaction left open, an error since the last commit) is asked with Django's own `SELECT 1`.
What neither check can see is a network that silently stopped carrying packets: `SELECT 1`
would then wait for TCP's timeout as the request's own first query does.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        pgconn = connection.pgconn
        if (
            self.errors_occurred
            or pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
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
