import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from previsit.services import issue_link

LINK = re.compile(r"https?://[^\s\"<]+/p/([A-Za-z0-9_-]{40,})/")
CODE = re.compile(r"\b(\d{6})\b")


def send(client_record, *, by, channel="email", visit_in=timedelta(days=2)):
    return issue_link(
        client=client_record,
        channel=channel,
        visit_at=timezone.now() + visit_in,
        issued_by=by,
    )


def token_from(text: str) -> str:
    return LINK.search(text).group(1)


def last_code() -> str:
    return CODE.search(mail.outbox[-1].body).group(1)


def open_and_verify(browser, token, client_record):
    """Django test client: open the link, give the date of birth and the emailed code."""
    browser.get(f"/p/{token}/")
    browser.post("/p/verify/", {"date_of_birth": client_record.date_of_birth.isoformat()})
    return browser.post("/p/code/", {"code": last_code()})
