from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Clinic
from audit.chain import verify_chain, verify_history_chain
from audit.history import HISTORY_TABLES
from audit.models import AuditEvent


def history_models():
    """The historical model of every table in HISTORY_TABLES, in that order."""
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    return [by_table[table] for table in HISTORY_TABLES]


class _counting:
    """Iterate `rows` and count them on the way."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the audit trail (per clinic) and of every row-change history "
        "table; exit 1 if either was tampered with."
    )

    def handle(self, *args, **options):
        breaks: list[str] = []
        checked = 0
        for clinic_id in Clinic.objects.values_list("pk", flat=True):
            events = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("id").iterator(2000)
            clinic_events = list(events)
            checked += len(clinic_events)
            breaks.extend(
                f"clinic {item.clinic_id}, event {item.event_id}: {item.reason}"
                for item in verify_chain(clinic_events)
            )
        history_checked = 0
        for model in history_models():
            # Streamed: a history table (intake autosaves) can be far larger than memory likes.
            rows = model._base_manager.order_by("history_id").iterator(2000)
            counted = _counting(rows)
            breaks.extend(
                f"history {item.table}, history_id {item.history_id}: {item.reason}"
                for item in verify_history_chain(model._meta.db_table, counted)
            )
            history_checked += counted.count
        if breaks:
            for line in breaks:
                self.stderr.write(line)
            raise CommandError(f"audit trail broken at {len(breaks)} place(s)")
        self.stdout.write(
            f"Audit trail intact: {checked} events checked, {history_checked} history rows checked."
        )
