"""The whole kiosk intake with the keyboard alone (Tab, arrow keys, Space, Enter, a typed
signature), as a client with a switch device or a screen reader would go through it.

Every tab stop must show where the focus is; errors come in a focused alert that names the
questions; the autosave status is a polite live region. Answers are chosen from the page
itself (the visible questions in order), so the test follows the catalogue as it changes.
"""

import importlib
import re

import pytest
from django.utils import timezone

from intake.derived import age_on
from intake.models import Intake
from review.models import Screening
from tests.browser.conftest import log_in, screenshot
from tests.factories import ConsentTextFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => { const e = document.activeElement;
  return {id: e.id || '', name: e.name || '', type: e.type || '', tag: e.tagName,
          checked: !!e.checked, text: (e.innerText || '').trim()}; }"""
# The ring is on the control, or on the label a visually hidden radio (.btn-check) stands for.
FOCUS_SHOWN = """() => { let e = document.activeElement;
  if (e.classList.contains('btn-check')) e = e.nextElementSibling;
  const s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
    || s.boxShadow !== 'none'; }"""
QUESTIONS = """() => [...document.querySelectorAll('#intake-form .question:not([hidden])')].map(
  card => ({qid: card.dataset.qid, type: card.dataset.type,
            inputs: [...card.querySelectorAll('input:not([type=hidden]), textarea')].map(
              i => ({id: i.id, type: i.type, value: i.value}))}))"""
NUMBERS = {"age": "44", "pain_level": "4", "pregnancy_weeks": "12", "preferred_pressure": "3"}


@pytest.fixture(autouse=True)
def consent_texts(transactional_db):
    seed = importlib.import_module("intake.migrations.0003_seed_consent")
    for language, (title, text) in seed.CONSENT_V1.items():
        ConsentTextFactory(language=language, title=title, text=text)


def active(page):
    return page.evaluate(ACTIVE)


def tab_to(page, wanted, limit=250):
    """Press Tab until `wanted(active element)`; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active(page)
        if element["tag"] != "BODY":
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {element}"
        if wanted(element):
            return element
    raise AssertionError("Tab never reached the control")


def pick(page, target):
    """Tick a checkbox or choose a radio (entering its group by Tab, moving with arrows)."""
    if target["type"] == "radio":
        name = target["id"].removeprefix("f-").rsplit("-", 1)[0]
        element = tab_to(page, lambda e: e["type"] == "radio" and e["name"] == name)
        for _ in range(30):
            if element["id"] == target["id"]:
                break
            page.keyboard.press("ArrowDown")
            element = active(page)
    else:
        element = tab_to(page, lambda e: e["id"] == target["id"])
    if not element["checked"]:
        page.keyboard.press("Space")
    assert page.is_checked(f"#{target['id']}")


def answer(page, question):
    inputs = question["inputs"]
    if question["type"] == "number":
        tab_to(page, lambda e: e["id"] == inputs[0]["id"])
        page.keyboard.type(NUMBERS.get(question["qid"], "1"))
        return
    boxes = [i for i in inputs if i["type"] in ("radio", "checkbox")]
    if not boxes:
        return  # free text and dates are optional
    by_value = {i["value"]: i for i in boxes}
    pick(page, by_value.get("no") or by_value.get("none") or boxes[0])


def answer_section(page):
    done = set()
    while True:
        todo = [q for q in page.evaluate(QUESTIONS) if q["qid"] not in done]
        if not todo:
            return
        answer(page, todo[0])
        done.add(todo[0]["qid"])


def press_button(page, name):
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"] == name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_client_completes_the_intake_by_keyboard_alone(page, front_desk, a_client, ruleset):
    log_in(page, "fran")
    page.goto(f"/clients/{a_client.public_id}/")
    page.get_by_role("button", name=re.compile("Hand tablet over")).click()
    page.wait_for_url("**/kiosk/")

    tab_to(page, lambda e: e["tag"] == "A" and e["text"] == "Start")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Next without answering: a focused alert lists the questions, each a link to its field.
    press_button(page, "Next")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.get_by_role("link").count() >= 1
    # Age and first visit come from the record; the client's own first question is marked.
    goal = page.locator("#q-main_goal fieldset")
    assert goal.get_attribute("aria-invalid") == "true"
    assert goal.get_attribute("aria-describedby").endswith("err-main_goal")
    screenshot(page, "keyboard_error_summary")

    status = page.locator("#save-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    sections = 0
    while page.locator("#submit-intake").count() == 0:
        answer_section(page)
        if sections == 0:
            page.get_by_text("Your answers are saved.").wait_for()
        press_button(page, "Next")
        assert page.locator("#error-summary").count() == 0, page.locator("main").inner_text()
        sections += 1
    assert sections >= 5

    answer_section(page)  # the three agreements
    if page.locator("#signature-switch").is_visible():
        tab_to(page, lambda e: e["id"] == "signature-switch")
        page.keyboard.press("Enter")
    tab_to(page, lambda e: e["id"] == "signature-typed-name")
    page.keyboard.type(a_client.legal_name)
    pick(page, {"id": "signature-typed-confirm", "type": "checkbox"})
    screenshot(page, "keyboard_consent")
    press_button(page, "Sign and send")
    page.get_by_text("Please hand the tablet back to the front desk.").wait_for()

    intake = Intake.objects.get(client=a_client)
    assert intake.is_submitted
    assert intake.answers["age"] == age_on(a_client.date_of_birth, timezone.localdate())
    assert intake.answers["has_pain"] is False
    assert Screening.objects.filter(intake=intake).count() == 1
