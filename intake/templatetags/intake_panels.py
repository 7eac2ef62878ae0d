"""The intake parts of the client page (its template marks where they go)."""

from django import template
from django.conf import settings

from intake.selectors import intake_history
from intake.services import needs_full_renewal

register = template.Library()


def _latest_submitted(intakes):
    submitted = [i for i in intakes if i.status == "submitted"]
    return max(submitted, key=lambda i: i.submitted_at, default=None)


def _panel_context(context, client) -> dict:
    # Both tags share one history query per page.
    cache = context.render_context.setdefault("intake_panels", {})
    if client.pk not in cache:
        intakes = intake_history(client)
        cache[client.pk] = {
            "client": client,
            "intakes": intakes,
            "draft": next((i for i in intakes if i.status == "draft"), None),
            "full_needed": needs_full_renewal(
                last=_latest_submitted(intakes),
                renewal_months=client.clinic.intake_renewal_months,
            ),
            "renewal_months": client.clinic.intake_renewal_months,
        }
    return {**cache[client.pk], "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("intake/_client_intake_actions.html", takes_context=True)
def intake_actions(context, client):
    return _panel_context(context, client)


@register.inclusion_tag("intake/_client_intake_history.html", takes_context=True)
def intake_history_panel(context, client):
    return _panel_context(context, client)


@register.simple_tag
def kiosk_idle_seconds() -> int:
    return settings.KIOSK_IDLE_SECONDS
