"""A section page is cheap to serve: one query for the intake, plain templates (no fragment
cache), and a follow-up's body-region list sent once, not once per hidden question."""

import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from markupsafe import escape

from accounts.middleware import TOUCH_EVERY_SECONDS
from contraindications.engine import REGIONS, load_default_catalogue
from intake.answers import evaluate
from intake.presenters import questions_html, section_rows
from tests.factories import complete_answers

CATALOGUE = load_default_catalogue()


@pytest.fixture
def tablet(client, front_desk, a_client):
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    return client


# Besides the page's own queries: the session is read. It is saved (an UPDATE inside a
# savepoint: 3 more) only when the idle clock has moved half a minute.
SESSION_QUERIES = 1


@pytest.mark.django_db
@pytest.mark.parametrize(("section", "page_queries"), [("about_you", 1), ("consent", 2)])
def test_a_section_page_reads_the_intake_and_the_rule_set_in_one_query(
    tablet, ruleset, django_assert_num_queries, section, page_queries
):
    url = reverse("kiosk:section", args=[section])
    tablet.get(url)  # the rule set's catalogue is compiled once per process
    # The consent page also reads the consent text in force; the client's record (is the
    # client a minor who signs with a guardian; the physician offered for the release) comes
    # joined to the intake, in the same query.
    with django_assert_num_queries(SESSION_QUERIES + page_queries) as captured:
        assert tablet.get(url).status_code == 200
    if section == "consent":
        assert '"clients_client"' in captured.captured_queries[-2]["sql"]


@pytest.mark.django_db
def test_the_tablet_keeps_its_idle_clock_without_a_write_per_request(
    tablet, ruleset, django_assert_num_queries
):
    url = reverse("kiosk:section", args=["about_you"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        tablet.get(url)
        clock.shift(10)
        with django_assert_num_queries(SESSION_QUERIES + 1):
            assert tablet.get(url).status_code == 200
        clock.shift(TOUCH_EVERY_SECONDS)
        with django_assert_num_queries(SESSION_QUERIES + 1 + 3):  # the session saved
            assert tablet.get(url).status_code == 200
        # Idle for the whole kiosk timeout since that save: the session ends.
        clock.shift(settings.KIOSK_IDLE_SECONDS + 1)
        assert tablet.get(url).url == reverse("kiosk:ended")


def _html(section, answers, lang="en"):
    evaluation = evaluate(CATALOGUE, answers)
    with translation.override(lang):
        rows = section_rows(
            CATALOGUE,
            section,
            lang=lang,
            answers=evaluation.to_json(),
            visible=evaluation.visible,
            errors=evaluation.errors,
        )
        return str(questions_html(rows))


def test_values_and_free_text_are_escaped():
    html = _html("medications", complete_answers(other_medicines='<b>"x"</b> & y'))
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def test_hidden_region_lists_come_from_one_shared_list():
    # No "yes" in conditions_history: every "where?" follow-up is hidden.
    html = _html("conditions_history", complete_answers())
    hidden_lists = re.findall(r'data-fill="([a-z_]+)"', html)
    assert len(hidden_lists) >= 10
    # One copy of each region (the shared template), not one per hidden question.
    first_region = next(iter(REGIONS))
    assert html.count(f'value="{first_region}"') == 1
    assert '<template id="region-options">' in html


def test_a_shown_region_list_is_rendered_with_its_ticks():
    html = _html("visit_and_pain", complete_answers(has_pain=True, pain_regions=["lumbar_spine"]))
    assert 'data-fill="pain_regions"' not in html
    assert re.search(r'id="f-pain_regions-lumbar_spine" value="lumbar_spine" checked', html)
    assert 'id="f-pain_regions-neck" value="neck">' in html


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("section", CATALOGUE.sections)
def test_every_section_renders_its_questions_in_both_languages(lang, section):
    answers = complete_answers(age=400, has_pain=True, pain_regions=[])
    html = _html(section, answers, lang)
    for q in CATALOGUE.questions:
        if q.section == section:
            assert f'id="q-{q.id}"' in html
            assert str(escape(q.text.get(lang))) in html
    if lang == "es" and 'class="optional"' in html:
        assert "(opcional)" in html
