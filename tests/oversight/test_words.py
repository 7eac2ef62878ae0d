"""Words, not codes, everywhere staff look: the trail says who did what to whose record,
decisions, categories and rules go by their human names, plurals agree, filters list only the
people they filter, and each role lands on its own home."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from audit.services import record_event
from oversight.trail import CLIENT_OWNED
from tests.conftest import PASSWORD, login
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def trail_text(http):
    page = http.get(reverse("oversight:trail"))
    assert page.status_code == 200
    return page, html.unescape(page.content.decode())


def test_trail_says_who_viewed_whose_screening(client, owner, therapist, decisions):
    screening = decisions["theo_1"].screening
    login(client, therapist)
    assert client.get(reverse("review:screening", args=[screening.public_id])).status_code == 200
    login(client, owner)
    page, text = trail_text(client)
    sentences = [row.sentence for row in page.context["rows"]]
    assert f"{therapist.get_full_name()} viewed Robert Chen's screening" in sentences
    assert f"{therapist.get_full_name()} created Robert Chen's referral decision" in sentences
    assert f"{therapist.get_full_name()} viewed Robert Chen's screening" in text
    assert "referral decision: Overridden (session goes ahead)" in text
    assert "referral decision: overridden" not in text
    # No model labels and no ids on the page.
    assert "clients.Client" not in text
    assert "review.Screening" not in text
    assert not UUID.search(text.split("<main", 1)[1].split("</main>")[0])


def test_trail_name_lookups_are_batched(
    client, owner, therapist, front_desk, decisions, django_assert_max_num_queries
):
    login(client, owner)
    url = reverse("oversight:trail")
    with django_assert_max_num_queries(30) as base:
        client.get(url)
    # Every kind of client-owned record on one page costs at most one query per kind...
    for person in ClientFactory.create_batch(3, clinic=owner.clinic):
        screening = screened(person, KIDNEY_RED_FLAG, therapist)
        record_event(actor=front_desk, clinic_id=owner.clinic_id, action="view", target=screening)
        record_event(actor=therapist, clinic_id=owner.clinic_id, action="view", target=person)
    ceiling = len(base.captured_queries) + len(CLIENT_OWNED)
    with django_assert_max_num_queries(ceiling) as full:
        page = client.get(url)
    assert any("viewed" in row.sentence and "'s screening" in row.sentence
               for row in page.context["rows"])  # fmt: skip
    # ...and not one more when the page holds fifty of them.
    for person in ClientFactory.create_batch(25, clinic=owner.clinic):
        screening = screened(person, KIDNEY_RED_FLAG, therapist)
        record_event(actor=front_desk, clinic_id=owner.clinic_id, action="view", target=screening)
    with django_assert_max_num_queries(len(full.captured_queries)):
        page = client.get(url)
    assert len(page.context["rows"]) == 50
    assert all(row.client is not None for row in page.context["rows"][:25])


def test_dashboard_names_categories_and_rules(client, owner, decisions):
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"))
    data = page.context["data"]
    assert [c.label for c in data.categories] == ["Kidneys and urine"]
    assert data.rules[0].label == "Blood in the urine (KIDNEY-HEMATURIA)"
    text = page.content.decode()
    assert ">kidney<" not in text
    assert "Kidneys and urine" in text
    # Bar titles agree in number: one decision, two decisions.
    titles = re.findall(r"<title>([^<]+)</title>", text)
    assert any(": 1 decision " in t for t in titles)
    assert not any(": 1 decisions" in t for t in titles)
    assert any(": 2 decisions " in t for t in titles)


def test_chart_text_is_at_least_12_px_at_its_smallest(client, owner, decisions):
    # The smallest a chart is drawn is its CSS min-width (app.css); its text is in viewBox units.
    from pathlib import Path

    css = Path("static/css/app.css").read_text()
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"))
    for chart in [page.context[k] for k in ("therapist_chart", "rule_chart", "weekly_chart")]:
        min_width = int(re.search(rf"\.chart-{chart.kind} {{ min-width: (\d+)px", css).group(1))
        assert chart.font_size * min_width / chart.width >= 12


def test_chart_coordinates_are_never_localised(client, owner, decisions):
    # Spanish writes 43,8 for 43.8; an SVG coordinate with a comma is no coordinate.
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "es"
    svg = "".join(re.findall(r"<svg.*?</svg>", page.text, re.S))
    numbers = re.findall(r' (?:x|y|width|height)="([^"]*)"', svg)
    assert len(numbers) > 20
    assert all(re.fullmatch(r"\d+(\.\d+)?", n) for n in numbers), numbers
    assert 'viewBox="0 0 560 ' in svg


def test_chart_bars_link_to_their_decisions_and_escape_names(client, owner, decisions):
    decisions["tara_override"].decided_by.__class__.objects.filter(
        pk=decisions["tara_override"].decided_by_id
    ).update(first_name="<Tara>")
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"))
    assert "&lt;Tara&gt; Nguyen: 1 decision overridden" in page.text
    assert "<Tara>" not in page.text
    who = decisions["tara_override"].decided_by_id
    link = re.search(rf'<a href="([^"]*therapist={who}[^"]*)" class="chart-link"', page.text)
    url = html.unescape(link.group(1))
    assert url.startswith(reverse("oversight:decisions") + "?date_from=")
    assert url.endswith(f"&therapist={who}&action=overridden")
    listed = client.get(url)
    assert [d.pk for d in listed.context["rows"]] == [decisions["tara_override"].pk]


def test_filter_selects_show_every_choice_and_keep_the_chosen_one(client, owner, decisions):
    login(client, owner)
    page = client.get(reverse("oversight:dashboard"), {"rule": "KIDNEY-HEMATURIA"})
    select = re.search(r'<select name="rule"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    choices = page.context["form"].fields["rule"].widget.choices
    assert [(v, html.unescape(label)) for v, _, label in options] == [
        (v, str(label)) for v, label in choices
    ]
    assert [v for v, chosen, _ in options if chosen] == ["KIDNEY-HEMATURIA"]
    assert len(options) > 50
    assert 'class="quickselect form-select" id="id_rule"' in page.text


def test_decision_list_filters_and_exports_use_names(client, owner, therapist, front_desk,
                                                     second_therapist, decisions):  # fmt: skip
    login(client, owner)
    page = client.get(reverse("oversight:decisions"))
    people = dict(page.context["form"].fields["therapist"].widget.choices)
    assert set(people.values()) == {"Any therapist", str(therapist), "Tara Nguyen"}
    assert str(front_desk) not in people.values()
    assert str(owner) not in people.values()
    rules = dict(page.context["form"].fields["rule"].widget.choices)
    assert rules["KIDNEY-HEMATURIA"] == "Blood in the urine (KIDNEY-HEMATURIA)"
    assert "Blood in the urine (KIDNEY-HEMATURIA)" in page.content.decode()

    filtered = client.get(reverse("oversight:decisions"), {"action": "overridden"})
    assert "Overridden (session goes ahead)" in filtered.content.decode()

    response = client.get(reverse("oversight:decisions_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "rules"
    assert {row[-1] for row in rows[1:]} == {"Blood in the urine (KIDNEY-HEMATURIA)"}
    assert {row[4] for row in rows[1:]} == {"Referred", "Overridden (session goes ahead)"}


def test_decision_detail_gives_the_finding_decision_in_words(client, owner, decisions):
    login(client, owner)
    page = client.get(reverse("oversight:decision", args=[decisions["theo_1"].public_id]))
    assert page.context["rules"][0]["decision"] == "Refer urgently"
    assert ">refer_urgent<" not in page.content.decode()


def test_replay_says_decisions_in_words(replay_page):
    text = replay_page.content.decode()
    assert "<td>Refer urgently</td><td>Postpone</td>" in text
    assert "Refer urgently → <strong>Postpone</strong>" in text
    assert "1 screening of the last 6 months replayed" in text
    assert "Blood in the urine (KIDNEY-HEMATURIA)" in text
    assert ">refer_urgent<" not in text
    assert "→ <strong>postpone" not in text


@pytest.mark.parametrize(
    ("who", "home"),
    [("owner", "oversight:dashboard"), ("therapist", "review:today"),
     ("front_desk", "visits:today")],
)  # fmt: skip
def test_each_role_lands_on_its_own_home_after_login(client, request, ruleset, who, home):
    user = request.getfixturevalue(who)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.status_code == 200
