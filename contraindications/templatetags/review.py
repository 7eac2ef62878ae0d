from django import template

from accounts.access import CLINICAL_STAFF
from accounts.roles import has_role
from contraindications.selectors import client_history

register = template.Library()


@register.simple_tag
def client_screenings(client, user) -> dict:
    """A client's screenings for the client page; decisions are shown to clinical staff only."""
    clinical = has_role(user, *CLINICAL_STAFF)
    history = client_history(client) if clinical else client.screenings.only("created_at")[:20]
    return {"clinical": clinical, "history": history}
