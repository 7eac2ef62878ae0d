"""A section page is cheap to serve: one query for the intake, its questions' markup built once
and filled in per request, with exactly the markup `_question.html` gives."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from contraindications.engine import load_default_catalogue
from intake.answers import evaluate
from intake.presenters import section_rows
from tests.factories import complete_answers

CATALOGUE = load_default_catalogue()


@pytest.fixture
def tablet(client, front_desk, a_client):
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    return client


# Besides the page's own queries: the session is read and, as the idle clock moved, saved
# (an UPDATE inside a savepoint).
SESSION_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.parametrize(("section", "page_queries"), [("about_you", 1), ("consent", 2)])
def test_a_section_page_reads_the_intake_and_the_rule_set_in_one_query(
    tablet, ruleset, django_assert_num_queries, section, page_queries
):
    url = reverse("kiosk:section", args=[section])
    tablet.get(url)  # the rule set's catalogue is compiled once per process
    # The consent page also reads the consent text in force.
    with django_assert_num_queries(SESSION_QUERIES + page_queries):
        assert tablet.get(url).status_code == 200


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("section", CATALOGUE.sections)
def test_question_markup_is_what_the_template_renders(lang, section):
    # An error, a missing answer, hidden follow-ups and text that needs escaping.
    answers = complete_answers(
        age=400, has_pain=True, pain_regions=[], other_medicines='<b>"x"</b> & y'
    )
    evaluation = evaluate(CATALOGUE, answers)
    with translation.override(lang):
        for _ in range(2):  # built, then from the cache
            rows = section_rows(
                CATALOGUE,
                section,
                lang=lang,
                answers=evaluation.to_json(),
                visible=evaluation.visible,
                errors=evaluation.errors,
            )
            for row in rows:
                assert row.html == render_to_string("intake/_question.html", {"row": row})
