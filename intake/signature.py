"""The finger signature arrives as a PNG data URL; only a small, well-formed PNG is kept.
A client who cannot draw signs by typing their name instead (read_signature)."""

import base64
import binascii
import struct
import unicodedata
import zlib
from dataclasses import dataclass

from accounts.errors import DomainError

PREFIX = "data:image/png;base64,"
MAX_PNG_BYTES = 150_000
MAX_DATA_URL_CHARS = len(PREFIX) + (MAX_PNG_BYTES * 4) // 3 + 4
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_SIDE, MAX_SIDE = 100, 3000


class SignatureError(DomainError):
    def __init__(self, message: str, code: str, codes=()):
        super().__init__(message, code, None, codes)


def parse_signature(data_url: str) -> bytes:
    """The PNG bytes of a signature data URL; raises SignatureError with a code."""
    if not data_url:
        raise SignatureError("no signature", "missing_signature")
    if len(data_url) > MAX_DATA_URL_CHARS:
        raise SignatureError("signature image too large", "signature_too_large")
    if not data_url.startswith(PREFIX):
        raise SignatureError("signature is not a PNG data URL", "bad_signature")
    try:
        png = base64.b64decode(data_url[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("signature is not valid base64", "bad_signature") from exc
    _check_png(png)
    return png


def _check_png(png: bytes) -> None:
    if len(png) > MAX_PNG_BYTES:
        raise SignatureError("signature image too large", "signature_too_large")
    # Signature, then IHDR as the first chunk (length 13), with a correct CRC, then IEND last.
    if len(png) < 8 + 25 + 12 or not png.startswith(PNG_MAGIC):
        raise SignatureError("not a PNG image", "bad_signature")
    length, chunk_type = struct.unpack(">I4s", png[8:16])
    if chunk_type != b"IHDR" or length != 13:
        raise SignatureError("not a PNG image", "bad_signature")
    ihdr = png[16:29]
    (crc,) = struct.unpack(">I", png[29:33])
    if zlib.crc32(b"IHDR" + ihdr) != crc:
        raise SignatureError("damaged PNG image", "bad_signature")
    width, height = struct.unpack(">II", ihdr[:8])
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE // 2 <= height <= MAX_SIDE):
        raise SignatureError("unexpected signature size", "bad_signature")
    if not png.endswith(b"IEND\xaeB`\x82"):
        raise SignatureError("damaged PNG image", "bad_signature")
    if _is_blank(png, width, height, ihdr[8], ihdr[9]):
        raise SignatureError("signature is empty", "empty_signature")


def _is_blank(png: bytes, width: int, height: int, bit_depth: int, colour_type: int) -> bool:
    """True when every pixel of an 8-bit RGBA canvas export is fully transparent."""
    if bit_depth != 8 or colour_type != 6:
        return False  # not what a canvas exports; the other checks still apply
    idat, offset = [], 8
    while offset + 12 <= len(png):
        length, chunk_type = struct.unpack(">I4s", png[offset : offset + 8])
        if chunk_type == b"IDAT":
            idat.append(png[offset + 8 : offset + 8 + length])
        offset += 12 + length
    row = 1 + width * 4
    expected = row * height
    try:
        # Bounded output: a tiny, highly compressed file cannot expand without limit here.
        raw = zlib.decompressobj().decompress(b"".join(idat), expected)
    except zlib.error as exc:
        raise SignatureError("damaged PNG image", "bad_signature") from exc
    if len(raw) != expected:
        raise SignatureError("damaged PNG image", "bad_signature")
    # Each row starts with a filter byte; all-zero pixel bytes stay zero under every filter.
    return not any(raw[start + 1 : start + row].strip(b"\x00") for start in range(0, expected, row))


# ---------------------------------------------------------------- typed signature
# For a client who cannot draw on the screen: their full name, typed, with a tick that they
# understand it is their signature. Letters of any script (accents included), and the
# spaces, hyphens, apostrophes and periods names carry; nothing else.

NAME_MIN, NAME_MAX = 2, 200
# The typographic apostrophe is what many tablet keyboards type for "'".
NAME_PUNCTUATION = frozenset(" -'’.")


def normalise_typed_name(name: str) -> str:
    # NFC: "é" typed as e + combining accent is stored as the one letter a person reads.
    return " ".join(unicodedata.normalize("NFC", name).split())


def typed_name_problem(name: str) -> str | None:
    """The code of what is wrong with a typed name (already normalised), or None."""
    if not name:
        return "typed_name_missing"
    if len(name) > NAME_MAX:
        return "typed_name_too_long"
    if any(
        not (ch.isalpha() or ch in NAME_PUNCTUATION or unicodedata.category(ch).startswith("M"))
        for ch in name
    ):
        return "typed_name_bad_characters"
    if not any(ch.isalpha() for ch in name):
        return "typed_name_missing"
    if len(name) < NAME_MIN:
        return "typed_name_too_short"
    return None


@dataclass(frozen=True)
class Signature:
    method: str  # "drawn" or "typed", as Intake.SignatureMethod
    png: bytes | None = None
    typed_name: str = ""


def read_signature(*, drawn: str, typed_name: str, typed_confirmed: bool) -> Signature:
    """Exactly one signature: a drawn PNG data URL or a typed, confirmed name.

    Raises SignatureError; `codes` lists every problem of a typed signature at once (the name
    and the tick are separate fields, each with its own message)."""
    name = normalise_typed_name(typed_name)
    if drawn and name:
        raise SignatureError("both a drawn and a typed signature", "signature_both")
    if drawn or not (name or typed_confirmed):
        return Signature(method="drawn", png=parse_signature(drawn))
    codes = [code for code in (typed_name_problem(name),) if code]
    if not typed_confirmed:
        codes.append("typed_name_not_confirmed")
    if codes:
        raise SignatureError("typed signature refused", codes[0], codes=codes)
    return Signature(method="typed", typed_name=name)
