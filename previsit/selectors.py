from dataclasses import dataclass
from typing import Any

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


def client_links(client):
    """The client's links, newest first, each with its intake's status and booking decision
    (subqueries, not more queries; not the intake's whole row with its answers and signature).
    `client` may be an OuterRef: the client page reads the newest along with the client."""
    decision = (
        Screening.objects.filter(intake_id=OuterRef("intake_id"))
        .order_by("-created_at")
        .values("decision")[:1]
    )
    return (
        PrevisitLink.objects.filter(client=client)
        .annotate(screening_decision=Subquery(decision), intake_status=F("intake__status"))
        .order_by("-created_at", "-id")
    )


def link_summary(link: Any, deliveries: list[Delivery]) -> LinkSummary | None:
    """`link`: one of client_links (with their annotations), or None."""
    if link is None:
        return None
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


def latest_link_summary(client) -> LinkSummary | None:
    """The client's newest link, its sends, and the booking status when it was completed."""
    link = client_links(client).first()
    return link_summary(link, list(link.deliveries.all()) if link else [])


def completed_online_ids(intake_ids) -> set[int]:
    return set(
        PrevisitLink.objects.filter(intake_id__in=intake_ids, completed_at__isnull=False)
        .values_list("intake_id", flat=True)
        .distinct()
    )
