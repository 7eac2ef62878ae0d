"""Counting a request's queries by what they are for (tests/visits/test_query_budgets.py).

Savepoints are left out: in production the outermost atomic block is a BEGIN/COMMIT, which
Django does not count, and the test's own transaction turns every block into a savepoint.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Counted:
    session_and_user: int  # the session row with its user, clinic and roles (accounts/sessions.py)
    audit: int  # the audit event: lock then previous hash (one round trip), insert
    page: list[str]  # everything else: what the page itself needs

    @property
    def total(self) -> int:
        return self.session_and_user + self.audit + len(self.page)


def count(captured) -> Counted:
    sqls = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    session = [s for s in sqls if s.startswith("SELECT s.session_data, s.user_id")]
    user = [s for s in sqls if s.startswith('SELECT "accounts_user"."id"') and "WHERE" in s]
    user = [s for s in user if '"accounts_user"."id" = ' in s.split("WHERE", 1)[1]][:1]
    audit = [
        s
        for s in sqls
        if "pg_advisory_xact_lock(7110001" in s
        or s.startswith('SELECT "audit_auditevent"."hash"')
        or s.startswith('INSERT INTO "audit_auditevent"')
    ]
    rest = [s for s in sqls if s not in session and s not in user and s not in audit]
    return Counted(len(session) + len(user), len(audit), rest)
