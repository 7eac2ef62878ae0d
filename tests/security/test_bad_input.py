"""Hypothesis-generated input for every form, the `screen` command and the rule-set loader:
no server error, ever; a clear message instead."""

import copy
import io
import json
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.models import Client
from contraindications.engine import (
    CATALOGUE_PATH,
    RULESET_PATH,
    EngineError,
    RuleSetError,
    load_catalogue,
    load_ruleset,
)
from intake.models import Intake
from rules.models import RuleSetVersion
from tests.factories import ClientFactory, complete_answers, signature_data_url
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# NUL bytes and lone surrogates ("\ud800"): text that parses but no database or encoder takes.
UNSAFE = ["\x00", "\ud800", "\udfff", "\udbff"]
unsafe_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()) | st.sampled_from(UNSAFE),
    max_size=40,
) | st.sampled_from(UNSAFE)
# Anything a person can type, including control characters, markup and very long text.
typed = (
    st.text(max_size=300)
    | unsafe_text
    | st.sampled_from(
        ["", " ", "<script>alert(1)</script>", "'; DROP TABLE clients_client; --", "\x00",
         "9" * 400, "=HYPERLINK(\"http://x\")", "2999-02-30", "-1", "1e309", "١٢٣", "😀" * 50]
    )
    # Built, not listed: hypothesis would print a 10,000-character list on every failure.
    | st.integers(4_000, 6_000).map(lambda n: "9" * n)
    | st.integers(1_000, 10_000).map(lambda n: "[" * n)
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | unsafe_text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
    ),
    max_leaves=12,
)
# JSON text json.dumps cannot produce: nesting thousands deep, numbers of thousands of digits
# (past Python's int() limit), non-numbers; placed where a value goes with `in_value`.
hostile_json = st.one_of(
    json_values.map(json.dumps),
    st.integers(30, 12_000).map(lambda n: "[" * n + "]" * n),
    st.integers(30, 3_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(20, 6_000).map(lambda n: "9" * n),
    st.integers(20, 6_000).map(lambda n: "-" + "9" * n + ".5e3"),
    st.sampled_from(['"\\u0000"', '"\\ud800"', '"x\\udfff"', "NaN", "1e999", "-Infinity"]),
)


def in_value(template: str):
    return hostile_json.map(lambda value: template.replace("VALUE", value))


def form_body(data: dict) -> str:
    """A URL-encoded form as a browser would send it, lone surrogates included (a browser
    cannot, a script can: as the bytes a lenient encoder gives)."""

    def encoded(text) -> str:
        return quote(str(text).encode("utf-8", "surrogatepass"))

    pairs = [
        (k, v)
        for k, values in data.items()
        for v in (values if isinstance(values, list) else [values])
    ]
    return "&".join(f"{encoded(k)}={encoded(v)}" for k, v in pairs)


def form_data(names):
    return st.fixed_dictionaries(dict.fromkeys(names, typed))


def post_form(http, url, data):
    return http.post(url, form_body(data), content_type="application/x-www-form-urlencoded")


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
    assert post_form(client, reverse("clients:create"), data).status_code in (200, 302, 422)
    search = post_form(client, reverse("clients:list"), {"q": data["legal_name"]})
    assert search.status_code in (200, 302)


@FUZZ
@given(data=form_data(["username", "password"]))
def test_login_form_never_fails(client, db, data):
    assert post_form(client, reverse("accounts:login"), data).status_code in (200, 302, 429)


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
    ),
    clearance=form_data(["physician_name", "cleared_on", "expires_on", "rule_ids", "notes"]),
    body=hostile_json | in_value('{"duration_minutes": VALUE}') | in_value('{"regions": VALUE}'),
)
def test_review_forms_never_fail(
    client, therapist, screening, plan, lists, referral, clearance, body
):
    client.force_login(therapist)
    args = [screening.public_id]
    plan_page = reverse("review:plan", args=args)
    assert post_form(client, plan_page, plan).status_code < 500
    assert post_form(client, plan_page, {**plan, **lists}).status_code < 500
    assert post_form(client, reverse("review:referral", args=args), referral).status_code < 500
    assert post_form(client, reverse("review:clearance", args=args), clearance).status_code < 500
    check = client.post(
        reverse("review:plan_check", args=args), body, content_type="application/json"
    )
    assert check.status_code in (200, 400)


@pytest.fixture
def tablet(client, front_desk, clinic, ruleset):
    person = ClientFactory(clinic=clinic)
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[person.public_id]))
    return client


@FUZZ
@given(
    answers=json_values,
    body=hostile_json
    | in_value('{"answers": VALUE}')
    | in_value('{"answers": {"main_goal": VALUE}}')
    | in_value('{"answers": {"age": VALUE, "medications": [VALUE]}}'),
    raw=st.binary(max_size=200),
    section=form_data(["age", "first_visit", "main_goal"]),
)
def test_tablet_input_never_fails(tablet, answers, body, raw, section):
    save = reverse("kiosk:save")
    assert tablet.post(
        save, json.dumps({"answers": answers}), content_type="application/json"
    ).status_code in (200, 400)
    assert tablet.post(save, body, content_type="application/json").status_code in (200, 400)
    assert tablet.post(save, raw, content_type="application/json").status_code in (200, 400)
    page = reverse("kiosk:section", args=["about_you"])
    assert post_form(tablet, page, section).status_code in (200, 302, 400)


@FUZZ
@given(document=json_values)
def test_screen_command_gives_a_clear_error_or_a_screening(ruleset, monkeypatch, document):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    out = io.StringIO()
    # Either outcome is right; any other exception fails the test.
    try:
        call_command("screen", stdout=out)
    except CommandError as error:
        assert str(error)  # noqa: PT017
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
    except EngineError as error:  # a rule the loader accepts is fine too
        assert error.code  # noqa: PT017
        if key != "id":
            assert rule["id"] in str(error)  # noqa: PT017


# --- Issue 11, finding 7: each attack, its exact status, and the kiosk draft unchanged ---------

NUL = "\x00"
LONE_SURROGATE = "\ud800"
DEEP = "[" * 10_000 + "]" * 10_000
HUGE_NUMBER = "9" * 5_000


def draft_of(intake_id):
    intake = Intake.objects.get(pk=intake_id)
    return (intake.status, intake.answers, intake.updated_at)


@pytest.fixture
def draft(tablet):
    """The tablet's intake, with one answer already saved."""
    intake = Intake.objects.get()
    saved = tablet.post(
        reverse("kiosk:save"),
        json.dumps({"answers": {"main_goal": "relaxation"}}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    return intake.pk


@pytest.mark.parametrize("bad", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
def test_autosave_refuses_nul_and_lone_surrogates_and_keeps_the_draft(tablet, draft, bad):
    before = draft_of(draft)
    for answers in ({"main_goal": f"calm{bad}"}, {f"main_goal{bad}": "calm"}):
        body = json.dumps({"answers": answers})  # ensure_ascii: "\u0000" / "\ud800" escapes
        response = tablet.post(reverse("kiosk:save"), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "unsafe_text"
    assert draft_of(draft) == before


@pytest.mark.parametrize(
    "body",
    ["main_goal=calm%00&go=next", "main_goal=calm%ED%A0%80&go=next", "main%00goal=x&go=next"],
    ids=["nul", "lone-surrogate", "nul-in-name"],
)
def test_section_post_refuses_nul_and_lone_surrogates_and_keeps_the_draft(tablet, draft, body):
    before = draft_of(draft)
    response = tablet.post(
        reverse("kiosk:section", args=["about_you"]),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert "data-clear-drafts" not in response.content.decode()  # the tablet keeps its copy
    assert draft_of(draft) == before


def test_section_post_as_multipart_refuses_a_nul(tablet, draft):
    before = draft_of(draft)
    response = tablet.post(
        reverse("kiosk:section", args=["about_you"]), {"main_goal": f"calm{NUL}", "go": "next"}
    )
    assert response.status_code == 400
    assert draft_of(draft) == before


def test_deeply_nested_autosave_is_a_400_and_keeps_the_draft(tablet, draft):
    before = draft_of(draft)
    for body in (DEEP, '{"answers": {"main_goal": ' + DEEP + "}}"):
        response = tablet.post(reverse("kiosk:save"), body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "too_deep"
    assert draft_of(draft) == before


def test_huge_number_in_autosave_is_a_400_and_keeps_the_draft(tablet, draft):
    before = draft_of(draft)
    body = '{"answers": {"age": ' + HUGE_NUMBER + "}}"
    response = tablet.post(reverse("kiosk:save"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "number_too_long"
    assert draft_of(draft) == before


def plan_check(http, screening, body):
    return http.post(
        reverse("review:plan_check", args=[screening.public_id]),
        body,
        content_type="application/json",
    )


def test_deeply_nested_plan_check_is_a_400(client, therapist, screening):
    client.force_login(therapist)
    for body in (DEEP, '{"regions": ' + DEEP + "}"):
        response = plan_check(client, screening, body)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "too_deep"


@pytest.mark.parametrize(
    "body",
    [
        '{"duration_minutes": ' + HUGE_NUMBER + "}",
        '{"duration_minutes": -' + HUGE_NUMBER + "}",
        '{"pressure": ' + HUGE_NUMBER + "}",
    ],
    ids=["duration", "negative", "pressure"],
)
def test_a_5000_digit_number_to_plan_check_is_a_400(client, therapist, screening, body):
    client.force_login(therapist)
    response = plan_check(client, screening, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "number_too_long"


@pytest.mark.parametrize(
    "body",
    ['{"notes": "a\\u0000b"}', '{"notes": "\\ud800"}', '{"duration_minutes": 1e999}', "NaN"],
    ids=["nul", "lone-surrogate", "infinity", "nan"],
)
def test_unsafe_text_and_non_numbers_to_plan_check_are_a_400(client, therapist, screening, body):
    client.force_login(therapist)
    assert plan_check(client, screening, body).status_code == 400


@pytest.mark.parametrize("consent", ["999999", "9" * 30, "-1"])
def test_an_unknown_consent_on_submit_is_a_422_and_keeps_the_draft(tablet, consent):
    intake = Intake.objects.get()
    intake.answers = complete_answers()
    intake.save()
    page = tablet.get(reverse("kiosk:section", args=["consent"]))
    before = draft_of(intake.pk)
    response = tablet.post(
        reverse("kiosk:section", args=["consent"]),
        {
            "consent_accurate": "yes",
            "consent_tell_changes": "yes",
            "consent_not_medical": "yes",
            "consent": consent,
            "submission_token": page.context["submission_token"],
            "signature": signature_data_url(),
            "go": "submit",
        },
    )
    assert response.status_code == 422
    assert "Something went wrong" in response.content.decode()
    status, answers, _updated = draft_of(intake.pk)
    assert (status, answers) == before[:2]
    assert status == Intake.Status.DRAFT


@pytest.mark.parametrize("version", ["a/b", "../x", "", "x" * 41, "2026 12", "v1?x=1", "é"])
def test_the_rule_set_loader_refuses_a_version_that_is_not_a_plain_name(version):
    data = copy.deepcopy(RULES)
    data["version"] = version
    with pytest.raises(RuleSetError) as refused:
        load_ruleset(data, CATALOGUE)
    assert refused.value.code in ("bad_version", "missing_version")
    assert "version" in str(refused.value)


def test_an_owner_cannot_post_a_rule_set_and_the_page_still_works(client, owner, ruleset):
    # Versions reach the library only through load_rules; the owners' page is read-only.
    data = copy.deepcopy(RULES)
    data["version"] = "a/b"
    client.force_login(owner)
    response = client.post(
        reverse("oversight:rulesets"),
        {"file": SimpleUploadedFile("rules.json", json.dumps(data).encode())},
    )
    assert response.status_code == 405
    assert not RuleSetVersion.objects.filter(version="a/b").exists()
    assert client.get(reverse("oversight:rulesets")).status_code == 200


def test_load_rules_refuses_version_a_slash_b(tmp_path, ruleset):
    data = copy.deepcopy(RULES)
    data["version"] = "a/b"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data))
    with pytest.raises((CommandError, RuleSetError)) as refused:
        call_command("load_rules", "--rules", str(path), verbosity=0)
    assert "version" in str(refused.value)
    assert not RuleSetVersion.objects.filter(version="a/b").exists()


def test_a_one_megabyte_client_address_is_a_422_and_nothing_is_stored(client, front_desk):
    client.force_login(front_desk)
    data = {
        "legal_name": "Ana Lucia Torres",
        "date_of_birth": "1985-04-12",
        "phone": "+1 617 555 0101",
        "address": "1 Main Street " + "x" * 1_000_000,
        "preferred_language": "en",
    }
    response = client.post(reverse("clients:create"), data)
    assert response.status_code == 422
    assert "address" in response.context["form"].errors
    assert not Client.objects.exists()


def test_the_address_is_bounded_in_the_database_too():
    assert Client._meta.get_field("address").max_length == 500
