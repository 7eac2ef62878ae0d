from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery

from previsit.models import Delivery, PrevisitLink
from review.booking import BookingStatus, booking_status
from review.models import Screening


@dataclass(frozen=True)
class LinkSummary:
    link: PrevisitLink
    closed: str | None
    deliveries: list[Delivery]
    failed: list[Delivery]
    booking: BookingStatus | None  # once the intake was completed online


def latest_link_summary(client) -> LinkSummary | None:
    """The client's newest link, its sends, and the booking status when it was completed."""
    # The decision on the link's intake comes with the link (a subquery, not a second query).
    decision = (
        Screening.objects.filter(intake_id=OuterRef("intake_id"))
        .order_by("-created_at")
        .values("decision")[:1]
    )
    link = (
        PrevisitLink.objects.filter(client=client)
        # Only the intake's status (not the whole row, with its answers and signature image).
        .annotate(screening_decision=Subquery(decision), intake_status=F("intake__status"))
        .first()
    )
    if link is None:
        return None
    deliveries = list(link.deliveries.all())
    booking = None
    if link.completed_at is not None:
        booking = booking_status(status=link.intake_status, decision=link.screening_decision)
    return LinkSummary(
        link=link,
        closed=link.closed(),
        deliveries=deliveries,
        failed=[d for d in deliveries if d.status == Delivery.Status.FAILED],
        booking=booking,
    )


def completed_online_ids(intake_ids) -> set[int]:
    return set(
        PrevisitLink.objects.filter(intake_id__in=intake_ids, completed_at__isnull=False)
        .values_list("intake_id", flat=True)
        .distinct()
    )
