"""Hypothesis-generated input for every form, the `screen` command and the rule-set loader:
no server error, ever; a clear message instead."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contraindications.engine import (
    CATALOGUE_PATH,
    RULESET_PATH,
    EngineError,
    load_catalogue,
    load_ruleset,
)
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Anything a person can type, including control characters, markup and very long text.
typed = st.text(max_size=300) | st.sampled_from(
    ["", " ", "<script>alert(1)</script>", "'; DROP TABLE clients_client; --", "\x00", "9" * 400,
     "=HYPERLINK(\"http://x\")", "2999-02-30", "-1", "1e309", "١٢٣", "😀" * 50]
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)


def form_data(names):
    return st.fixed_dictionaries(dict.fromkeys(names, typed))


CLIENT_FIELDS = [
    "legal_name", "preferred_name", "date_of_birth", "phone", "email", "address",
    "preferred_language", "emergency_contact_name", "emergency_contact_relationship",
    "emergency_contact_phone", "physician_name", "physician_practice", "physician_phone",
    "physician_fax", "physician_email", "confirm_not_duplicate", "version",
]  # fmt: skip


@FUZZ
@given(data=form_data(CLIENT_FIELDS))
def test_client_forms_never_fail(client, front_desk, data):
    client.force_login(front_desk)
    assert client.post(reverse("clients:create"), data).status_code in (200, 302)
    assert client.post(reverse("clients:list"), {"q": data["legal_name"]}).status_code in (200, 302)


@FUZZ
@given(data=form_data(["username", "password"]))
def test_login_form_never_fails(client, db, data):
    assert client.post(reverse("accounts:login"), data).status_code in (200, 302, 429)


@pytest.fixture
def screening(ruleset, therapist, clinic):
    return screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG, therapist)


@FUZZ
@given(
    plan=form_data(["pressure", "position", "duration_minutes", "notes", "override_reason"]),
    lists=st.dictionaries(
        st.sampled_from(["modalities", "regions", "acupoints", "oils"]),
        st.lists(typed, max_size=3),
    ),
    referral=form_data(
        [
            "rule_ids",
            "action",
            "referred_to",
            "method",
            "urgency",
            "request_text",
            "reason",
            "urgent_override_confirmed",
        ]
    ),  # fmt: skip
    clearance=form_data(["physician_name", "cleared_on", "expires_on", "rule_ids", "notes"]),
    body=json_values,
)
def test_review_forms_never_fail(
    client, therapist, screening, plan, lists, referral, clearance, body
):
    client.force_login(therapist)
    args = [screening.public_id]
    assert client.post(reverse("review:plan", args=args), {**plan, **lists}).status_code < 500
    assert client.post(reverse("review:referral", args=args), referral).status_code < 500
    assert client.post(reverse("review:clearance", args=args), clearance).status_code < 500
    check = client.post(
        reverse("review:plan_check", args=args),
        json.dumps(body),
        content_type="application/json",
    )
    assert check.status_code < 500


@pytest.fixture
def tablet(client, front_desk, clinic, ruleset):
    person = ClientFactory(clinic=clinic)
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[person.public_id]))
    return client


@FUZZ
@given(
    answers=json_values,
    raw=st.binary(max_size=200),
    section=form_data(["age", "first_visit", "main_goal"]),
)
def test_tablet_input_never_fails(tablet, answers, raw, section):
    save = reverse("kiosk:save")
    assert (
        tablet.post(
            save, json.dumps({"answers": answers}), content_type="application/json"
        ).status_code
        < 500
    )
    assert tablet.post(save, raw, content_type="application/json").status_code < 500
    page = reverse("kiosk:section", args=["about_you"])
    assert tablet.post(page, section).status_code < 500


@FUZZ
@given(document=json_values)
def test_screen_command_gives_a_clear_error_or_a_screening(ruleset, monkeypatch, document):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    out = io.StringIO()
    try:
        call_command("screen", stdout=out)
    except CommandError as error:
        assert str(error)
    else:
        assert json.loads(out.getvalue())["decision"]


RULES = json.loads(RULESET_PATH.read_text(encoding="utf-8"))
CATALOGUE = load_catalogue(json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")))
RULE_KEYS = sorted(RULES["rules"][0])


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(0, len(RULES["rules"]) - 1),
    key=st.sampled_from(RULE_KEYS),
    value=json_values,
    drop=st.booleans(),
)
def test_rule_loader_rejects_a_broken_rule_by_name(index, key, value, drop):
    data = copy.deepcopy(RULES)
    rule = data["rules"][index]
    if drop:
        rule.pop(key)
    else:
        rule[key] = value
    try:
        load_ruleset(data, CATALOGUE)
    except EngineError as error:
        assert error.code
        if key != "id":
            assert rule["id"] in str(error)
