"""The link token and the one-time codes, derived from a link's nonce under SECRET_KEY.

Derived rather than stored: the database keeps only the nonce and the token's SHA-256, so
neither a copy of it nor the task queue's table (which holds only a delivery id) opens a link.
A new SECRET_KEY ends every link sent under the old one (the client asks for a new one).
"""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode

from django.utils.crypto import salted_hmac

CODE_DIGITS = 6


def new_nonce() -> str:
    return secrets.token_hex(32)


def link_token(nonce: str) -> str:
    """256 bits, URL-safe, for /p/<token>/."""
    digest = salted_hmac("previsit.link", nonce, algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def one_time_code(nonce: str, counter: int) -> str:
    digest = salted_hmac("previsit.code", f"{nonce}:{counter}", algorithm="sha256").digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def codes_match(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
