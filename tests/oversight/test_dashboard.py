import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from oversight.exports import safe_cell
from oversight.filters import default_filters
from oversight.selectors import dashboard
from review.models import ReferralDecisionRule
from tests.conftest import login
from tests.factories import ClientFactory
from tests.oversight.conftest import override, refer
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db

OWNER_PAGES = ["dashboard", "decisions", "decisions_csv", "trail", "rulesets"]


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_front_desk_and_therapists_get_403(client, front_desk, therapist, name):
    for user in (front_desk, therapist):
        login(client, user)
        assert client.get(reverse(f"oversight:{name}")).status_code == 403


def test_owner_sees_decisions_by_therapist_rule_and_category(client, owner, decisions):
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"))
    assert page.status_code == 200
    data = page.context["data"]
    assert data.total == 3
    assert data.overridden == 1
    by_name = {t.label: t for t in data.therapists}
    assert by_name["Tara Nguyen"].override_rate == 1.0
    assert by_name[str(decisions["theo_1"].decided_by)].overridden == 0
    assert [(t.key, t.total) for t in data.rules] == [("KIDNEY-HEMATURIA", 3)]
    assert [(t.key, t.overridden) for t in data.categories] == [("kidney", 1)]
    assert data.urgent.total == 3
    assert data.urgent.pending == 0
    assert "<svg" in page.text
    assert "<script>" not in page.text


def test_other_clinics_data_never_appears(client, owner, decisions):
    login(client, owner)
    page = client.get(reverse("oversight:decisions"))
    assert "Harriet Hill" not in page.text
    assert "Robert Chen" in page.text
    hillside = reverse("oversight:decision", args=[decisions["hillside"].public_id])
    assert client.get(hillside).status_code == 404
    assert "Harriet Hill" not in b"".join(client.get(reverse("oversight:decisions_csv"))
                                          .streaming_content).decode()  # fmt: skip


def test_filters_narrow_the_decisions(client, owner, decisions, second_therapist):
    login(client, owner)
    page = client.get(
        reverse("oversight:decisions"), {"therapist": second_therapist.pk, "action": "overridden"}
    )
    assert [d.pk for d in page.context["rows"]] == [decisions["tara_override"].pk]
    page = client.get(reverse("oversight:decisions"), {"rule": "PREGNANCY-HIGH-RISK"})
    assert page.context["rows"] == []


def test_urgent_screening_without_a_decision_is_pending(owner, decisions, a_client, therapist):
    screened(a_client, KIDNEY_RED_FLAG, therapist)
    urgent = dashboard(owner, default_filters()).urgent
    assert urgent.total == 4
    assert urgent.pending == 1
    assert urgent.acted_on == 3


def test_decision_detail_shows_who_why_and_links_the_review(client, owner, decisions):
    decision = decisions["tara_override"]
    login(client, owner)
    page = client.get(reverse("oversight:decision", args=[decision.public_id]))
    assert "Client has a GP letter from yesterday." in page.text
    assert "Tara Nguyen" in page.text
    assert decision.ruleset.version in page.text
    assert "KIDNEY-HEMATURIA" in page.text
    assert reverse("review:screening", args=[decision.screening.public_id]) in page.text
    assert AuditEvent.objects.filter(action="view", actor=owner).exists()


def test_decision_rules_are_denormalised_for_counting(decisions):
    link = ReferralDecisionRule.objects.get(decision=decisions["tara_override"])
    assert (link.rule_id, link.category, link.action) == (
        "KIDNEY-HEMATURIA",
        "kidney",
        "overridden",
    )


def test_dashboard_queries_do_not_grow_with_rows(
    client, owner, decisions, therapist, django_assert_max_num_queries
):
    login(client, owner)
    url = reverse("oversight:dashboard")
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for index in range(5):
        person = ClientFactory(clinic=owner.clinic, legal_name=f"Extra {index}")
        s = screened(person, KIDNEY_RED_FLAG, therapist)
        (override if index % 2 else refer)(s, therapist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["data"].total == 8


def test_a_filtered_dashboard_needs_no_more_queries_than_the_default(
    client, owner, decisions, second_therapist, django_assert_max_num_queries
):
    # The narrowed rule tallies and the alert-fatigue table's whole-team ones come from one
    # query (two counts over the same rows).
    login(client, owner)
    url = reverse("oversight:dashboard")
    with django_assert_max_num_queries(10) as default:
        client.get(url)
    for narrowing in [
        {"therapist": second_therapist.pk},
        {"action": "referred"},
        {"rule": "KIDNEY-HEMATURIA"},
    ]:
        with django_assert_max_num_queries(len(default.captured_queries)):
            page = client.get(url, narrowing)
        data = page.context["data"]
        fatigue = {r.rule_id: r for r in data.fatigue}
        assert fatigue["KIDNEY-HEMATURIA"].overridden == 1  # Tara's, whatever the filter
        if "therapist" in narrowing:
            assert [(t.key, t.counts) for t in data.rules] == [
                ("KIDNEY-HEMATURIA", {"referred": 0, "postponed": 0, "overridden": 1})
            ]
        if "action" in narrowing:
            assert [(t.key, t.total, t.overridden) for t in data.categories] == [("kidney", 2, 0)]
    page = client.get(url, {"rule": "PREGNANCY-HIGH-RISK"})
    assert page.context["data"].rules == []
    assert page.context["data"].categories == []


def test_csv_is_filtered_recorded_and_defused(client, owner, decisions, therapist):
    override(decisions["theo_1"].screening, therapist, reason='=HYPERLINK("http://x")')
    login(client, owner)
    response = client.get(reverse("oversight:decisions_csv"), {"action": "overridden"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "decided_at"
    assert len(rows) == 3
    reasons = {row[11] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in reasons
    assert AuditEvent.objects.filter(action="export", detail__contains="CSV").count() == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("plain", "plain"), (None, ""), ("\t=1", "'\t=1")],
)  # fmt: skip
def test_formula_cells_are_quoted(value, expected):
    assert safe_cell(value) == expected


def test_pdf_report_is_recorded(client, owner, decisions):
    login(client, owner)
    response = client.get(reverse("oversight:report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", detail__contains="PDF").count() == 1


def test_owner_nav_links_to_oversight(client, owner, therapist):
    login(client, owner)
    assert reverse("oversight:dashboard") in client.get(reverse("clients:list")).text
    login(client, therapist)
    assert reverse("oversight:dashboard") not in client.get(reverse("clients:list")).text
