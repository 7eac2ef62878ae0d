import pytest
from django.urls import reverse

from audit.services import record_event
from tests.conftest import login
from tests.factories import ClientFactory
from tests.oversight.conftest import refer
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db


def trail(http, **params):
    # Filters are POSTed and kept in the session; the page itself is a plain GET.
    url = reverse("oversight:trail")
    if params:
        assert http.post(url, params).status_code == 302
    page = http.get(url)
    assert page.status_code == 200
    return page.context["rows"]


def test_trail_merges_reads_exports_and_row_changes(client, owner, decisions):
    login(client, owner)
    client.get(reverse("oversight:decision", args=[decisions["theo_1"].public_id]))
    rows = trail(client)
    sources = {(row.source, row.object_type, row.action) for row in rows}
    assert ("event", "clients.Client", "view") in sources
    assert ("history", "clients.Client", "create") in sources
    assert ("event", "review.ReferralDecision", "create") in sources
    assert ("record", "review.Screening", "create") in sources
    assert [row.at for row in rows] == sorted((row.at for row in rows), reverse=True)
    assert all(row.client is None or row.client.clinic_id == owner.clinic_id for row in rows)
    assert "Harriet Hill" not in client.get(reverse("oversight:trail")).text


def test_trail_filters_by_actor_action_and_client(client, owner, decisions, second_therapist):
    login(client, owner)
    rows = trail(client, actor=second_therapist.pk)
    assert rows
    assert all(row.actor == "Tara Nguyen" for row in rows)
    rows = trail(client, action="view")
    assert all(row.action == "view" for row in rows)
    rows = trail(client, client="Robert")
    assert rows
    assert all(row.client.legal_name == "Robert Chen" for row in rows)


def test_trail_page_costs_the_same_however_long_the_trail(
    client, owner, decisions, therapist, front_desk, django_assert_max_num_queries
):
    login(client, owner)
    url = reverse("oversight:trail")
    with django_assert_max_num_queries(20) as first:
        client.get(url)
    for index in range(60):
        person = ClientFactory(clinic=owner.clinic, legal_name=f"Extra {index}")
        record_event(actor=front_desk, clinic_id=owner.clinic_id, action="view", target=person)
    refer(screened(person, KIDNEY_RED_FLAG, therapist), therapist)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get(url)
    assert len(page.context["rows"]) == 50
    assert page.context["next_query"]
    assert len(client.get(url, {"page": 2}).context["rows"]) > 0


def test_the_client_name_filter_never_goes_into_a_url(client, owner, decisions):
    login(client, owner)
    response = client.post(reverse("oversight:trail"), {"client": "Robert"})
    assert response.status_code == 302
    assert "Robert" not in response.url
    page = client.get(response.url)
    assert all(row.client.legal_name == "Robert Chen" for row in page.context["rows"])
    html = page.content.decode()
    assert 'method="post"' in html
    assert "Robert" in html
    assert "client=" not in (page.context["next_query"] + page.context["prev_query"])
    # A name put into the URL by hand filters nothing.
    assert len(client.get(reverse("oversight:trail"), {"client": "Nobody"}).context["rows"])
    client.post(reverse("oversight:trail"), {"clear": "1"})
    assert "trail_filters" not in client.session
