"""Clinician sign-off of rules: review records, marking, refused activation (issue 17.4)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from rules.models import RuleReview, RuleSetActivation
from rules.selectors import active_version, unreviewed_rule_ids
from rules.services import (
    ActivationRefused,
    ReviewError,
    activate_for_clinic,
    import_reviews,
    record_rule_review,
    set_review_requirement,
    store_ruleset,
)
from tests.conftest import login
from tests.oversight.conftest import hematuria_now

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 30)


@pytest.fixture
def candidate(ruleset):
    return store_ruleset(
        rules_data=hematuria_now("refer"), catalogue_data=ruleset.catalogue, activate=False
    ).version


def review_all(version, *, but=()):
    for rule in version.rules["rules"]:
        if rule["id"] not in but:
            record_rule_review(
                version=version,
                rule_id=rule["id"],
                reviewer="Dr. Test Reviewer",
                credential="MD",
                reviewed_on=DAY,
            )


def test_a_review_names_reviewer_credential_date_and_an_existing_rule(ruleset, clinic):
    review = record_rule_review(
        version=ruleset,
        rule_id="KIDNEY-HEMATURIA",
        reviewer=" Dr. A. Name ",
        credential="MD, nephrology",
        reviewed_on=DAY,
        note="Agree.",
    )
    assert (review.reviewer, review.credential, review.note) == (
        "Dr. A. Name",
        "MD, nephrology",
        "Agree.",
    )
    assert "KIDNEY-HEMATURIA" not in unreviewed_rule_ids(ruleset)
    assert AuditEvent.objects.filter(
        clinic=clinic, detail__contains="reviewed by Dr. A. Name"
    ).exists()
    bad = [
        ({"rule_id": "NO-SUCH-RULE"}, "unknown_rule"),
        ({"credential": " "}, "reviewer_missing"),
        ({"reviewed_on": timezone.localdate() + dt.timedelta(days=2)}, "review_in_future"),
    ]
    for change, code in bad:
        fields = {"version": ruleset, "rule_id": "KIDNEY-HEMATURIA", "reviewer": "X",
                  "credential": "MD", "reviewed_on": DAY} | change  # fmt: skip
        with pytest.raises(ReviewError) as error:
            record_rule_review(**fields)
        assert error.value.code == code


def test_reviews_are_append_only(ruleset):
    review = record_rule_review(
        version=ruleset, rule_id="SCIATICA", reviewer="X", credential="PT", reviewed_on=DAY
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        RuleReview.objects.filter(pk=review.pk).update(note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        RuleReview.objects.filter(pk=review.pk).delete()


def test_activation_is_refused_while_rules_are_unreviewed_and_the_refusal_is_audited(
    candidate, clinic, owner
):
    set_review_requirement(clinic=clinic, required=True, user=owner)
    review_all(candidate, but=("SCIATICA",))
    with pytest.raises(ActivationRefused) as refused:
        activate_for_clinic(clinic=clinic, version=candidate, user=owner)
    assert refused.value.code == "rules_not_reviewed"
    assert refused.value.unreviewed == ["SCIATICA"]
    assert "SCIATICA" in str(refused.value)
    assert active_version(clinic) != candidate
    assert AuditEvent.objects.filter(
        clinic=clinic, detail__contains=f"activation of rule set {candidate.version} refused"
    ).exists()
    review_all(candidate)  # the last one too
    activate_for_clinic(clinic=clinic, version=candidate, user=owner)
    assert active_version(clinic) == candidate


def test_without_the_requirement_unreviewed_rules_can_be_activated(candidate, clinic, owner):
    activate_for_clinic(clinic=clinic, version=candidate, user=owner)
    assert active_version(clinic) == candidate


def test_owner_sets_the_requirement_and_sees_the_refusal(client, owner, clinic, candidate):
    login(client, owner)
    page = client.get(reverse("oversight:rulesets"))
    assert 'data-reviewed="0"' in page.text
    assert "0 of 93" in page.text
    client.post(reverse("oversight:ruleset_policy"), {"require_review": "on"})
    assert AuditEvent.objects.filter(clinic=clinic, detail__contains="now need every rule").exists()
    response = client.post(reverse("oversight:ruleset_activate", args=[candidate.version]))
    assert response.status_code == 302
    assert response.url == reverse("oversight:ruleset", args=[candidate.version])
    assert not RuleSetActivation.objects.filter(clinic=clinic, version=candidate).exists()
    detail = client.get(response.url)
    assert "cannot be activated" in detail.text  # the message
    assert "0 of 93 rules reviewed by a clinician" in detail.text
    assert detail.text.count('data-reviewed="no"') == 93
    # Turning it off again lets the owner activate.
    client.post(reverse("oversight:ruleset_policy"), {})
    client.post(reverse("oversight:ruleset_activate", args=[candidate.version]))
    assert RuleSetActivation.objects.filter(clinic=clinic, version=candidate).exists()


def test_detail_page_marks_reviewed_and_unreviewed_rules(client, owner, ruleset):
    record_rule_review(
        version=ruleset, rule_id="SCIATICA", reviewer="Dr. R", credential="DO", reviewed_on=DAY
    )
    login(client, owner)
    page = client.get(reverse("oversight:ruleset", args=[ruleset.version])).text
    assert "1 of 93 rules reviewed by a clinician" in page
    assert 'data-rule-id="SCIATICA" data-reviewed="yes"' in page
    assert "Dr. R (DO), Nov 30, 2026" in page
    assert 'data-rule-id="KIDNEY-HEMATURIA" data-reviewed="no"' in page


def test_only_owners_change_the_requirement(client, therapist):
    login(client, therapist)
    assert (
        client.post(reverse("oversight:ruleset_policy"), {"require_review": "on"}).status_code
        == 403
    )


def test_load_rules_skips_a_clinic_that_requires_reviews(ruleset, clinic, other_clinic, owner):
    set_review_requirement(clinic=clinic, required=True, user=owner)
    stored = store_ruleset(rules_data=hematuria_now("refer"), catalogue_data=ruleset.catalogue)
    assert stored.activated
    assert active_version(clinic) == ruleset  # kept, and the refusal is in its chain
    assert active_version(other_clinic) == stored.version
    assert AuditEvent.objects.filter(clinic=clinic, detail__contains="refused").exists()


def test_fixture_reviews_are_imported_once_and_must_name_the_version(ruleset):
    data = {
        "ruleset_version": ruleset.version,
        "reviews": [{"rule_id": "SCIATICA", "reviewer": "Dr. F", "credential": "MD",
                     "reviewed_on": "2026-11-29", "note": "ok"}],
    }  # fmt: skip
    assert import_reviews(version=ruleset, data=data) == 1
    assert import_reviews(version=ruleset, data=data) == 0
    with pytest.raises(ReviewError) as error:
        import_reviews(version=ruleset, data={**data, "ruleset_version": "1999.1"})
    assert error.value.code == "reviews_for_other_version"


def test_review_rule_command_records_and_lists(ruleset):
    out = io.StringIO()
    call_command(
        "review_rule", ruleset.version, "KIDNEY-HEMATURIA", "--reviewer", "Dr. C",
        "--credential", "MD", "--date", "2026-11-28", "--note", "Agree", stdout=out,
    )  # fmt: skip
    assert "reviewed by Dr. C (MD) on 2026-11-28" in out.getvalue()
    out = io.StringIO()
    call_command("review_rule", ruleset.version, "--list", stdout=out)
    assert "KIDNEY-HEMATURIA: Dr. C (MD), 2026-11-28" in out.getvalue()
    assert "92 of 93 rules not reviewed" in out.getvalue()
    with pytest.raises(CommandError, match="reviewer_missing"):
        call_command("review_rule", ruleset.version, "SCIATICA", "--credential", "MD")
    with pytest.raises(CommandError, match="bad_date"):
        call_command("review_rule", ruleset.version, "SCIATICA", "--reviewer", "X",
                     "--credential", "MD", "--date", "yesterday")  # fmt: skip
