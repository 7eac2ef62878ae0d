import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from contraindications.engine import RULESET_PATH
from contraindications.engine.defaults import read_json
from contraindications.models import RuleSetVersion
from contraindications.rulesets import active_version, store_ruleset
from oversight.rulesets import diff_rules, replay
from tests.conftest import login
from tests.factories import ClientFactory, complete_answers
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = pytest.mark.django_db

HEMATURIA_ONLY = complete_answers(blood_in_urine=True)


def hematuria_now(outcome: str, version: str = "2026.12.1") -> dict:
    """A copy of the shipped rule set in which KIDNEY-HEMATURIA decides `outcome`."""
    rules = copy.deepcopy(read_json(RULESET_PATH))
    rules["version"] = version
    for rule in rules["rules"]:
        if rule["id"] == "KIDNEY-HEMATURIA":
            rule["outcome"] = outcome
            rule["version"] += 1
    return rules


def upload(client, data, name="rules.json"):
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        reverse("oversight:rulesets"), {"file": SimpleUploadedFile(name, payload)}, follow=True
    )


def test_diff_names_changed_fields_added_and_removed_rules():
    old = read_json(RULESET_PATH)
    new = hematuria_now("refer")
    new["rules"] = [r for r in new["rules"] if r["id"] != "SCIATICA"]
    new["rules"].append({**new["rules"][0], "id": "NEW-RULE", "title": "Something new"})
    diff = diff_rules(old, new)
    assert [r["id"] for r in diff.added] == ["NEW-RULE"]
    assert [r["id"] for r in diff.removed] == ["SCIATICA"]
    (change,) = diff.changed
    assert change.rule_id == "KIDNEY-HEMATURIA"
    was = next(r["version"] for r in old["rules"] if r["id"] == "KIDNEY-HEMATURIA")
    assert {(f.field, f.old, f.new) for f in change.changes} == {
        ("outcome", "refer_urgent", "refer"),
        ("version", str(was), str(was + 1)),
    }


def test_diff_flattens_nested_fields():
    old = read_json(RULESET_PATH)
    new = copy.deepcopy(old)
    new["rules"][0]["constraints"]["pressure_cap"] = 2
    (change,) = diff_rules(old, new).changed
    assert [(f.field, f.old, f.new) for f in change.changes] == [
        ("constraints.pressure_cap", "3", "2")
    ]


def test_owner_loads_a_new_version_without_activating_it(client, owner, ruleset):
    login(client, owner)
    page = upload(client, hematuria_now("refer"))
    assert "2026.12.1 was loaded" in page.text
    stored = RuleSetVersion.objects.get(version="2026.12.1")
    assert stored.activated_at is None and stored.loaded_by == owner
    assert active_version() == ruleset
    assert "KIDNEY-HEMATURIA" in page.text  # the diff against the version in use
    assert AuditEvent.objects.filter(action="create", detail__contains="2026.12.1").exists()


def test_a_bad_rule_is_named_and_nothing_is_stored(client, owner, ruleset):
    broken = hematuria_now("refer")
    broken["rules"][0]["when"] = {"q": "no_such_question", "eq": True}
    login(client, owner)
    page = upload(client, broken)
    assert "KIDNEY-HEMATURIA" in page.text
    assert RuleSetVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "code"), [(b"{not json", "invalid_json"), (b"[]", "invalid_ruleset")]
)
def test_unreadable_files_are_refused(client, owner, ruleset, payload, code):
    login(client, owner)
    assert code in upload(client, payload).text
    assert RuleSetVersion.objects.count() == 1


def test_a_reused_version_number_is_refused(client, owner, ruleset):
    login(client, owner)
    assert "version_reused" in upload(client, hematuria_now("refer", ruleset.version)).text


def test_replay_flips_only_the_hematuria_screenings(owner, ruleset, clinic, therapist):
    hematuria = [
        screened(ClientFactory(clinic=clinic), HEMATURIA_ONLY, therapist),
        screened(ClientFactory(clinic=clinic), HEMATURIA_ONLY, therapist),
    ]
    others = [
        screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS, therapist),
        screened(ClientFactory(clinic=clinic), complete_answers(), therapist),
    ]
    hillside = screened(ClientFactory(), HEMATURIA_ONLY)
    candidate = store_ruleset(
        rules_data=hematuria_now("postpone"), catalogue_data=ruleset.catalogue, activate=False
    ).version

    result = replay(user=owner, candidate=candidate, months=6)

    assert result.screened == 4  # this clinic's only
    assert result.transitions == [("refer_urgent", "postpone", 2)]
    assert {row.screening.pk for row in result.rows} == {s.pk for s in hematuria}
    assert all(row.rule_ids == ["KIDNEY-HEMATURIA"] for row in result.rows)
    assert not {s.pk for s in [*others, hillside]} & {row.screening.pk for row in result.rows}


def test_replay_page_shows_each_transition(client, owner, ruleset, clinic, therapist):
    screened(ClientFactory(clinic=clinic, legal_name="Robert Chen"), KIDNEY_RED_FLAG, therapist)
    candidate = store_ruleset(
        rules_data=hematuria_now("postpone"), catalogue_data=ruleset.catalogue, activate=False
    ).version
    login(client, owner)
    page = client.get(reverse("oversight:ruleset", args=[candidate.version]), {"months": 6})
    assert 'data-from="refer_urgent"' in page.text and "Robert Chen" in page.text


def test_activation_is_a_recorded_owner_only_post(client, owner, therapist, ruleset):
    candidate = store_ruleset(
        rules_data=hematuria_now("refer"), catalogue_data=ruleset.catalogue, activate=False
    ).version
    url = reverse("oversight:ruleset_activate", args=[candidate.version])
    login(client, therapist)
    assert client.post(url).status_code == 403
    login(client, owner)
    assert client.get(url).status_code == 405
    client.post(url)
    assert active_version() == candidate
    event = AuditEvent.objects.get(action="update", actor=owner)
    assert f"2026.12.1 activated (replacing {ruleset.version})" in event.detail
