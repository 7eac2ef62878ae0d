"""Read-only intake queries for the kiosk."""

from intake.models import Intake
from rules.catalogues import active_checksum_subquery


def kiosk_intake(token: str | None) -> Intake | None:
    """The intake a kiosk session holds and, as `active_ruleset`, the checksum of the rule set
    in use: one query per kiosk page. Kept lean (no joins, no sort: the token is unique)
    because every tablet request runs it; only the welcome page reads the client."""
    if not token:
        return None
    found = (
        Intake.objects.annotate(active_ruleset=active_checksum_subquery())
        .filter(kiosk_token=token)
        .order_by()[:1]
    )
    return found[0] if found else None
