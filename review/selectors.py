"""Read-only queries shared by the review pages and the PDFs (display: review/presenters.py).

Clinic scoping comes from clients.selectors: a screening is visible only through a client the
user may see.
"""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contraindications.engine import Decision
from review.models import PhysicianClearance, ReferralDecision, Screening, TreatmentPlan

# Decisions that need the therapist to record what was done (referral decision).
ACTIONABLE = frozenset(
    {Decision.REFER_URGENT.value, Decision.REFER.value, Decision.CLEARANCE_REQUIRED.value}
)
CLEARABLE = frozenset({Decision.REFER.value, Decision.CLEARANCE_REQUIRED.value})

TODAY_WINDOW = timedelta(days=2)


def screenings_visible_to(user):
    if not user.is_authenticated or user.clinic_id is None:
        return Screening.objects.none()
    return Screening.objects.filter(clinic_id=user.clinic_id, client__clinic_id=user.clinic_id)


def get_screening_for(user, public_id) -> Screening:
    """The screening in the user's clinic, or 404 (never 403: no hint it exists)."""
    return get_object_or_404(
        screenings_visible_to(user).select_related("client", "ruleset", "intake"),
        public_id=public_id,
    )


def screenings_for_review(user, *, now=None):
    """The therapist's "today" list in one query: recent screenings, most severe first."""
    now = now or timezone.now()
    return (
        screenings_visible_to(user)
        .filter(created_at__gte=now - TODAY_WINDOW, client__archived_at__isnull=True)
        .select_related("client")
        .only(
            "public_id",
            "decision",
            "created_at",
            "client__public_id",
            "client__legal_name",
            "client__preferred_name",
        )
        .annotate(
            has_plan=Exists(TreatmentPlan.objects.filter(screening=OuterRef("pk"))),
            has_referral=Exists(ReferralDecision.objects.filter(screening=OuterRef("pk"))),
        )
        .order_by("-created_at", "-id")
    )


def valid_clearances(client, *, on: date | None = None):
    on = on or timezone.localdate()
    return PhysicianClearance.objects.filter(
        client=client, cleared_on__lte=on, expires_on__gte=on
    ).order_by("-recorded_at")


def cleared_rule_ids_for(client, *, on: date | None = None) -> frozenset[str]:
    """Rules covered by a valid clearance today: pass these to screen_intake for this client."""
    ids: set[str] = set()
    for rule_ids in valid_clearances(client, on=on).values_list("rule_ids", flat=True):
        ids.update(rule_ids)
    return frozenset(ids)


def client_history(client):
    """The client's screenings, newest first, with the decisions, plans and clearances on each."""
    return (
        Screening.objects.filter(client=client)
        .select_related("performed_by")
        .only(
            "public_id", "decision", "created_at", "cleared_rule_ids", "performed_by", "client_id"
        )
        .prefetch_related(
            "referrals__decided_by",
            "plans__created_by",
            "clearances__recorded_by",
        )
        .order_by("-created_at", "-id")
    )


def latest_referral(screening: Screening) -> ReferralDecision | None:
    return screening.referrals.select_related("decided_by").order_by("-decided_at", "-id").first()


def latest_plan(screening: Screening) -> TreatmentPlan | None:
    return screening.plans.select_related("created_by").order_by("-created_at", "-id").first()
