import base64

import pytest
from django.utils import translation

from intake.signature import Signature, SignatureError, parse_signature, read_signature
from tests.factories import signature_data_url, signature_png
from visits.kiosk_views import signature_errors


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


# ---------------------------------------------------------------- typed signature


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("María José Núñez-O'Brien", "María José Núñez-O'Brien"),
        ("  Jean   Dupont  ", "Jean Dupont"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),
        ("Zoë D’Arcy", "Zoë D’Arcy"),
        ("Li", "Li"),
        ("Jose\u0301", "José"),  # e + combining accent, as some keyboards send it
        ("Ærøskøbing Åsa", "Ærøskøbing Åsa"),
    ],
)
def test_a_typed_name_with_letters_and_name_punctuation_is_a_signature(typed, stored):
    signature = read_signature(drawn="", typed_name=typed, typed_confirmed=True)
    assert signature == Signature(method="typed", png=None, typed_name=stored)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("   ", "missing_signature"),  # only spaces, nothing ticked: nothing was given
        ("A", "typed_name_too_short"),
        ("-.'", "typed_name_missing"),
        ("Maria" * 40 + "X", "typed_name_too_long"),
        ("Maria 2", "typed_name_bad_characters"),
        ("Maria <script>", "typed_name_bad_characters"),
        ("Maria_Lopez", "typed_name_bad_characters"),
        ("maria@example.com", "typed_name_bad_characters"),
    ],
)
def test_a_bad_typed_name_is_refused(typed, code):
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn="", typed_name=typed, typed_confirmed=code != "missing_signature")
    assert caught.value.code == code


def test_a_typed_name_of_exactly_200_characters_is_accepted():
    name = ("Ana " * 50)[:199] + "a"
    assert len(name) == 200
    assert read_signature(drawn="", typed_name=name, typed_confirmed=True).typed_name == name


def test_a_typed_name_without_the_tick_is_refused():
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn="", typed_name="Maria Lopez", typed_confirmed=False)
    assert caught.value.codes == ("typed_name_not_confirmed",)


def test_the_tick_without_a_name_asks_for_the_name():
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn="", typed_name=" ", typed_confirmed=True)
    assert caught.value.codes == ("typed_name_missing",)


def test_a_bad_name_and_a_missing_tick_are_both_reported():
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn="", typed_name="M4ria", typed_confirmed=False)
    assert caught.value.codes == ("typed_name_bad_characters", "typed_name_not_confirmed")


def test_neither_signature_is_refused():
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn="", typed_name="", typed_confirmed=False)
    assert caught.value.code == "missing_signature"


def test_both_a_drawn_and_a_typed_signature_are_refused():
    with pytest.raises(SignatureError) as caught:
        read_signature(drawn=signature_data_url(), typed_name="Maria Lopez", typed_confirmed=True)
    assert caught.value.code == "signature_both"


def test_a_drawn_signature_alone_is_read_as_before():
    signature = read_signature(drawn=signature_data_url(), typed_name="", typed_confirmed=False)
    assert signature == Signature(method="drawn", png=signature_png())


@pytest.mark.parametrize(
    ("codes", "typed", "language", "expected"),
    [
        (("typed_name_missing",), True, "en", {"typed_name": "Please type your full name."}),
        (("typed_name_missing",), True, "es", {"typed_name": "Escriba su nombre completo."}),
        (("missing_signature",), True, "es", {"typed_name": "Escriba su nombre completo."}),
        (
            ("missing_signature",),
            False,
            "es",
            {"drawn": "Firme en el recuadro con el dedo."},
        ),
        (
            ("typed_name_too_short",),
            True,
            "en",
            {"typed_name": "Please type your full name (at least 2 letters)."},
        ),
        (
            ("typed_name_too_short",),
            True,
            "es",
            {"typed_name": "Escriba su nombre completo (al menos 2 letras)."},
        ),
        (
            ("typed_name_too_long",),
            True,
            "es",
            {"typed_name": "Su nombre puede tener como máximo 200 caracteres."},
        ),
        (
            ("typed_name_bad_characters", "typed_name_not_confirmed"),
            True,
            "en",
            {
                "typed_name": "Please use only letters, spaces, hyphens (-), apostrophes (’) "
                "and periods (.).",
                "typed_confirm": "Please tick the box to confirm that your typed name is your "
                "signature.",
            },
        ),
        (
            ("typed_name_bad_characters", "typed_name_not_confirmed"),
            True,
            "es",
            {
                "typed_name": "Use solo letras, espacios, guiones (-), apóstrofos (’) "
                "y puntos (.).",
                "typed_confirm": "Marque la casilla para confirmar que su nombre escrito es su "
                "firma.",
            },
        ),
        (
            ("signature_both",),
            True,
            "es",
            {"typed_name": "Firme de una sola forma: con el dedo o escribiendo su nombre."},
        ),
    ],
)
def test_signature_messages_speak_the_clients_language(codes, typed, language, expected):
    with translation.override(language):
        assert signature_errors(codes, typed=typed) == expected
