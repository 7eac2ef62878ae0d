"""What the front desk reads about visits: intakes with the booking status of their screening."""

from datetime import datetime, time, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from intake.models import Intake
from review.booking import booking_status
from review.models import Screening


def _with_decision(intakes):
    latest = Screening.objects.filter(intake=OuterRef("pk")).order_by("-created_at", "-id")
    return intakes.annotate(decision=Subquery(latest.values("decision")[:1])).defer(
        "signature_png", "answers"
    )


def _attach_status(intakes) -> list[Intake]:
    rows = list(intakes)
    for row in rows:
        row.booking = booking_status(status=row.status, decision=row.decision)
    return rows


def intake_history(client, limit: int = 10) -> list[Intake]:
    """The client's intakes, newest first, each with its booking status (one query)."""
    intakes = Intake.objects.filter(client=client).exclude(status=Intake.Status.CANCELLED)
    return _attach_status(_with_decision(intakes).order_by("-started_at")[:limit])


def todays_intakes(*, clinic_id, day=None) -> list[Intake]:
    """Intakes of the clinic submitted or started today (local time), with booking status."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = start + timedelta(days=1)
    intakes = (
        Intake.objects.filter(clinic_id=clinic_id)
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(status=Intake.Status.DRAFT, started_at__gte=start, started_at__lt=end)
        )
        .select_related("client")
        .only(
            "public_id",
            "kind",
            "status",
            "language",
            "started_at",
            "submitted_at",
            "client__public_id",
            "client__legal_name",
            "client__preferred_name",
        )
    )
    return _attach_status(_with_decision(intakes).order_by("-submitted_at", "-started_at"))
