"""The tablet hand-over end to end, at 768x1024 in Chromium."""

import importlib
import re

import pytest
from django.utils import timezone

from intake.derived import age_on
from intake.models import Intake
from review.models import Screening
from tests.browser.conftest import ARTIFACTS, log_in, screenshot
from tests.factories import ClientFactory, ConsentTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    # The flush after each live-server test also empties what data migrations seeded.
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)


def yes_no(page, qid, value: bool):
    page.click(f"label[for=f-{qid}-{'yes' if value else 'no'}]")


def hand_over(page, client):
    log_in(page, "fran")
    page.goto(f"/clients/{client.public_id}/")
    page.get_by_role("button", name=re.compile("Hand tablet over|Continue intake")).click()
    page.wait_for_url("**/kiosk/")


def next_section(page):
    page.locator("button[name=go][value=next]").click()
    page.wait_for_load_state()


def fill_to_consent(page, *, blood=False, shoot=""):
    page.locator("a.btn-primary[href$='/section/about_you/']").click()
    # The age and "first visit" are known from the record (intake.derived): not asked.
    page.locator("#known-answers").wait_for()
    page.check("#f-main_goal-relaxation")
    shoot and screenshot(page, f"{shoot}_1_about_you")
    next_section(page)
    yes_no(page, "has_pain", True)
    page.locator("#q-pain_regions .map-figure svg").first.wait_for()
    back = page.locator("#q-pain_regions [data-show-view=back]")
    if back.is_visible():
        back.click()  # a phone shows one view of the body at a time
    page.locator("#q-pain_regions svg [data-region=lumbar_spine]").click()
    assert page.is_checked("#f-pain_regions-lumbar_spine")
    page.locator("#f-pain_level").fill("4")
    page.check("#f-pain_duration-1_to_6_weeks")
    yes_no(page, "back_or_flank_pain", False)
    yes_no(page, "pain_worsening", False)
    yes_no(page, "seen_doctor_about_pain", False)
    yes_no(page, "recent_injury", False)
    yes_no(page, "bruises", False)
    shoot and screenshot(page, f"{shoot}_2_pain")
    next_section(page)
    for qid in (
        "blood_in_urine", "pain_passing_urine", "urinating_more_often", "hard_to_urinate",
        "cloudy_urine", "sudden_cramping_pain", "fever_chills", "nausea_vomiting", "feel_unwell",
        "saddle_numbness", "bladder_bowel_control", "limb_numbness_weakness",
        "calf_swelling_one_side", "belly_pain",
    ):  # fmt: skip
        yes_no(page, qid, blood and qid == "blood_in_urine")
    page.check("#f-chest_breathing_symptoms-none")
    shoot and screenshot(page, f"{shoot}_3_symptoms")
    next_section(page)
    page.check("#f-medications-none")
    next_section(page)
    for qid in ("kidney_infection_or_stone", "bleeding_disorder", "varicose_veins",
                "skin_problem", "reduced_sensation"):  # fmt: skip
        yes_no(page, qid, False)
    for qid in ("broken_bone", "osteoporosis", "rheumatoid_arthritis", "heart_condition",
                "cancer", "surgery"):  # fmt: skip
        page.check(f"#f-{qid}-no")
    page.check("#f-conditions-none")
    page.check("#f-today_checks-none")
    shoot and screenshot(page, f"{shoot}_5_conditions")
    next_section(page)
    page.check("#f-pregnant-no")
    next_section(page)
    page.locator("#f-preferred_pressure").fill("3")
    page.check("#f-areas_to_avoid-neck")
    shoot and screenshot(page, f"{shoot}_7_preferences")
    next_section(page)


def sign(page):
    for qid in ("consent_accurate", "consent_tell_changes", "consent_not_medical"):
        page.check(f"#f-{qid}")
    page.locator("#signature-pad").scroll_into_view_if_needed()
    box = page.locator("#signature-pad").bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 40 + step * 40, box["y"] + box["height"] / 2 + (step % 3) * 12)
    page.mouse.up()


def take_back(page):
    page.get_by_text("Staff: take the tablet back").click()
    page.get_by_label("Staff username").fill("fran")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in and take back").click()
    page.wait_for_load_state()


def test_full_intake_with_a_red_flag_reaches_staff_not_the_client(
    page, front_desk, a_client, ruleset
):
    hand_over(page, a_client)
    screenshot(page, "intake_0_welcome")
    fill_to_consent(page, blood=True, shoot="intake")
    sign(page)
    screenshot(page, "intake_8_consent")
    page.get_by_role("button", name="Sign and send").click()
    page.get_by_text("Please hand the tablet back to the front desk.").wait_for()
    screenshot(page, "intake_9_done")
    text = page.content().lower()
    assert "refer" not in text
    assert "do not book" not in text
    assert "kidney" not in text

    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert intake.answers["blood_in_urine"] is True
    assert intake.answers["pain_regions"] == ["lumbar_spine"]
    assert Screening.objects.get(intake=intake).decision in ("refer", "refer_urgent")

    take_back(page)
    page.get_by_text("Do not book — medical referral").first.wait_for()
    screenshot(page, "intake_10_staff_client_page")


def test_the_tablet_cannot_escape_the_intake(page, front_desk, a_client, clinic, ruleset):
    other = ClientFactory(clinic=clinic, legal_name="Other Person")
    hand_over(page, a_client)
    for path in ("/clients/", f"/clients/{other.public_id}/", "/admin/", "/intake/today/"):
        page.goto(path)
        assert page.url.endswith("/kiosk/"), path
        assert "Other Person" not in page.content()
    page.go_back()
    page.wait_for_load_state()
    assert "/kiosk/" in page.url
    page.goto("/kiosk/")

    fill_to_consent(page)
    sign(page)
    page.get_by_role("button", name="Sign and send").click()
    page.get_by_text("Please hand the tablet back").wait_for()
    page.go_back()
    page.wait_for_load_state()
    assert page.url.endswith("/kiosk/done/")
    page.goto("/kiosk/section/about_you/")
    assert page.url.endswith("/kiosk/done/")
    page.goto("/clients/")
    assert page.url.endswith("/kiosk/done/")
    screenshot(page, "intake_escape_after_submit")


def test_a_reload_or_a_dropped_connection_keeps_the_answers(page, front_desk, a_client):
    hand_over(page, a_client)
    page.get_by_role("link", name="Start").click()
    page.check("#f-main_goal-relaxation")
    page.get_by_text("Your answers are saved.").wait_for()
    page.reload()
    assert page.is_checked("#f-main_goal-relaxation")

    page.context.set_offline(True)
    page.check("#f-main_goal-pain_relief")
    page.get_by_text("No connection.").wait_for()
    screenshot(page, "intake_offline")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("Your answers are saved.").wait_for()
    intake = Intake.objects.get(client=a_client)
    age = age_on(a_client.date_of_birth, timezone.localdate())
    assert intake.answers == {"age": age, "first_visit": True, "main_goal": "pain_relief"}


def test_a_double_tap_on_submit_makes_one_intake(page, front_desk, a_client, ruleset):
    hand_over(page, a_client)
    fill_to_consent(page)
    sign(page)
    page.get_by_role("button", name="Sign and send").dblclick()
    page.get_by_text("Please hand the tablet back").wait_for()
    assert Intake.objects.filter(client=a_client).count() == 1
    assert Screening.objects.filter(client=a_client).count() == 1


def test_spanish_form(page, front_desk, clinic, ruleset):
    lucia = ClientFactory(clinic=clinic, legal_name="Lucía Torres", preferred_language="es")
    hand_over(page, lucia)
    page.get_by_text("Hola, Lucía").wait_for()
    screenshot(page, "intake_es_welcome")
    page.get_by_role("link", name="Empezar").click()
    page.get_by_text("(según su fecha de nacimiento)").wait_for()
    page.get_by_role("button", name="Siguiente").click()
    page.get_by_text("Revise estas respuestas").wait_for()
    assert page.locator("#err-main_goal").inner_text() == "Elija una respuesta."
    screenshot(page, "intake_es_errors")
    page.goto("/kiosk/")
    fill_to_consent(page)
    page.get_by_text("Consentimiento para recibir masaje").wait_for()
    sign(page)
    screenshot(page, "intake_es_consent")
    page.get_by_role("button", name="Firmar y enviar").click()
    page.get_by_text("Por favor, devuelva la tableta en recepción.").wait_for()
    assert Intake.objects.get(client=lucia).language == "es"


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_consent_can_be_signed_by_keyboard_with_a_typed_name(
    page, front_desk, a_client, ruleset
):
    hand_over(page, a_client)
    fill_to_consent(page)
    assert page.locator("#signature-typed").is_hidden()
    tab_to(page, "f-consent_accurate")
    page.keyboard.press("Space")
    for qid in ("consent_tell_changes", "consent_not_medical"):
        page.keyboard.press("Tab")
        assert focused(page) == f"f-{qid}"
        page.keyboard.press("Space")
    # The optional release of information comes before the signature that covers it.
    for field in ("release-consent", "release-physician", "signature-switch"):
        page.keyboard.press("Tab")
        assert focused(page) == field
    assert page.locator("#signature-switch").inner_text() == "Sign by typing your full name instead"
    page.keyboard.press("Enter")
    # The name field opens and takes the focus; the finger box is gone (and not sent).
    assert focused(page) == "signature-typed-name"
    assert page.locator("#signature-pad").is_hidden()
    assert page.locator("#signature-switch").inner_text() == "Sign with your finger instead"
    page.keyboard.type("María José Núñez-O'Brien")
    page.keyboard.press("Tab")
    assert focused(page) == "signature-typed-confirm"
    # Sending without the tick: the message is next to the box, in the page's error summary too.
    tab_to(page, "submit-intake")
    page.keyboard.press("Enter")
    page.locator("#error-summary").wait_for()
    error = page.locator("#signature-typed-confirm-error")
    assert error.inner_text() == (
        "Please tick the box to confirm that your typed name is your signature."
    )
    assert page.locator("#signature-typed-name").input_value() == "María José Núñez-O'Brien"
    assert page.locator("#signature-typed-confirm").get_attribute("aria-invalid") == "true"
    screenshot(page, "intake_8_consent_typed_error")
    tab_to(page, "signature-typed-confirm", limit=60)
    page.keyboard.press("Space")
    assert page.is_checked("#signature-typed-confirm")
    assert error.inner_text() == ""
    assert page.locator("#signature-typed-confirm").get_attribute("aria-invalid") is None
    screenshot(page, "intake_8_consent_typed")
    # What the client sees: the focused tick box above the sticky Back / Sign and send bar
    # (waited for: Bootstrap scrolls smoothly, so the box arrives a moment after the focus).
    page.wait_for_function(
        """() => {
            const tick = document.getElementById("signature-typed-confirm");
            const r = tick.getBoundingClientRect();
            return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === tick;
        }""",
        timeout=5000,
    )
    page.screenshot(path=str(ARTIFACTS / "intake_8_consent_typed_viewport.png"))
    tab_to(page, "submit-intake")
    page.keyboard.press("Enter")
    page.get_by_text("Please hand the tablet back to the front desk.").wait_for()

    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert intake.signature_method == "typed"
    assert intake.signature_typed_name == "María José Núñez-O'Brien"
    assert intake.signature_png is None
    assert Screening.objects.filter(intake=intake).exists()
