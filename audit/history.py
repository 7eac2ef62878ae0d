"""Row-change history (django-simple-history) for the records owners answer for.

Every save of a tracked model adds a row to its `Historical...` table with the values after the
change, who made it and from which address. On PostgreSQL those tables are append-only like
the audit trail (audit/migrations/0003_history_append_only.py).

To track another model, give it `history = tracked_history()` and list its history table in
HISTORY_TABLES below (then add a migration that installs the triggers on it).
"""

from django.db import models
from simple_history.models import HistoricalRecords

from config.client_ip import client_ip

# Who made a change when no request is at hand (services, commands): the record's own actor.
ACTOR_FIELDS = (
    "updated_by",
    "decided_by",
    "created_by",
    "recorded_by",
    "performed_by",
    "loaded_by",
)

# Tables made append-only by 0003_history_append_only (and later migrations).
HISTORY_TABLES = [
    "clients_historicalclient",
    "intake_historicalintake",
    "contraindications_historicalrulesetversion",
    "contraindications_historicalscreening",
    "contraindications_historicaltreatmentplan",
    "contraindications_historicalreferraldecision",
    "contraindications_historicalphysicianclearance",
]


def _history_user(instance, request, **kwargs):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    for name in ACTOR_FIELDS:
        actor_id = getattr(instance, f"{name}_id", None)
        if actor_id is not None:
            return getattr(instance, name)
    return None


class HistoryContext(models.Model):
    """Fields every history row carries besides the tracked model's own."""

    history_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.history_ip is None:
            self.history_ip = client_ip(getattr(HistoricalRecords.context, "request", None))
        super().save(*args, **kwargs)


def tracked_history(**kwargs) -> HistoricalRecords:
    return HistoricalRecords(get_user=_history_user, bases=[HistoryContext], **kwargs)
