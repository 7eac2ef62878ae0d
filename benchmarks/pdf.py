"""PDF rendering benchmark: our session summary against WeasyPrint alone on the same HTML, and
the cached re-download through the real view.

    python manage.py bench_pdf [--runs 15]

Runs in a throwaway test database (created and dropped here), so it never touches real records.
"""

import statistics
import subprocess  # runs pdfinfo on our own temp file  # nosec B404
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo.answers import demo_answers

# A client whose intake gives a typical two-page summary: several findings, a plan, a referral.
ANSWERS = demo_answers(
    back_pain=True,
    pain_regions=["lower_back_left"],
    pregnant=True,
    age=34,
    pregnancy_weeks=26,
    pregnancy_high_risk=True,
    blood_in_urine=True,
    bruises=True,
    bruise_regions=["thigh_left", "calf_right"],
    varicose_veins=True,
    varicose_regions=["calf_left"],
)


def _timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def _cpu_timed(fn, runs):
    # On a shared machine the process's own CPU time varies less than the wall clock.
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return times


def _page_count(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(content)
        fh.flush()
        try:
            info = subprocess.run(  # noqa: S603 - fixed argv, own temp file  # nosec B603 B607
                ["pdfinfo", fh.name],  # noqa: S607
                capture_output=True,
                text=True,
            ).stdout
        except FileNotFoundError:
            return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")


def _fixture():
    from django.core.management import call_command

    from accounts.models import Clinic, User
    from clients.models import Client
    from demo.builders import submitted_intake
    from demo.review import refer_today
    from review.services import parse_plan, save_plan
    from rules.selectors import active_version  # noqa: F401 - loaded below

    call_command("load_rules", verbosity=0)
    clinic = Clinic.objects.create(name="Bench Clinic", slug="bench")
    therapist = User.objects.create(username="bench-therapist", clinic=clinic, first_name="Bea")
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    therapist.groups.add(Group.objects.get(name=Role.THERAPIST.value))
    client = Client.objects.create(
        clinic=clinic,
        legal_name="Benchmark Client",
        # 34 today, as ANSWERS say (34 x 365 days is a week short of it: leap days).
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 35)
        + timedelta(days=1),
        phone="+16175550100",
        physician_name="Dr. Rebecca Lang",
        physician_practice="Harbor Family Practice",
    )
    intake = submitted_intake(client=client, answers=ANSWERS, screened_by=therapist)
    screening = intake.screenings.get()
    refer_today(
        screening,
        therapist,
        method="phone",
        referred_to="Dr. Rebecca Lang",
        request_text="Please assess today.",
    )
    plan = parse_plan(
        {"modalities": ["swedish", "prenatal"], "regions": ["upper_back", "neck"], "pressure": 2,
         "position": "side_lying", "notes": "Pillows between the knees."}
    )  # fmt: skip
    save_plan(
        screening=screening,
        plan=plan,
        created_by=therapist,
        override_reason="Plan for the next visit.",
    )
    return screening, therapist


def run(*, runs: int, write=print) -> list[tuple[str, list[float]]]:
    from review import pdf, views
    from review.presenters import plan_lines, review_view
    from review.selectors import latest_plan, latest_referral

    screening, therapist = _fixture()

    # The exact HTML our summary renders, for WeasyPrint alone with its default fetcher (the
    # stylesheet pointed at the file on disk, since WeasyPrint cannot see our allow-list origin).
    plan = latest_plan(screening)
    assert plan is not None  # _fixture saves one
    html = render_to_string(
        "review/pdf/summary.html",
        {
            "review": review_view(screening, planned_regions=plan.regions),
            "screening": screening,
            "client": screening.client,
            "intake": screening.intake,
            "plan": plan,
            "plan_lines": plan_lines(plan),
            "referral": latest_referral(screening),
            "clinic": screening.client.clinic,
            "page_size": "A4",
        },
    )
    css_file = Path(settings.STATICFILES_DIRS[0]) / "css" / "pdf.css"
    plain_html = html.replace(
        f'href="{settings.STATIC_URL}css/pdf.css"', f'href="{css_file.as_uri()}"'
    )
    assert plain_html != html, "stylesheet link not found"

    def weasy_alone():
        return weasyprint.HTML(string=plain_html).write_pdf()

    def ours_uncached():
        cache.clear()
        return pdf.summary_pdf(screening=screening).content

    def ours_cached():
        return pdf.summary_pdf(screening=screening).content

    factory = RequestFactory()

    def view_cached():
        request = factory.get(f"/review/screenings/{screening.public_id}/summary.pdf")
        request.user = therapist
        return views.summary_pdf(request, public_id=screening.public_id).content

    weasy_alone()  # warm fonts and caches for both sides alike
    ours_uncached()
    rows = []
    t_weasy, _out_weasy = _timed(weasy_alone, runs)
    rows.append(("WeasyPrint alone, same HTML", t_weasy))
    t_ours, out_ours = _timed(ours_uncached, runs)
    rows.append(("summary_pdf, uncached (queries+template+render)", t_ours))
    ours_uncached()
    rows.append(("summary_pdf, cached", _timed(ours_cached, runs)[0]))
    rows.append(("GET summary.pdf view, cached (+auth, audit)", _timed(view_cached, runs)[0]))
    rows.append(("  the same, CPU time only", _cpu_timed(view_cached, runs)))
    with CaptureQueriesContext(connection) as queries:
        view_cached()

    write(f"Session summary: {_page_count(out_ours)} pages, {len(out_ours) // 1024} KiB; "
          f"WeasyPrint {weasyprint.__version__}; {runs} runs each")  # fmt: skip
    write(f"{'measurement':<50} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for name, times in rows:
        write(f"{name:<50} {statistics.median(times):>10.1f} {min(times):>8.1f} {max(times):>8.1f}")
    write(f"queries of a cached GET summary.pdf (after sign-in): {len(queries)}")
    ratio = statistics.median(t_ours) / statistics.median(t_weasy)
    write(f"uncached summary / WeasyPrint alone: {ratio:.2f}x")
    return rows
