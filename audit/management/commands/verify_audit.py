import hmac
import json
import sys
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Clinic
from audit.chain import GENESIS, checkpoint_signature, verify_chain, verify_history_chain
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


def load_checkpoint(path: str, stdin=None) -> list[dict]:
    """The entries of a checkpoint file (`-`: standard input, e.g. piped in from off the host)."""
    try:
        text = (stdin or sys.stdin).read() if path == "-" else Path(path).read_text()
        document = json.loads(text)
        entries = document["checkpoints"]
        return [
            {
                "clinic": int(entry["clinic"]),
                "count": int(entry["count"]),
                "head_hash": str(entry["head_hash"]),
                "signature": str(entry["signature"]),
            }
            for entry in entries
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommandError(f"cannot read checkpoint {path}: {error}") from error


def checkpoint_breaks(entry: dict, hashes_by_clinic: dict[int, list[str]]) -> list[str]:
    """Why the chain of the checkpoint's clinic no longer extends the checkpoint, if it does not."""
    clinic, count, head = entry["clinic"], entry["count"], entry["head_hash"]
    expected = checkpoint_signature(clinic_id=clinic, count=count, head_hash=head)
    if not hmac.compare_digest(expected, entry["signature"]):
        return [f"checkpoint for clinic {clinic}: signature is wrong (forged or another key)"]
    hashes = hashes_by_clinic.get(clinic, [])
    if len(hashes) < count:
        return [
            f"checkpoint for clinic {clinic}: {count} events at the checkpoint, "
            f"only {len(hashes)} now (events were removed)"
        ]
    now_at_head = hashes[count - 1] if count else GENESIS
    if now_at_head != head:
        return [
            f"checkpoint for clinic {clinic}: event {count} no longer has the checkpoint's hash "
            "(events were removed or rewritten)"
        ]
    return []


class Command(BaseCommand):
    help = (
        "Verify the hash chains of the audit trail (per clinic) and of every row-change history "
        "table; exit 1 if either was tampered with."
    )

    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a file printed earlier by `manage.py audit_checkpoint` (`-`: read it from "
            "standard input): also fail if any clinic's chain no longer extends it (events "
            "removed or rewritten since)",
        )

    def handle(self, *args, **options):
        path = options["checkpoint"]
        checkpoints = load_checkpoint(path, options.get("stdin")) if path else []
        breaks: list[str] = []
        checked = 0
        hashes_by_clinic: dict[int, list[str]] = {}
        for clinic_id in Clinic.objects.values_list("pk", flat=True):
            events = AuditEvent.objects.filter(clinic_id=clinic_id).order_by("id").iterator(2000)
            clinic_events = list(events)
            checked += len(clinic_events)
            hashes_by_clinic[clinic_id] = [event.hash for event in clinic_events]
            breaks.extend(
                f"clinic {item.clinic_id}, event {item.event_id}: {item.reason}"
                for item in verify_chain(clinic_events)
            )
        for entry in checkpoints:
            breaks.extend(checkpoint_breaks(entry, hashes_by_clinic))
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
            + (f" Extends the checkpoint of {len(checkpoints)} clinic(s)." if checkpoints else "")
        )
