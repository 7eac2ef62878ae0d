"""Reading a request's session (and its signed-in user): Django's database store against
accounts/sessions.py, for a tablet's session (no user) and a staff member's (docs/PERFORMANCE.md,
"Fewer queries, same CPU").

    python manage.py bench_sessions [--runs 500]

Its own throw-away database; CPU time of this process per load, median of `runs`."""

import statistics
import time
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import ClinicModelBackend
from accounts.models import Clinic, User
from accounts.roles import Role
from accounts.sessions import SessionStore


def _cpu_ms(fn, runs: int) -> tuple[float, int]:
    for _ in range(max(20, runs // 10)):
        fn()
    cpu = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        cpu.append((time.process_time() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fn()
    return statistics.median(cpu), len(captured)


def run(*, runs: int, write=print) -> None:
    clinic = Clinic.objects.create(name="Bench clinic", slug="bench-sessions")
    user = User.objects.create_user(username="bench-sessions", clinic=clinic)
    user.groups.add(Group.objects.get(name=Role.THERAPIST.value))
    rows = []
    sessions: list[tuple[str, dict[str, Any]]] = [
        ("tablet (no user)", {"kiosk": {"token": "t"}}),
        ("staff member", {SESSION_KEY: str(user.pk)}),
    ]
    for who, data in sessions:
        stores: list[tuple[str, type[DjangoStore]]] = [
            ("Django's store", DjangoStore),
            ("accounts.sessions", SessionStore),
        ]
        for name, store in stores:
            session = store()
            session.update(data)
            session.save()
            key = session.session_key

            def load(store=store, key=key):
                store(key).load()

            rows.append((who, name, *_cpu_ms(load, runs)))
    backend = ClinicModelBackend()
    rows.append(("staff member", "+ the user (Django's store)",
                 *_cpu_ms(lambda: backend.get_user(user.pk), runs)))  # fmt: skip
    write(f"{'session of':<18} {'read by':<30} {'CPU ms':>8} {'queries':>8}")
    for who, name, ms, queries in rows:
        write(f"{who:<18} {name:<30} {ms:>8.3f} {queries:>8}")
