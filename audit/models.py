from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One read or change of a client's record: who, when, what, from where.

    Append-only: on PostgreSQL, triggers refuse UPDATE, DELETE and TRUNCATE for every role;
    each row carries a hash chained to the previous row of its clinic (see audit/chain.py and
    `manage.py verify_audit`).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        ARCHIVE = "archive", "Archived"
        EXPORT = "export", "Exported"
        DECIDE = "decide", "Decided"

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    # What was touched, by model label and public id (never a name: this table is read widely).
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # Names of the fields changed, or the part read ("clinical detail"); never their values.
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["clinic", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"
