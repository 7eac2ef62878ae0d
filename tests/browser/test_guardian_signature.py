"""A minor's parent or guardian signs with a finger in their own box on the real tablet page
(static/js/guardian-signature.js); both drawn signatures end up as images in the signed PDF."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from intake import signed
from intake.models import Intake
from tests.browser.conftest import screenshot
from tests.browser.test_intake import fill_to_consent, hand_over, sign
from tests.factories import ClientFactory, ConsentTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    ConsentTextFactory(language="en")


def draw(page, selector):
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 30 + step * 35, box["y"] + box["height"] / 2 - (step % 2) * 15)
    page.mouse.up()


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils is not installed")
def test_a_minor_and_their_guardian_both_sign_with_a_finger(
    page, front_desk, clinic, ruleset, tmp_path
):
    today = timezone.localdate()
    leo = ClientFactory(
        clinic=clinic, legal_name="Leo Park", date_of_birth=today.replace(year=today.year - 15)
        - timedelta(days=3),
    )  # fmt: skip
    hand_over(page, leo)
    fill_to_consent(page)
    sign(page)
    page.get_by_role("button", name="Sign and send").click()
    page.get_by_text("The parent or guardian must sign").first.wait_for()
    page.get_by_label("Full name of the parent or guardian").fill("Hana Park")
    page.get_by_label("Relationship to the client").select_option("parent")
    # Each message goes once its field has been seen to (guardian-signature.js).
    assert page.locator("#guardian-name-error").inner_text() == ""
    assert page.locator("#guardian-relationship-error").inner_text() == ""
    assert page.locator("#guardian-signature-error").inner_text() != ""
    sign(page)  # the drawn signature is asked for again after a refused submit
    draw(page, "#guardian-signature-pad")
    screenshot(page, "intake_guardian_signs")
    page.get_by_role("button", name="Sign and send").click()
    page.get_by_text("Please hand the tablet back").wait_for()
    intake = Intake.objects.get(client=leo)
    assert intake.is_submitted
    assert (intake.guardian_name, intake.guardian_signature_method) == ("Hana Park", "drawn")
    path = tmp_path / "signed.pdf"
    path.write_bytes(bytes(signed.produce(intake_id=intake.pk).pdf))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert [row.split()[2] for row in listing].count("image") == 2
