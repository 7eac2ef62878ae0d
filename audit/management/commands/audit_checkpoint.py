"""Print a signed checkpoint of every clinic's audit chain: its length and its newest hash.

Keep the output OFF this host (print it, mail it to the owner, store it with the off-site
backups). `manage.py verify_audit --checkpoint FILE` then detects any event removed or rewritten
since, the newest ones included, which the chain alone cannot show (docs/DEPLOY.md).
"""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Clinic
from audit.chain import GENESIS, checkpoint_signature
from audit.models import AuditEvent


def chain_head(clinic_id: int) -> tuple[int, str]:
    events = AuditEvent.objects.filter(clinic_id=clinic_id)
    head = events.order_by("-id").values_list("hash", flat=True).first()
    return events.count(), head or GENESIS


def checkpoint() -> dict:
    entries = []
    for clinic_id in Clinic.objects.order_by("pk").values_list("pk", flat=True):
        count, head_hash = chain_head(clinic_id)
        entries.append(
            {
                "clinic": clinic_id,
                "count": count,
                "head_hash": head_hash,
                "signature": checkpoint_signature(
                    clinic_id=clinic_id, count=count, head_hash=head_hash
                ),
            }
        )
    return {"taken_at": timezone.now().isoformat(), "checkpoints": entries}


class Command(BaseCommand):
    help = (
        "Print (JSON) each clinic's audit chain head: count, hash and an HMAC signature. "
        "Keep it off this host; verify later with `verify_audit --checkpoint FILE`."
    )

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(checkpoint(), indent=2))
