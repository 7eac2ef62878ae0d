"""Compose and send one message; run by the worker (previsit/tasks.py), off the request path.

What the message says: the clinic's name, the visit date, the link or the code. Never the
client's name and never anything about health: a phone's lock screen shows it to anyone.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from previsit import sms, tokens
from previsit.models import Delivery, PrevisitLink

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# Seconds to wait before each retry (the backend defers them when it can).
BACKOFF = [30, 120, 600]


def link_url(link: PrevisitLink) -> str:
    path = reverse("previsit:open", kwargs={"token": tokens.link_token(link.nonce)})
    return settings.PREVISIT_BASE_URL.rstrip("/") + path


def compose(delivery: Delivery) -> tuple[str, str, str]:
    """(subject, plain text, HTML) in the client's language."""
    link = delivery.link
    with translation.override(link.language):
        visit = timezone.localtime(link.visit_at)
        context = {
            "clinic": link.clinic.name,
            "visit": formats.date_format(visit, "l, F j") + " " + formats.time_format(visit),
            "expires": formats.date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT"),
            "kind": delivery.kind,
        }
        if delivery.kind == Delivery.Kind.CODE:
            context["code"] = tokens.one_time_code(link.nonce, delivery.code_counter)
            subject = _("%(clinic)s: your code") % context
        else:
            context["url"] = link_url(link)
            subject = _("%(clinic)s: before your visit on %(visit)s") % context
        text = render_to_string("previsit/message.txt", context).strip()
        html = render_to_string("previsit/message.html", context)
    return subject, text, html


def _send(delivery: Delivery) -> None:
    subject, text, html = compose(delivery)
    link = delivery.link
    if delivery.channel == PrevisitLink.Channel.EMAIL:
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=formataddr((link.clinic.name, settings.DEFAULT_FROM_EMAIL)),
            to=[link.client.email],
            reply_to=[link.clinic.reply_to_email] if link.clinic.reply_to_email else None,
        )
        message.attach_alternative(html, "text/html")
        message.send()
    else:
        sms.get_backend().send(to=link.client.phone, body=text)


def attempt(delivery_id: int) -> str:
    """Try one delivery once; on failure schedule the next try or give up. Returns its status."""
    delivery = (
        Delivery.objects.select_related("link__clinic", "link__client")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
        return delivery.status if delivery else "missing"
    delivery.attempts += 1
    try:
        _send(delivery)
    except (smtplib.SMTPException, OSError, sms.SmsError) as error:
        # The kind of failure only: an SMTP reply or an HTTP body may quote the message.
        delivery.error = (
            f"{type(error).__name__}: {error}"
            if isinstance(error, sms.SmsError)
            else type(error).__name__
        )[:200]
        logger.warning("previsit delivery %s failed (%s)", delivery.pk, delivery.error)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["attempts", "error", "status"])
        else:
            delivery.status = Delivery.Status.RETRYING
            delivery.save(update_fields=["attempts", "error", "status"])
            from previsit.tasks import enqueue_delivery

            enqueue_delivery(delivery, delay=timedelta(seconds=BACKOFF[delivery.attempts - 1]))
        return delivery.status
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["attempts", "error", "status", "sent_at"])
    return delivery.status
