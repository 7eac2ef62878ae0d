"""Workflows that change a client's record; each change is written to the audit trail."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from clients.models import Client


@transaction.atomic
def create_client(*, clinic_id, created_by, request=None, **fields) -> Client:
    client = Client.objects.create(
        clinic_id=clinic_id, created_by=created_by, updated_by=created_by, **fields
    )
    record_event(
        actor=created_by,
        clinic_id=clinic_id,
        action=AuditEvent.Action.CREATE,
        target=client,
        request=request,
    )
    return client


@transaction.atomic
def update_client(*, client: Client, updated_by, request=None, **fields) -> Client:
    changed = [name for name, value in fields.items() if getattr(client, name) != value]
    if not changed:
        return client
    for name in changed:
        setattr(client, name, fields[name])
    client.updated_by = updated_by
    client.save(update_fields=[*changed, "updated_by", "updated_at"])
    record_event(
        actor=updated_by,
        clinic_id=client.clinic_id,
        action=AuditEvent.Action.UPDATE,
        target=client,
        detail=", ".join(sorted(changed)),
        request=request,
    )
    return client


@transaction.atomic
def archive_client(*, client: Client, archived_by, request=None) -> Client:
    if client.is_archived:
        return client
    client.archived_at = timezone.now()
    client.archived_by = archived_by
    client.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record_event(
        actor=archived_by,
        clinic_id=client.clinic_id,
        action=AuditEvent.Action.ARCHIVE,
        target=client,
        request=request,
    )
    return client


@transaction.atomic
def restore_client(*, client: Client, restored_by, request=None) -> Client:
    if not client.is_archived:
        return client
    client.archived_at = None
    client.archived_by = None
    client.updated_by = restored_by
    client.save(update_fields=["archived_at", "archived_by", "updated_by", "updated_at"])
    record_event(
        actor=restored_by,
        clinic_id=client.clinic_id,
        action=AuditEvent.Action.UPDATE,
        target=client,
        detail="restored from archive",
        request=request,
    )
    return client
