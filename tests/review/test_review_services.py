import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from review.models import AppendOnlyError, PhysicianClearance, ReferralDecision, TreatmentPlan
from review.selectors import cleared_rule_ids_for
from review.services import (
    ReviewError,
    check_plan_for,
    parse_plan,
    record_clearance,
    record_referral_decision,
    save_plan,
)

pytestmark = pytest.mark.django_db

VIOLATING = {
    "modalities": ["deep_tissue"],
    "position": "prone",
    "acupoints": ["sanyinjiao"],
    "pressure": 5,
    "regions": ["calf_left", "upper_back"],
}


def test_pregnancy_plan_violations_name_their_rules(pregnant_screening):
    check = check_plan_for(screening=pregnant_screening, plan=parse_plan(VIOLATING))
    by_kind = {v.kind: v for v in check.violations}
    assert by_kind["modality"].rule_ids == ("PREGNANCY-DEEP-TISSUE",)
    assert by_kind["acupoint"].rule_ids == ("PREGNANCY-ACUPOINTS",)
    assert by_kind["position"].rule_ids == ("PREGNANCY-POSITIONING",)
    nearest = check.nearest_plan
    assert "deep_tissue" not in nearest.modalities
    assert nearest.acupoints == ()
    assert nearest.position == "side_lying"
    assert nearest.pressure == 3
    assert check_plan_for(screening=pregnant_screening, plan=nearest).ok


def test_a_plan_keeps_its_regional_pressure_and_old_plans_read_as_the_default(
    pregnant_screening, therapist
):
    wanted = parse_plan({**VIOLATING, "regions": ["upper_back", "abdomen"]})
    nearest = check_plan_for(screening=pregnant_screening, plan=wanted).nearest_plan
    assert nearest.pressure == 3
    assert nearest.region_pressure == (("abdomen", 1),)
    saved = save_plan(screening=pregnant_screening, plan=nearest, created_by=therapist)
    saved.refresh_from_db()
    assert saved.compliant
    assert saved.pressure == 3
    assert saved.region_pressure == {"abdomen": 1}
    assert parse_plan(saved.to_engine_dict()) == nearest
    assert saved.check_result["nearest_plan"]["region_pressure"] == {"abdomen": 1}
    # A row stored before regional pressure: the column default, the default pressure everywhere.
    old = save_plan(
        screening=pregnant_screening,
        plan=parse_plan({"modalities": ["swedish"], "regions": ["neck"], "pressure": 2}),
        created_by=therapist,
    )
    assert old.region_pressure == {}
    assert parse_plan(old.to_engine_dict()).pressure_over("neck") == 2


def test_a_violating_plan_is_refused_without_a_reason(pregnant_screening, therapist):
    with pytest.raises(ReviewError) as excinfo:
        save_plan(screening=pregnant_screening, plan=parse_plan(VIOLATING), created_by=therapist)
    assert excinfo.value.code == "plan_violates_constraints"
    assert not TreatmentPlan.objects.exists()


def test_a_violating_plan_is_kept_with_the_override_reason(pregnant_screening, therapist):
    plan = save_plan(
        screening=pregnant_screening,
        plan=parse_plan(VIOLATING),
        created_by=therapist,
        override_reason="Midwife present and agreed prone with a pregnancy cushion.",
    )
    assert not plan.compliant
    assert plan.override_reason.startswith("Midwife")
    assert plan.check_result["violations"]
    assert plan.ruleset_id == pregnant_screening.ruleset_id


def test_a_compliant_plan_needs_no_reason(pregnant_screening, therapist):
    nearest = check_plan_for(screening=pregnant_screening, plan=parse_plan(VIOLATING)).nearest_plan
    plan = save_plan(screening=pregnant_screening, plan=nearest, created_by=therapist)
    assert plan.compliant
    assert plan.override_reason == ""


def test_the_database_refuses_an_override_without_reason(pregnant_screening, therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.create(
            clinic_id=pregnant_screening.clinic_id,
            client_id=pregnant_screening.client_id,
            screening=pregnant_screening,
            ruleset_id=pregnant_screening.ruleset_id,
            pressure=3,
            duration_minutes=60,
            check_result={},
            compliant=False,
            created_by=therapist,
        )


def test_referral_is_recorded_with_version_and_findings(kidney_screening, therapist):
    decision = record_referral_decision(
        screening=kidney_screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="referred",
        referred_to="Dr. Rebecca Lang",
        method="phone",
        urgency="today",
        decided_by=therapist,
    )
    assert decision.urgent
    assert decision.ruleset == kidney_screening.ruleset
    assert decision.rule_ids == ["KIDNEY-HEMATURIA"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"action": "referred"}, "referral_needs_recipient"),
        ({"action": "overridden"}, "override_needs_reason"),
        ({"action": "overridden", "reason": "Client insists"}, "urgent_override_unconfirmed"),
        ({"action": "referred", "rule_ids": ["PREGNANCY-ACUPOINTS"]}, "unknown_finding"),
        ({"action": "referred", "rule_ids": []}, "no_findings"),
    ],
)
def test_referral_decisions_that_cannot_be_recorded(kidney_screening, therapist, kwargs, code):
    kwargs = {"rule_ids": ["KIDNEY-HEMATURIA"], **kwargs}
    with pytest.raises(ReviewError) as excinfo:
        record_referral_decision(screening=kidney_screening, decided_by=therapist, **kwargs)
    assert excinfo.value.code == code
    assert not ReferralDecision.objects.exists()


def test_an_urgent_override_needs_the_second_confirmation(kidney_screening, therapist):
    decision = record_referral_decision(
        screening=kidney_screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="overridden",
        reason="Seen in the emergency department this morning; discharged, no haematuria.",
        urgent_override_confirmed=True,
        decided_by=therapist,
    )
    assert decision.urgent_override_confirmed


def test_the_database_refuses_an_unconfirmed_urgent_override(kidney_screening, therapist):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralDecision.objects.create(
            clinic_id=kidney_screening.clinic_id,
            client_id=kidney_screening.client_id,
            screening=kidney_screening,
            ruleset_id=kidney_screening.ruleset_id,
            rule_ids=["KIDNEY-HEMATURIA"],
            urgent=True,
            action="overridden",
            reason="because",
            decided_by=therapist,
        )


def test_decisions_are_append_only(kidney_screening, therapist):
    decision = record_referral_decision(
        screening=kidney_screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="postponed",
        decided_by=therapist,
    )
    decision.reason = "changed my mind"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        decision.delete()
    assert ReferralDecision.objects.get().reason == ""


def test_a_clearance_turns_the_finding_into_modify(high_risk_screening, therapist):
    today = timezone.localdate()
    result = record_clearance(
        screening=high_risk_screening,
        physician_name="Dr. Ada Obi",
        cleared_on=today,
        expires_on=today + datetime.timedelta(days=30),
        rule_ids=["PREGNANCY-HIGH-RISK"],
        recorded_by=therapist,
    )
    assert result.screening.pk != high_risk_screening.pk
    assert result.screening.decision == "modify"
    assert result.screening.cleared_rule_ids == ["PREGNANCY-HIGH-RISK"]
    finding = result.screening.outcome.finding("PREGNANCY-HIGH-RISK")
    assert finding is not None
    assert finding.clearance_applied is True
    high_risk_screening.refresh_from_db()
    assert high_risk_screening.decision == "clearance_required"  # the old record is untouched


def test_an_expired_clearance_no_longer_applies(high_risk_screening, therapist, a_client):
    today = timezone.localdate()
    record_clearance(
        screening=high_risk_screening,
        physician_name="Dr. Ada Obi",
        cleared_on=today,
        expires_on=today,
        rule_ids=["PREGNANCY-HIGH-RISK"],
        recorded_by=therapist,
    )
    assert cleared_rule_ids_for(a_client) == {"PREGNANCY-HIGH-RISK"}
    assert cleared_rule_ids_for(a_client, on=today + datetime.timedelta(days=1)) == frozenset()


def test_an_urgent_referral_cannot_be_cleared(kidney_screening, therapist):
    today = timezone.localdate()
    with pytest.raises(ReviewError) as excinfo:
        record_clearance(
            screening=kidney_screening,
            physician_name="Dr. Ada Obi",
            cleared_on=today,
            expires_on=today + datetime.timedelta(days=30),
            rule_ids=["KIDNEY-HEMATURIA"],
            recorded_by=therapist,
        )
    assert excinfo.value.code == "urgent_not_clearable"
    assert not PhysicianClearance.objects.exists()


def test_the_database_refuses_a_clearance_expiring_before_it_starts(high_risk_screening, therapist):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        PhysicianClearance.objects.create(
            clinic_id=high_risk_screening.clinic_id,
            client_id=high_risk_screening.client_id,
            screening=high_risk_screening,
            ruleset_id=high_risk_screening.ruleset_id,
            physician_name="Dr. Ada Obi",
            cleared_on=today,
            expires_on=today - datetime.timedelta(days=1),
            rule_ids=["PREGNANCY-HIGH-RISK"],
            recorded_by=therapist,
        )


def test_demo_reviews_seed_every_kind_of_record(ruleset, clinic, therapist):
    from demo.review import seed_demo_reviews

    screenings = seed_demo_reviews(clinic, therapist)
    assert screenings["Robert Chen"].referrals.get().action == "referred"
    assert TreatmentPlan.objects.filter(compliant=False).exclude(override_reason="").count() == 1
    assert TreatmentPlan.objects.filter(compliant=True).count() == 1
    lucia = screenings["Lucia Moreno"].plans.get()
    assert lucia.pressure == 3
    assert lucia.region_pressure == {"abdomen": 1}
    assert screenings["Grace Okafor (cleared)"].decision == "modify"
    assert PhysicianClearance.objects.count() == 1


def test_each_finding_is_also_a_row_for_the_owners_figures(pregnant_screening):
    from review.models import ScreeningFinding

    rows = ScreeningFinding.objects.filter(screening=pregnant_screening)
    assert sorted(rows.values_list("rule_id", "decision")) == sorted(
        (f.rule_id, f.decision.value) for f in pregnant_screening.outcome.findings
    )
    row = rows.first()
    assert row.clinic_id == pregnant_screening.clinic_id
    assert row.created_at == pregnant_screening.created_at
    assert row.category == "pregnancy"
