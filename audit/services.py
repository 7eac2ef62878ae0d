from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, digest_of
from audit.models import AuditEvent

# Namespace for the advisory lock that serialises each clinic's chain (any fixed number).
CHAIN_LOCK_NAMESPACE = 7_110_001


@transaction.atomic
def record_event(
    *,
    actor: Any,
    clinic_id: int,
    action: str,
    target: Any,
    detail: str = "",
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit event for `target` (any model instance with a clinic).

    `ip` is the client address, given by the caller (services get it from the view): services
    never see the request.
    """
    if connection.vendor == "postgresql":
        # Two writers must not both chain onto the same previous event.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_NAMESPACE, clinic_id]
            )
    prev_hash = (
        AuditEvent.objects.filter(clinic_id=clinic_id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
        or GENESIS
    )
    object_id = getattr(target, "public_id", None) or target.pk
    event = AuditEvent(
        clinic_id=clinic_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label,
        object_id=str(object_id),
        detail=detail[:500],
        ip_address=ip,
        at=timezone.now(),
        prev_hash=prev_hash,
    )
    event.hash = digest_of(event, prev_hash)
    event.save(force_insert=True)
    return event
