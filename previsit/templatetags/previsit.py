"""The front desk's panel on the client page: send a link, and what became of the last one."""

from django import template
from django.utils import timezone

from previsit.forms import SendLinkForm
from previsit.selectors import completed_online_ids, latest_link_summary

register = template.Library()


@register.inclusion_tag("previsit/_panel.html", takes_context=True)
def previsit_panel(context, client):
    return {
        "client": client,
        "summary": latest_link_summary(client),
        "form": SendLinkForm(),
        "now": timezone.now(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def completed_online(intakes) -> set[int]:
    """The ids, among these intakes, of those the client completed on their phone (one query)."""
    return completed_online_ids([intake.pk for intake in intakes])
