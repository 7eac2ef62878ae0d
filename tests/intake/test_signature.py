import base64

import pytest

from intake.signature import SignatureError, parse_signature
from tests.factories import signature_data_url, signature_png


def test_a_signed_canvas_png_is_accepted():
    assert parse_signature(signature_data_url()) == signature_png()


@pytest.mark.parametrize(
    ("data_url", "code"),
    [
        ("", "missing_signature"),
        ("data:image/jpeg;base64,AAAA", "bad_signature"),
        ("data:image/png;base64,not base64!", "bad_signature"),
        (
            "data:image/png;base64," + base64.b64encode(b"GIF89a" + b"\0" * 100).decode(),
            "bad_signature",
        ),
        ("data:image/png;base64," + "A" * 400_000, "signature_too_large"),
        (signature_data_url(inked=False), "empty_signature"),
        (signature_data_url(width=20, height=20), "bad_signature"),
    ],
)
def test_anything_but_a_small_signed_png_is_refused(data_url, code):
    with pytest.raises(SignatureError) as caught:
        parse_signature(data_url)
    assert caught.value.code == code


def test_a_damaged_png_is_refused():
    png = bytearray(signature_png())
    png[20] ^= 0xFF  # inside IHDR: the CRC no longer matches
    with pytest.raises(SignatureError):
        parse_signature("data:image/png;base64," + base64.b64encode(bytes(png)).decode())
