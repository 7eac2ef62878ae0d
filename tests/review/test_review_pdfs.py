import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from review import pdf, pdf_fetcher
from review.models import Screening
from review.selectors import get_screening_for, latest_plan, latest_records_of, latest_referral
from review.services import parse_plan, record_referral_decision, save_plan
from tests.conftest import login

pytestmark = pytest.mark.django_db

HOSTILE_NAME = (
    'Eve <img src="file:///etc/passwd"> <img src="http://169.254.169.254/latest/meta-data/">'
)
HOSTILE_NOTES = (
    '<div style="background: url(file:///etc/passwd)">x</div>'
    "<style>@import url(http://169.254.169.254/latest/);</style>"
    '<link rel="stylesheet" href="http://169.254.169.254/x.css">'
)


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def keep(name: str, content: bytes) -> None:
    """Keep the PDF beside the browser screenshots, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(content)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def page_size(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def referred(kidney_screening, therapist):
    record_referral_decision(
        screening=kidney_screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="referred",
        referred_to="Dr. Rebecca Lang",
        method="fax",
        urgency="today",
        request_text="Please assess for the cause of visible haematuria today.",
        decided_by=therapist,
    )
    return kidney_screening


def test_summary_text_matches_the_screening(referred, tmp_path):
    document = pdf.summary_pdf(screening=referred)
    keep("review_summary_a4.pdf", document.content)
    text = pdf_text(document.content, tmp_path)
    flat = " ".join(text.split())
    assert "Session summary: Maria Garcia" in flat
    assert "Decision: Refer urgently: no massage today" in flat
    for finding in referred.outcome.findings:
        assert finding.title in flat
        assert finding.rule_id in flat
    # Readable citations with the quoted passage; the seed file name stays in the record.
    assert 'Source: "The question of whether a massage can ease pain felt in the flank' in flat
    assert "serious indicator that necessitates urgent medical attention" in flat
    assert ".txt" not in flat
    assert "Have you seen blood in your urine" in flat
    assert "Maximum pressure 3 - moderate" in flat
    assert "Avoid areas Lowest ribs (back), Lower back, on the spine" in flat
    assert "Referred to Dr. Rebecca Lang (Fax, same day)" in flat
    assert "Page 1 of" in flat


def test_summary_shows_the_pressure_over_single_areas(pregnant_screening, therapist, tmp_path):
    wanted = parse_plan(
        {"modalities": ["swedish"], "position": "side_lying", "pressure": 3,
         "regions": ["upper_back", "abdomen"], "region_pressure": {"abdomen": 1}}
    )  # fmt: skip
    save_plan(screening=pregnant_screening, plan=wanted, created_by=therapist)
    document = pdf.summary_pdf(screening=pregnant_screening)
    flat = " ".join(pdf_text(document.content, tmp_path).split())
    assert "Pressure 3 - moderate" in flat
    assert "Pressure over Belly (abdomen) 1 - light touch" in flat


def test_letter_uses_clinical_language_and_the_therapists_request(
    referred, tmp_path, ruleset, therapist
):
    document = pdf.referral_letter_pdf(screening=referred, signer=therapist)
    keep("review_referral_letter.pdf", document.content)
    text = " ".join(pdf_text(document.content, tmp_path).split())
    assert "To Dr. Rebecca Lang" in text
    assert "Referral: Maria Garcia" in text
    hematuria = next(r for r in ruleset.rules["rules"] if r["id"] == "KIDNEY-HEMATURIA")
    assert " ".join(hematuria["clinical_summary"].split()) in text
    assert "Please assess for the cause of visible haematuria today." in text
    assert "Urgency: Same day" in text


@pytest.mark.parametrize(("paper", "size"), [("a4", "(A4)"), ("letter", "(letter)")])
def test_paper_size_is_a_choice(referred, tmp_path, paper, size, therapist):
    assert size in page_size(pdf.summary_pdf(screening=referred, paper=paper).content, tmp_path)
    assert size in page_size(
        pdf.referral_letter_pdf(screening=referred, signer=therapist, paper=paper).content, tmp_path
    )


def test_hostile_client_text_fetches_nothing(referred, therapist, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a) or 1 / 0
    )
    fetchers = []
    original = pdf_fetcher.StaticOnlyFetcher

    class Spy(original):
        def __init__(self):
            super().__init__()
            fetchers.append(self)

    monkeypatch.setattr(pdf_fetcher, "StaticOnlyFetcher", Spy)
    client = referred.client
    client.legal_name = HOSTILE_NAME
    client.physician_name = HOSTILE_NAME
    client.save()
    nearest = parse_plan({"modalities": ["swedish"], "pressure": 2, "notes": HOSTILE_NOTES})
    save_plan(screening=referred, plan=nearest, created_by=therapist, override_reason="x")
    for document in (
        pdf.summary_pdf(screening=referred),
        pdf.referral_letter_pdf(screening=referred, signer=therapist),
    ):
        text = pdf_text(document.content, tmp_path)
        assert "root:x:0:0" not in text
        assert "file:///etc/passwd" in text  # printed as text, never loaded
    # The template escapes client text, so no element asks for those URLs at all ...
    for fetcher in fetchers:
        assert all(url.startswith("https://pdf.invalid/static/") for url in fetcher.served)
        assert fetcher.refused == []
    # ... and should markup ever get through, the fetcher refuses it before any connection.
    spy = Spy()
    raw = (
        f'<p>{HOSTILE_NOTES}</p><img src="file:///etc/passwd"><img src="/static/../../etc/passwd">'
    )
    content = pdf.html_to_pdf(raw, fetcher=spy)
    assert "root:x:0:0" not in pdf_text(content, tmp_path)
    assert "file:///etc/passwd" in spy.refused
    assert any("169.254.169.254" in url for url in spy.refused)
    assert spy.served == []
    assert opened == []


def test_repeated_download_is_served_from_the_cache(client, therapist, referred, monkeypatch):
    login(client, therapist)
    url = reverse("review:summary_pdf", args=[referred.public_id])
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"

    def no_render(*args, **kwargs):
        raise AssertionError("an unchanged document was rendered again")

    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    second = client.get(url)
    assert second.content == first.content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=therapist).count() == 2


@pytest.mark.parametrize("name", ["review:summary_pdf", "review:letter_pdf"])
def test_cached_download_reads_the_screening_and_clinic_once(client, therapist, referred, name):
    # Issue 16: the audit event reuses the view's screening, and the clinic (letterhead, cache
    # key) and the latest plan and referral (cache key) come with it in the same query.
    login(client, therapist)
    url = reverse(name, args=[referred.public_id])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "contraindications_screening"' in q for q in sql) == 1
    assert not any(q.startswith('SELECT "accounts_clinic"') for q in sql)
    if name == "review:summary_pdf":  # a letter loads its referral decision: it is about it
        assert not any(q.startswith('SELECT "contraindications_treatmentplan"') for q in sql)
        assert not any(q.startswith('SELECT "contraindications_referraldecision"') for q in sql)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 2


def test_any_change_to_the_content_makes_a_new_cache_key(referred, therapist):
    before = pdf.summary_pdf(screening=referred)
    again = pdf.summary_pdf(screening=referred)
    assert again.from_cache
    assert again.cache_key == before.cache_key
    save_plan(
        screening=referred,
        plan=parse_plan({"pressure": 2}),
        created_by=therapist,
        override_reason="x",
    )
    after = pdf.summary_pdf(screening=referred)
    assert not after.from_cache
    assert after.cache_key != before.cache_key
    assert pdf.summary_pdf(screening=referred, paper="letter").cache_key != after.cache_key


def test_the_key_changes_with_a_new_referral_a_renamed_therapist_or_letterhead(referred, therapist):
    # The plan and referral enter the key as ids (append-only rows) and their authors' names.
    save_plan(
        screening=referred, plan=parse_plan({"pressure": 2}), created_by=therapist,
        override_reason="x",
    )  # fmt: skip
    keys = [pdf.summary_pdf(screening=referred).cache_key]
    record_referral_decision(
        screening=referred, rule_ids=["KIDNEY-HEMATURIA"], action="referred",
        referred_to="Dr. Other", method="phone", urgency="today", request_text="Again.",
        decided_by=therapist,
    )  # fmt: skip
    keys.append(pdf.summary_pdf(screening=referred).cache_key)
    therapist.last_name = "Renamed"
    therapist.save(update_fields=["last_name"])
    keys.append(pdf.summary_pdf(screening=referred).cache_key)
    clinic = referred.client.clinic
    clinic.address = "2 New Street"
    clinic.save(update_fields=["address"])
    keys.append(pdf.summary_pdf(screening=referred).cache_key)
    assert len(set(keys)) == len(keys)


def test_the_views_screening_gives_the_same_key_as_a_plain_one(client, therapist, referred):
    # get_screening_for(for_pdf=True) answers latest_records_of from its own query; the key
    # must be the one the separate query gives (benchmarks, other callers).
    save_plan(
        screening=referred, plan=parse_plan({"pressure": 2}), created_by=therapist,
        override_reason="x",
    )  # fmt: skip
    loaded = get_screening_for(therapist, referred.public_id, for_pdf=True)
    plain = Screening.objects.get(pk=referred.pk)
    assert latest_records_of(loaded) == latest_records_of(plain)
    plan, referral = latest_plan(referred), latest_referral(referred)
    assert plan is not None
    assert referral is not None
    assert latest_records_of(plain)["plan"]["id"] == plan.pk
    assert latest_records_of(plain)["referral"]["id"] == referral.pk
    assert pdf.summary_pdf(screening=loaded).cache_key == (
        pdf.summary_pdf(screening=plain).cache_key
    )


def test_a_screening_without_plan_or_referral_has_none(kidney_screening):
    assert latest_records_of(kidney_screening) == {"plan": None, "referral": None}


def test_pdf_export_is_audited_with_the_client(client, owner, referred):
    login(client, owner)
    client.get(reverse("review:letter_pdf", args=[referred.public_id]) + "?paper=a4")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == owner
    assert event.object_id == str(referred.client.public_id)
    assert "referral letter" in event.detail


def test_weasyprint_is_imported_only_when_a_pdf_is_rendered():
    # A worker's first request must not pay half a second for it (issue 16).
    code = (
        "import django, sys; django.setup(); import config.urls, review.views, oversight.views; "
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


def test_summary_groups_findings_by_the_answers_behind_them(pregnant_screening, tmp_path):
    document = pdf.summary_pdf(screening=pregnant_screening)
    flat = " ".join(pdf_text(document.content, tmp_path).split())
    assert "These answers trigger 3 rules" in flat
    # "Are you pregnant? Yes" once for the three rules it triggers, once for positioning
    # (which also reads the weeks): not once per finding.
    assert flat.count("Are you pregnant, or could you be?") == 2
    for finding in pregnant_screening.outcome.findings:
        assert finding.title in flat
    assert ".txt" not in flat
