"""Pages go compressed to browsers that ask for it (issue 16)."""

import gzip

import pytest
from django.urls import reverse

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
