from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Clinic
from audit.chain import GENESIS, digest_of
from audit.models import AuditEvent

# Namespace for the advisory lock that serialises each clinic's chain (any fixed number).
CHAIN_LOCK_NAMESPACE = 7_110_001

# Two statements sent in one round trip (psycopg's client-side cursor sends them as one simple
# query). The lock must be its own statement, before the read: in READ COMMITTED each statement
# reads from a snapshot taken when it starts, so the read, started once the lock is granted,
# sees the event the previous holder committed. (One statement holding both would read from a
# snapshot taken before it waited for the lock, and chain onto a stale head.)
_HEAD = 'SELECT "hash" FROM "audit_auditevent" WHERE "clinic_id" = %s ORDER BY "id" DESC LIMIT 1'
_LOCK_THEN_HEAD = "SELECT pg_advisory_xact_lock(%s, %s); " + _HEAD
_IP_FIELD = AuditEvent._meta.get_field("ip_address")
_INSERT = (
    'INSERT INTO "audit_auditevent" ("clinic_id", "actor_id", "action", "object_type", '
    '"object_id", "detail", "ip_address", "at", "prev_hash", "hash") '
    'VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING "id"'
)


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

    Three statements in two round trips, written as SQL rather than through the ORM (this runs
    on every audited read; building the two queries cost more CPU than the page's own work):
    the clinic's chain lock and its head, then the insert.
    """
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
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two writers must not both chain onto the same previous event.
            cursor.execute(_LOCK_THEN_HEAD, [CHAIN_LOCK_NAMESPACE, clinic_id, clinic_id])
            cursor.nextset()
        else:
            cursor.execute(_HEAD, [clinic_id])
        head = cursor.fetchone()
        event.prev_hash = head[0] if head else GENESIS
        event.hash = digest_of(event, event.prev_hash)
        cursor.execute(
            _INSERT,
            [
                event.clinic_id,
                event.actor_id,
                event.action,
                event.object_type,
                event.object_id,
                event.detail,
                _IP_FIELD.get_db_prep_value(event.ip_address, connection),
                event.at,
                event.prev_hash,
                event.hash,
            ],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
    return event


def clinic_of(target: Any) -> int:
    """The clinic whose chain records what happens to `target`: its own, or itself."""
    return target.pk if isinstance(target, Clinic) else target.clinic_id


class _Recorder:
    """`by` did this to `target`: one event in the chain of the target's clinic, or of `clinic_id`
    for a target every clinic shares (a rule-set version). The action is the recorder's."""

    def __init__(self, action: str) -> None:
        self.action = action

    def __call__(
        self,
        target: Any,
        *,
        by: Any,
        detail: str = "",
        ip: str | None = None,
        clinic_id: int | None = None,
    ) -> AuditEvent:
        return record_event(
            actor=by,
            clinic_id=clinic_of(target) if clinic_id is None else clinic_id,
            action=self.action,
            target=target,
            detail=detail,
            ip=ip,
        )


# One per action a service states; `record_event` stays for an action chosen at run time.
record_creation = _Recorder(AuditEvent.Action.CREATE)
record_change = _Recorder(AuditEvent.Action.UPDATE)
record_archiving = _Recorder(AuditEvent.Action.ARCHIVE)
record_export = _Recorder(AuditEvent.Action.EXPORT)
record_view = _Recorder(AuditEvent.Action.VIEW)
