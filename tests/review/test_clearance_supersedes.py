"""A valid clearance covering a screening's referral findings supersedes it: no list asks for a
referral decision on it, its page shows the clearance first, and no letter asks for it again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from review import pdf
from review.presenters import CLEARED_STATUS, today_rows
from review.selectors import covered_by_clearance
from review.services import record_clearance
from tests.conftest import login
from tests.factories import PhysicianClearanceFactory
from tests.review.helpers import HIGH_RISK_PREGNANCY, screened, screened_with_release

pytestmark = pytest.mark.django_db


def _clear(screening, therapist, rule_ids=("PREGNANCY-HIGH-RISK",), days=28):
    today = timezone.localdate()
    return record_clearance(
        screening=screening,
        physician_name="Dr. Ada Obi",
        cleared_on=today,
        expires_on=today + datetime.timedelta(days=days),
        rule_ids=list(rule_ids),
        recorded_by=therapist,
    )


def _status(rows, screening):
    return next(r.status for r in rows if r.screening.pk == screening.pk)


def test_the_old_screening_leaves_the_referral_list_once_cleared(high_risk_screening, therapist):
    assert _status(today_rows(therapist), high_risk_screening) == "Needs a referral decision"
    result = _clear(high_risk_screening, therapist)
    rows = today_rows(therapist)
    assert _status(rows, high_risk_screening) == CLEARED_STATUS
    assert _status(rows, result.screening) == "Needs a plan"  # the screening made with it
    assert [r.status for r in rows].count("Needs a referral decision") == 0
    assert rows[-1].screening.pk == high_risk_screening.pk  # done: sorted after the work


def test_a_clearance_recorded_on_a_later_screening_covers_the_earlier_one(
    high_risk_screening, therapist, a_client
):
    later = screened(a_client, HIGH_RISK_PREGNANCY, therapist)
    _clear(later, therapist)
    assert covered_by_clearance([high_risk_screening, later]) == {high_risk_screening.pk, later.pk}
    assert _status(today_rows(therapist), high_risk_screening) == CLEARED_STATUS


def test_an_expired_or_partial_clearance_does_not_supersede(high_risk_screening, therapist):
    clearance = _clear(high_risk_screening, therapist, days=0).clearance
    tomorrow = clearance.expires_on + datetime.timedelta(days=1)
    assert covered_by_clearance([high_risk_screening], on=tomorrow) == set()
    assert covered_by_clearance([high_risk_screening]) == {high_risk_screening.pk}  # still today
    # Valid tomorrow, but for another finding: it does not cover this screening.
    PhysicianClearanceFactory(
        screening=high_risk_screening, recorded_by=therapist, rule_ids=["HEART-RECOVERING"]
    )
    assert covered_by_clearance([high_risk_screening], on=tomorrow) == set()


def test_an_urgent_referral_is_never_superseded(kidney_screening, therapist):
    PhysicianClearanceFactory(
        screening=kidney_screening,
        recorded_by=therapist,
        rule_ids=list(kidney_screening.outcome.rule_ids),
    )
    assert covered_by_clearance([kidney_screening]) == set()
    assert _status(today_rows(therapist), kidney_screening) == "Needs a referral decision"


def test_the_today_list_stays_a_few_queries_with_clearances(
    high_risk_screening, therapist, a_client, django_assert_max_num_queries
):
    _clear(high_risk_screening, therapist)
    with django_assert_max_num_queries(3):  # the list, then findings and clearances of the rest
        rows = today_rows(therapist)
    assert _status(rows, high_risk_screening) == CLEARED_STATUS


def test_the_screening_page_shows_the_clearance_first_and_offers_no_letter(
    client, therapist, high_risk_screening
):
    login(client, therapist)
    url = reverse("review:screening", args=[high_risk_screening.public_id])
    letter = reverse("review:letter_pdf", args=[high_risk_screening.public_id])
    before = client.get(url).text
    assert letter in before
    assert "Physician clearance on file" not in before
    _clear(high_risk_screening, therapist)
    page = client.get(url).text
    assert "Physician clearance on file" in page
    assert "no decision or letter is needed" in page
    assert page.index("Physician clearance on file") < page.index('<h2 class="h5">Findings')
    assert page.index("Physician clearance on file") < page.index("review-actions")
    assert letter not in page


def test_no_letter_asks_for_a_clearance_already_on_file(client, therapist, high_risk_screening):
    _clear(high_risk_screening, therapist)
    with pytest.raises(pdf.NothingToAsk):
        pdf.referral_letter_pdf(screening=high_risk_screening, signer=therapist)
    login(client, therapist)
    response = client.get(reverse("review:letter_pdf", args=[high_risk_screening.public_id]))
    assert response.status_code == 409
    assert "already covers these findings" in response.text


def test_a_letter_leaves_out_the_findings_already_cleared(therapist, a_client, ruleset):
    screening = screened_with_release(
        a_client, {**HIGH_RISK_PREGNANCY, "heart_condition": "recovering"}
    )
    needing = {f.rule_id for f in screening.outcome.findings if f.decision == "clearance_required"}
    assert {"PREGNANCY-HIGH-RISK", "HEART-RECOVERING"} <= needing
    assert set(pdf.letter_rule_ids(screening=screening)) == needing
    before = pdf.referral_letter_pdf(screening=screening, signer=therapist)
    _clear(screening, therapist, rule_ids=["HEART-RECOVERING"])
    assert set(pdf.letter_rule_ids(screening=screening)) == needing - {"HEART-RECOVERING"}
    after = pdf.referral_letter_pdf(screening=screening, signer=therapist)
    assert after.cache_key != before.cache_key
    assert not after.from_cache
    assert covered_by_clearance([screening]) == set()  # one finding still needs a decision
