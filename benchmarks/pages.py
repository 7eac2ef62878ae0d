"""The request path of issue 16: a client's page, the screening page and submit, through the
real middleware and views, against the bare database round trip (docs/PERFORMANCE.md, "Pages
and submit").

    python manage.py bench_pages [--runs 200]

Works in its own throw-away test database, with DEBUG off as in production. Each figure is the
median of `runs` after warm-up (wall clock, and the CPU time of this process);
queries are counted on the last run (savepoints left out: in production the outermost block is
a BEGIN/COMMIT, which is not a query).
"""

import itertools
import json
import statistics
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.template import engines
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext, override_settings

from benchmarks.pdf import ANSWERS

BARE_PAGE = """<!doctype html><html lang="en"><head><title>{{ client.legal_name }}</title></head>
<body><main><h1>{{ client.legal_name }}</h1><dl>
<dt>Preferred name</dt><dd>{{ client.preferred_name|default:"-" }}</dd>
<dt>Date of birth</dt><dd>{{ client.date_of_birth|date:"j M Y" }}</dd>
<dt>Phone</dt><dd>{{ client.phone }}</dd><dt>Email</dt><dd>{{ client.email|default:"-" }}</dd>
</dl></main></body></html>"""


def _timed(fn, runs: int) -> tuple[float, float, int]:
    """(median ms, median CPU ms of this process, queries). The CPU time is what a server
    pays per request; on a loaded machine it moves far less than the wall-clock time."""
    for _ in range(max(5, runs // 10)):
        fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as captured:
        fn()
    queries = sum("SAVEPOINT" not in q["sql"] for q in captured.captured_queries)
    return statistics.median(times), statistics.median(cpu), queries


def _fixture():
    from benchmarks.pdf import _fixture as pdf_fixture
    from review.services import parse_plan, record_referral_decision, save_plan

    screening, therapist = pdf_fixture()  # one screening with a referral and a plan
    from review.screening import screen_intake

    for _ in range(2):  # a history of three screenings
        later = screen_intake(intake=screening.intake, performed_by=therapist)
        record_referral_decision(
            screening=later, rule_ids=[f.rule_id for f in later.outcome.findings][:1],
            action="referred", referred_to="Dr. Rebecca Lang", method="phone",
            urgency="today", request_text="Please assess.", decided_by=therapist,
        )  # fmt: skip
        save_plan(
            screening=later,
            plan=parse_plan({"modalities": ["swedish"], "regions": ["neck"], "pressure": 2}),
            created_by=therapist,
            override_reason="Plan for the next visit.",
        )
    return screening, therapist


def run(*, runs: int, write=print) -> list[tuple[str, float, float, int]]:
    from clients.models import Client
    from demo.builders import _consent, signature_data_url
    from intake.answers import evaluate
    from intake.models import Intake
    from intake.services import save_answers, start_intake
    from rules.catalogues import catalogue_for
    from visits.services import submit_and_screen

    screening, therapist = _fixture()
    client = screening.client
    browser = Browser(HTTP_HOST="127.0.0.1")  # an allowed host outside pytest
    browser.force_login(therapist)
    rows = []

    rows.append(
        ("bare PK select of a client", *_timed(lambda: Client.objects.get(pk=client.pk), runs))
    )
    # The "bare Django": the select and a small page of the client's fields, no
    # middleware, no sign-in, no audit event.
    bare_page = engines["django"].from_string(BARE_PAGE)
    rows.append(
        ("bare PK select + template", *_timed(
            lambda: bare_page.render({"client": Client.objects.get(pk=client.pk)}), runs))
    )  # fmt: skip
    for name, url in [
        ("client's page (therapist)", f"/clients/{client.public_id}/"),
        ("screening page", f"/review/screenings/{screening.public_id}/"),
        ("summary PDF, cached (auth, audit event)",
         f"/review/screenings/{screening.public_id}/summary.pdf"),
    ]:  # fmt: skip

        def get(url=url):
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)

        rows.append((name, *_timed(get, runs)))

    rows.extend(_tablet_rows(client, therapist, runs))

    consent = _consent("en").pk
    signature = signature_data_url()

    def draft():
        newcomer = Client.objects.create(
            clinic=client.clinic, legal_name="Bench Newcomer", date_of_birth=client.date_of_birth,
            phone="+16175550101",
        )  # fmt: skip
        intake = start_intake(client=newcomer, started_by=therapist)
        save_answers(intake_id=intake.pk, raw=ANSWERS)
        return Intake.objects.get(pk=intake.pk)

    def bare(intake):
        evaluate(catalogue_for(intake.catalogue_version, clinic=intake.clinic_id), intake.answers)
        intake.save(update_fields=["answers", "updated_at"])

    def submit(intake):
        submit_and_screen(intake_id=intake.pk, submission_token=uuid.uuid4(),
                          signature_data_url=signature, consent_id=consent)  # fmt: skip

    submit_runs = max(10, runs // 5)
    # As in production, the signed-intake PDF a submit asks for is queued in the database (one
    # INSERT) for a worker; the test settings' immediate backend would render it right here.
    queued = override_settings(
        TASKS={"default": {**settings.TASKS["default"],
                           "BACKEND": "django_tasks_db.DatabaseBackend"}}
    )  # fmt: skip
    queued.enable()
    try:
        _time_submits(rows, submit_runs, draft, bare, submit)
    finally:
        queued.disable()

    write(f"{'measurement':<42} {'median ms':>10} {'CPU ms':>8} {'queries':>8} {'per s':>8}")
    for name, ms, cpu_ms, queries in rows:
        write(f"{name:<42} {ms:>10.2f} {cpu_ms:>8.2f} {queries:>8} {1000 / ms:>8.0f}")
    by = {name: ms for name, ms, _, _ in rows}
    pk, bare_page_ms = by["bare PK select of a client"], by["bare PK select + template"]
    client_page, screening_page = by[rows[2][0]], by[rows[3][0]]
    write(f"client's page: {pk / client_page:.3f}x the PK-select throughput, "
          f"{bare_page_ms / client_page:.3f}x PK select + template; "
          f"screening page: {pk / screening_page:.3f}x, {bare_page_ms / screening_page:.3f}x; "
          f"submit: {by['submit and screen'] / by['bare validate + save of an intake']:.2f}x "
          "bare validate + save")  # fmt: skip
    cpu = {name: cpu_ms for name, _, cpu_ms, _ in rows}
    write(f"in CPU time: client's page {cpu[rows[2][0]]:.2f} ms, screening page "
          f"{cpu[rows[3][0]]:.2f} ms; submit {cpu['submit and screen']:.2f} ms, "
          f"{cpu['submit and screen'] / cpu['bare validate + save of an intake']:.2f}x "
          "bare validate + save")  # fmt: skip
    for line in targets(rows):
        write(line)
    return rows


def targets(rows) -> list[str]:
    """Issue 16's targets for these requests, each "met" or "MISSED" with its figure. Queries
    here count BEGIN and COMMIT, which the targets leave out."""
    by = {name: (ms, queries) for name, ms, _, queries in rows}
    pk = by["bare PK select of a client"][0]
    submit_ms, submit_queries = by["submit and screen"]
    ratio = submit_ms / by["bare validate + save of an intake"][0]
    pdf_ms = by["summary PDF, cached (auth, audit event)"][0]
    checks = [
        (f"submit {ratio:.2f}x bare validate + save (at most 3x)", ratio <= 3),
        (f"submit {submit_queries - 2} statements besides BEGIN and COMMIT (at most 8)",
         submit_queries - 2 <= 8),
        (f"cached PDF {pdf_ms:.2f} ms (at most 8 ms)", pdf_ms <= 8),
    ]  # fmt: skip
    for page in ("client's page (therapist)", "screening page"):
        ms, queries = by[page]
        checks.append((f"{page}: {queries - 2} queries besides BEGIN and COMMIT (at most 6)",
                       queries - 2 <= 6))  # fmt: skip
        checks.append((f"{page}: {pk / ms:.3f}x the PK-select throughput (at least 0.3x)",
                       pk / ms >= 0.3))  # fmt: skip
    return [f"target {'met' if ok else 'MISSED'}: {text}" for text, ok in checks]


SECTION = "medications"  # a section of the load test's rounds, with a free-text answer


def tablet_requests(client, therapist) -> tuple[Callable[[], None], Callable[[], None]]:
    """The tablet's requests, the most frequent of the load test, on a kiosk session handed
    over as the front desk does: (a section page, an autosave of one changed answer)."""
    from rules.catalogues import current_catalogue

    tablet = Browser(HTTP_HOST="127.0.0.1")
    tablet.force_login(therapist)
    handed = tablet.post(f"/intake/start/{client.public_id}/")
    assert handed.status_code == 302, handed.status_code
    catalogue = current_catalogue(client.clinic_id)
    text = next(
        q.id
        for q in catalogue.questions
        if q.section == SECTION and q.type == "free_text" and not q.show_if
    )
    values = itertools.cycle(["Desk work, long hours.", "Desk work and cycling."])

    def page():
        response = tablet.get(f"/kiosk/section/{SECTION}/")
        assert response.status_code == 200, response.status_code

    def autosave():
        # A changed answer each time, so each save writes the draft (and its history row).
        body = json.dumps({"answers": {text: next(values)}})
        response = tablet.post("/kiosk/save/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        assert response.json()["saved"], response.content

    return page, autosave


def _tablet_rows(client, therapist, runs) -> list[tuple[str, float, float, int]]:
    page, autosave = tablet_requests(client, therapist)
    return [
        (f"kiosk section page ({SECTION})", *_timed(page, runs)),
        ("kiosk autosave (one answer changed)", *_timed(autosave, runs)),
    ]


def _time_submits(rows, submit_runs, draft, bare, submit) -> None:
    for name, fn in [("bare validate + save of an intake", bare), ("submit and screen", submit)]:
        times, cpu, queries = [], [], 0
        for i in range(submit_runs + 1):
            intake = draft()
            with CaptureQueriesContext(connection) as captured:
                start, start_cpu = time.perf_counter(), time.process_time()
                fn(intake)
                elapsed = (time.perf_counter() - start) * 1000
                elapsed_cpu = (time.process_time() - start_cpu) * 1000
            if i:  # the first warms the rule set's compiled cache
                times.append(elapsed)
                cpu.append(elapsed_cpu)
            queries = sum("SAVEPOINT" not in q["sql"] for q in captured.captured_queries)
        rows.append((name, statistics.median(times), statistics.median(cpu), queries))
