"""Read-only intake queries for the kiosk."""

from django.db.models import F

from config.statements import OneValueQuery
from intake.models import Intake
from rules.catalogues import active_checksum_subquery

# Built once, like a class-based view's `queryset`: each request filters a clone (and never
# evaluates these), so the rule-set subqueries are not rebuilt and resolved on every tablet
# request, which cost about half the query's CPU (docs/PERFORMANCE.md, "Intake pages").
_KIOSK_INTAKES = Intake.objects.annotate(active_ruleset=active_checksum_subquery()).order_by()
# What the consent step needs of the client's record: two columns of a join, not a second
# query and not the whole record.
_KIOSK_INTAKES_WITH_CLIENT = _KIOSK_INTAKES.annotate(
    client_date_of_birth=F("client__date_of_birth"),
    client_physician_name=F("client__physician_name"),
)


# Compiled once too (config.statements): compiling the subqueries cost more than running them.
_BY_TOKEN = OneValueQuery(lambda token: _KIOSK_INTAKES.filter(kiosk_token=token)[:1], warm_up=True)
_BY_TOKEN_WITH_CLIENT = OneValueQuery(
    lambda token: _KIOSK_INTAKES_WITH_CLIENT.filter(kiosk_token=token)[:1], warm_up=True
)


def kiosk_intake(token: str | None, *, with_client: bool = False) -> Intake | None:
    """The intake a kiosk session holds and, as `active_ruleset`, the checksum of the rule set
    in use: one query per kiosk page. Kept lean (no joins, no sort: the token is unique)
    because every tablet request runs it. `with_client` adds, still in the one query, the
    client's `client_date_of_birth` and `client_physician_name` for the consent step."""
    if not token:
        return None
    return (_BY_TOKEN_WITH_CLIENT if with_client else _BY_TOKEN).first(token)
