from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def kiosk_idle_seconds() -> int:
    return settings.KIOSK_IDLE_SECONDS
