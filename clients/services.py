"""Workflows that change a client's record; each change is written to the audit trail."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from audit.services import record_archiving, record_change, record_creation
from clients.models import Client


@transaction.atomic
def create_client(
    *, clinic_id: int, created_by: Any, ip: str | None = None, **fields: Any
) -> Client:
    client = Client.objects.create(
        clinic_id=clinic_id, created_by=created_by, updated_by=created_by, **fields
    )
    record_creation(client, by=created_by, ip=ip)
    return client


class ClientEditConflict(DomainError):
    """Someone saved the client after the editor loaded it; `current` is what they saved.
    Its code is "edit_conflict"; it is about the whole record, so no one field."""

    def __init__(self, current: Client) -> None:
        super().__init__(
            "Someone else changed this client while you were editing (now version "
            f"{current.version}).",
            "edit_conflict",
        )
        self.current = current


@transaction.atomic
def update_client(
    *, client: Client, expected_version: int, updated_by: Any, ip: str | None = None, **fields: Any
) -> Client:
    """Save an edit made from `expected_version` of the record, or raise ClientEditConflict.

    The version check and the write happen under the row lock taken by the first UPDATE, so
    of two editors saving at once exactly one wins; the other is told, never overwritten.
    """
    claimed = Client.objects.filter(pk=client.pk, version=expected_version).update(
        version=expected_version
    )
    current = Client.objects.get(pk=client.pk)
    if not claimed:
        raise ClientEditConflict(current)
    changed = [name for name, value in fields.items() if getattr(current, name) != value]
    if not changed:
        client.refresh_from_db()
        return client
    for name in changed:
        setattr(current, name, fields[name])
    current.updated_by = updated_by
    current.version = expected_version + 1
    # save(), not a queryset update: the row-change history records it.
    current.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    record_change(current, by=updated_by, detail=", ".join(sorted(changed)), ip=ip)
    client.refresh_from_db()
    return client


@transaction.atomic
def archive_client(*, client: Client, archived_by: Any, ip: str | None = None) -> Client:
    if client.is_archived:
        return client
    client.archived_at = timezone.now()
    client.archived_by = archived_by
    client.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record_archiving(client, by=archived_by, ip=ip)
    return client


@transaction.atomic
def restore_client(*, client: Client, restored_by: Any, ip: str | None = None) -> Client:
    if not client.is_archived:
        return client
    client.archived_at = None
    client.archived_by = None
    client.updated_by = restored_by
    client.save(update_fields=["archived_at", "archived_by", "updated_by", "updated_at"])
    record_change(client, by=restored_by, detail="restored from archive", ip=ip)
    return client
