"""Pages go compressed to browsers that ask for it (issue 16), except those that print a
long-lived secret beside text from the request, and the admin (BREACH)."""

import gzip
from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_staff_page_is_sent_gzipped_and_reads_the_same(client, front_desk, a_client):
    login(client, front_desk)
    url = reverse("visits:client", args=[a_client.public_id])
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert a_client.legal_name in gzip.decompress(packed.content).decode()


def test_a_browser_that_does_not_ask_gets_plain_html(client):
    response = client.get(reverse("accounts:login"))
    assert "Content-Encoding" not in response


def test_each_compressed_response_is_padded_differently(client):
    # "Heal the Breach": the gzip header carries a random-length filename, so lengths differ.
    url = reverse("accounts:login")
    sizes = {len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)}
    assert len(sizes) > 1


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["Therapist", "Owner"]


def test_the_two_factor_set_up_which_prints_its_key_beside_its_next_is_not_compressed(
    client, therapist, two_factor_on
):
    # BREACH: the pending key is the same on every visit and `next` comes from the URL, so a
    # compressed page's size would tell an attacker whether a guess shares the key's text.
    login(client, therapist)
    url = reverse("accounts:2fa_setup") + "?next=/clients/"
    page = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    assert page.status_code == 200
    assert "Content-Encoding" not in page
    assert b32encode(device.bin_key).decode().rstrip("=")[:8] in page.content.decode().replace(
        " ", ""
    )


def test_the_admin_is_not_compressed_and_shows_no_authenticator_key(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client.force_login(admin_user)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = client.get(url + "?_changelist_filters=q%3Dguess", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200
    assert "Content-Encoding" not in page
    assert device.key not in page.content.decode()
    # Nor does the page that would show the key and its QR code: it refuses even a superuser.
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert config.status_code == 403
