"""The tablet's device secret and its one-time enrolment code. Only SHA-256 digests are kept."""

import hashlib
import secrets

# No 0/O, 1/I/L: the code is read off the owner's screen and typed on the tablet.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits, for a quarter of an hour, once


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_enrol_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())[: CODE_LENGTH * 2]


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
