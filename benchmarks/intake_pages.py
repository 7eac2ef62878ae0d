"""Server time to render each intake section, as the tablet requests it.

Runs against the configured database inside a transaction that is rolled back, so nothing
is left behind: `python manage.py bench_intake [--renders 200] [--language es]` (the
command exists outside production only: benchmarks/ is a development app).

It measures the production configuration whatever the environment says: DEBUG off (no query
log, no template debug information; templates come from the cached loader either way), with
the page language and the idle warning's clock as KioskMiddleware sets them on the tablet.
"""

import statistics
import time

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import translation

from accounts.models import Clinic
from accounts.sessions import SessionStore
from clients.models import Client
from intake import kiosk
from intake.models import Intake
from intake.services import new_kiosk_token
from rules.catalogues import current_catalogue
from visits.kiosk_views import section

BUDGET_MS = 5.0


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Median server time to render each intake section (budget 5 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--renders", type=int, default=200)
        parser.add_argument("--language", default="en", choices=["en", "es"])

    def handle(self, *args, renders, language, **options):
        try:
            with (
                override_settings(DEBUG=False),
                translation.override(language),
                transaction.atomic(),
            ):
                self._run(renders, language)
                raise Rollback
        except Rollback:
            pass

    def _run(self, renders, language):
        clinic = Clinic.objects.create(name="Bench clinic", slug="bench-intake-clinic")
        client = Client.objects.create(
            clinic=clinic, legal_name="Bench Client", date_of_birth="1980-01-01", phone="+1"
        )
        catalogue = current_catalogue()
        intake = Intake.objects.create(
            clinic=clinic,
            client=client,
            language=language,
            catalogue_version=catalogue.version,
            answers={"age": 40, "has_pain": True, "pain_regions": ["neck"], "cancer": "current"},
            kiosk_token=new_kiosk_token(),
        )
        factory = RequestFactory()
        session = SessionStore()
        state = {
            "token": intake.kiosk_token,
            "clinic": clinic.pk,
            "lang": language,
            "seen": time.time(),
            "done": False,
        }
        session[kiosk.SESSION_KEY] = state
        self.stdout.write(
            f"{'section':<22}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>9}  budget {BUDGET_MS} ms"
        )
        for name in catalogue.sections:
            timings = []
            cpu = []
            for index in range(renders + 20):
                request = factory.get(f"/kiosk/section/{name}/")
                request.session = session
                request.user = AnonymousUser()
                # As KioskMiddleware sets it for an open intake: the page then carries the idle
                # warning the tablet gets, as in production.
                expires_in = kiosk.expires_in(state, now=time.time())
                request.kiosk_expires_in = expires_in  # type: ignore[attr-defined]
                started = time.perf_counter()
                cpu_started = time.thread_time()
                response = section(request, section=name)
                cpu_ms = (time.thread_time() - cpu_started) * 1000
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.status_code
                if index >= 20:  # the first renders warm the caches
                    timings.append(elapsed)
                    cpu.append(cpu_ms)
            timings.sort()
            median = statistics.median(timings)
            p95 = timings[int(len(timings) * 0.95) - 1]
            # The budget is on the server time. The CPU this process spent (median) leaves out
            # the database server's share and the wait for a core on a busy machine, so it
            # compares two versions of the code more steadily than the time does.
            cpu_median = statistics.median(cpu)
            flag = "" if median <= BUDGET_MS else "  OVER BUDGET"
            self.stdout.write(f"{name:<22}{median:>10.2f}{p95:>9.2f}{cpu_median:>9.2f}{flag}")
