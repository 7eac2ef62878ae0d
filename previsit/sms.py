"""Text messages through a provider interface: one `send(to=, body=)`, chosen by SMS_BACKEND.

`TwilioStyleBackend` posts a form (From, To, Body) with HTTP basic auth, as Twilio's Messages
API and many others take it; `ConsoleBackend` prints the message (the laptop demo).
"""

import base64
import sys
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """A send that did not go out; the message is the kind of failure, never the text sent."""


class ConsoleBackend:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, body: str) -> None:
        self.stream.write(f"--- SMS to {to} ---\n{body}\n---\n")
        self.stream.flush()


class TwilioStyleBackend:
    def __init__(self):
        self.url = settings.SMS_API_URL
        self.account = settings.SMS_ACCOUNT
        self.secret = settings.SMS_TOKEN
        self.sender = settings.SMS_FROM
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def send(self, *, to: str, body: str) -> None:
        if not self.url:
            raise SmsError("SMS_API_URL is not set")
        data = urllib.parse.urlencode({"From": self.sender, "To": to, "Body": body}).encode()
        request = urllib.request.Request(self.url, data=data, method="POST")  # noqa: S310
        credentials = base64.b64encode(f"{self.account}:{self.secret}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                status = response.status
        except urllib.error.HTTPError as error:
            error.close()
            raise SmsError(f"HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise SmsError(type(error).__name__) from None
        if not 200 <= status < 300:
            raise SmsError(f"HTTP {status}")


def get_backend():
    return import_string(settings.SMS_BACKEND)()
