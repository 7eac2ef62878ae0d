"""The demo clinic's six months of history (demo/history.py): every decision, several
therapists with overrides, two rule-set versions, a valid audit chain, the same every run, and
the owners' pages showing it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Clinic, User
from accounts.roles import Role
from audit.models import AuditEvent
from contraindications.engine import Decision
from demo.builders import stored_signature_png, submitted_intake, submitted_intake_row
from demo.history import (
    ADDED_SINCE,
    CLIENTS,
    EARLIER_SOURCE,
    SWITCH_WEEK,
    THERAPISTS,
    WEEKS,
    History,
    insert_as_given,
    seed_demo_history,
)
from demo.intakes import NOTHING
from demo.management.commands.seed_demo import Command
from intake.models import Intake
from review.models import (
    PhysicianClearance,
    ReferralDecision,
    ReferralDecisionRule,
    Screening,
    ScreeningFinding,
    TreatmentPlan,
)
from rules.models import RuleSetVersion
from rules.selectors import active_version
from tests.conftest import login
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(ruleset):
    call_command("seed_demo", stdout=io.StringIO())
    return Clinic.objects.get(slug="riverside-demo")


def _midnight():
    return timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )


def _past(clinic):
    """The clinic's screenings from before today (the history, not today's hand-made cases)."""
    return Screening.objects.filter(clinic=clinic, created_at__lt=_midnight())


def test_history_has_every_decision_over_26_weeks(seeded):
    past = _past(seeded)
    assert 700 <= past.count() <= 800  # README: "about 740"
    assert set(past.values_list("decision", flat=True)) == {d.value for d in Decision}
    first = past.order_by("created_at").first().created_at
    assert timezone.localdate() - timezone.localdate(first) in {
        timedelta(weeks=WEEKS) - timedelta(days=n) for n in range(4)
    }
    weeks = {
        timezone.localdate(at).isocalendar()[:2] for at in past.values_list("created_at", flat=True)
    }
    assert len(weeks) >= WEEKS
    assert Screening.objects.filter(clinic=seeded, created_at__gt=timezone.now()).count() == 0
    assert seeded.clients.count() >= CLIENTS
    # Screenings carry their finding rows, as live screening stores them (the fatigue figures).
    assert ScreeningFinding.objects.filter(screening__in=past).count() == sum(
        len(s.outcome.findings) for s in past.only("result")
    )


def test_several_therapists_override_with_reasons(seeded):
    plan_overrides = TreatmentPlan.objects.filter(clinic=seeded, compliant=False)
    referral_overrides = ReferralDecision.objects.filter(clinic=seeded, action="overridden")
    overriders = set(plan_overrides.values_list("created_by__username", flat=True)) | set(
        referral_overrides.values_list("decided_by__username", flat=True)
    )
    assert {"kofi", "lena", "therapist"} <= overriders
    assert not plan_overrides.filter(override_reason="").exists()
    assert not referral_overrides.filter(reason="").exists()
    for username, *_ in THERAPISTS[1:]:  # in the figures only: nobody logs in as them
        therapist = User.objects.get(username=username)
        assert therapist.groups.filter(name=Role.THERAPIST.value).exists()
        assert not therapist.has_usable_password()
    # The named, hand-made cases stay today's.
    assert (
        timezone.localdate(
            Screening.objects.filter(client__legal_name="Robert Chen").get().created_at
        )
        == timezone.localdate()
    )
    actions = set(ReferralDecision.objects.filter(clinic=seeded).values_list("action", flat=True))
    assert actions == {"referred", "postponed", "overridden"}
    # Each decision answers its findings in the rows the dashboard counts by rule.
    for decision in ReferralDecision.objects.filter(clinic=seeded)[:50]:
        rules = ReferralDecisionRule.objects.filter(decision=decision)
        assert sorted(rules.values_list("rule_id", flat=True)) == decision.rule_ids


def test_clearances_rescreen_the_intake_with_the_cleared_rules(seeded):
    clearances = PhysicianClearance.objects.filter(clinic=seeded, recorded_at__lt=_midnight())
    assert clearances.count() >= 20
    for clearance in clearances[:20]:
        again = Screening.objects.get(
            intake=clearance.screening.intake, created_at=clearance.recorded_at
        )
        assert again.cleared_rule_ids == clearance.rule_ids
        assert again.decision not in {"clearance_required"}
        assert clearance.cleared_on <= timezone.localdate(clearance.recorded_at)


def test_an_earlier_rule_set_was_in_use_for_the_first_months(seeded):
    current = active_version(seeded)
    earlier = RuleSetVersion.objects.get(source_name=EARLIER_SOURCE)
    assert earlier.rule_count == current.rule_count - len(ADDED_SINCE)
    past = _past(seeded)
    switch = timezone.now() - timedelta(weeks=SWITCH_WEEK)
    before = past.filter(created_at__lt=switch - timedelta(days=1))
    after = past.filter(created_at__gt=switch + timedelta(days=1))
    assert set(before.values_list("ruleset", flat=True)) == {earlier.pk}
    assert set(after.values_list("ruleset", flat=True)) == {current.pk}
    assert earlier.loaded_at < past.order_by("created_at").first().created_at


def test_seed_demo_runs_once_and_leaves_a_valid_audit_chain_in_time_order(seeded):
    counts = (Screening.objects.count(), AuditEvent.objects.count(), seeded.clients.count())
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    call_command("seed_demo", stdout=io.StringIO())
    # Again: no second history; the hand-made cases behave as before (the oversight one adds
    # its three screenings again, as it always has).
    assert seeded.clients.count() == counts[2]
    assert Screening.objects.count() - counts[0] == 3
    call_command("verify_audit", stdout=io.StringIO())
    times = list(
        AuditEvent.objects.filter(clinic=seeded).order_by("id").values_list("at", flat=True)
    )
    assert times == sorted(times)
    reads = AuditEvent.objects.filter(clinic=seeded, action="view", detail="clinical detail")
    assert reads.count() >= 600
    assert reads.values("actor").distinct().count() == 5


def _fingerprint(clinic):
    return sorted(
        (s.client.legal_name, s.created_at, s.decision, s.performed_by.username, s.ruleset.version)
        for s in Screening.objects.filter(clinic=clinic).select_related(
            "client", "performed_by", "ruleset"
        )
    )


class _Rollback(Exception):
    pass


def test_history_is_the_same_every_run(ruleset, django_assert_max_num_queries):
    clinic = Clinic.objects.create(slug="riverside-demo", name="Riverside Massage Clinic")
    for username, role in [("frontdesk", Role.FRONT_DESK), ("owner", Role.OWNER)]:
        Command()._staff(clinic, username, "A", "B", role, False)
    today = timezone.localdate()
    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                with django_assert_max_num_queries(100):
                    made = seed_demo_history(clinic, today=today)
                runs.append((made, _fingerprint(clinic)))
                raise _Rollback
        except _Rollback:
            pass
    assert runs[0] == runs[1]
    assert runs[0][0] != History()
    assert len(runs[0][1]) == runs[0][0].screenings


def test_owner_pages_show_the_history_at_a_bounded_cost(
    client, seeded, django_assert_max_num_queries
):
    owner = User.objects.get(username="owner")
    login(client, owner)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("oversight:dashboard"))
    data = page.context["data"]
    assert data.total >= 150
    assert len([week for week in data.weeks if week.total]) >= WEEKS - 1
    assert {t.label for t in data.therapists} >= {
        f"{first} {last}" for _, first, last, *_ in THERAPISTS
    }
    with django_assert_max_num_queries(20):
        trail = client.get(reverse("oversight:trail"))
    assert trail.status_code == 200
    assert trail.context["rows"]
    earlier = RuleSetVersion.objects.get(source_name=EARLIER_SOURCE)
    replay = client.get(reverse("oversight:ruleset", args=[earlier.version]), {"months": 6})
    result = replay.context["replay"]
    assert result.screened >= 600
    assert result.rows  # the rules added since change some of the recent decisions
    assert {row_id for row in result.rows for row_id in row.rule_ids} & set(ADDED_SINCE)


def test_the_bulk_intake_is_the_tablet_paths_intake(ruleset):
    person = ClientFactory()
    answers = dict(NOTHING)
    made = submitted_intake(client=person, answers=answers)
    twin = submitted_intake_row(
        client=person,
        answers=made.answers,
        catalogue_version=made.catalogue_version,
        consent=made.consent,
        started_by=None,
        started_at=made.started_at - timedelta(days=30),
        submitted_at=made.submitted_at - timedelta(days=30),
        previous=made,
        signature_png_bytes=stored_signature_png(),
    )
    insert_as_given(Intake, [twin])
    twin.refresh_from_db()
    made.refresh_from_db()
    assert twin.started_at == made.started_at - timedelta(days=30)  # kept as given

    def filled(intake):
        skip = {"id", "public_id", "previous", "kind", "started_at", "updated_at"}
        return {
            f.name
            for f in Intake._meta.concrete_fields
            if f.name not in skip and getattr(intake, f.attname) not in (None, "")
        }

    assert filled(twin) == filled(made)
    assert bytes(twin.signature_png) == bytes(made.signature_png)
    assert (twin.status, twin.kind, twin.answers) == ("submitted", "update", made.answers)
