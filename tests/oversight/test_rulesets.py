import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from contraindications.engine import (
    RULESET_PATH,
    Decision,
    Finding,
    Screening,
    Source,
    make_constraints,
    merge_constraints,
)
from contraindications.engine.defaults import read_json
from oversight.rulesets import constraint_changes, diff_rules, replay
from rules.models import RuleSetActivation, RuleSetVersion
from rules.selectors import active_version
from rules.services import store_ruleset
from tests.conftest import login
from tests.factories import ClientFactory, ClinicFactory, UserFactory, complete_answers
from tests.oversight.conftest import hematuria_now
from tests.review.helpers import PREGNANT_24_WEEKS, screened

pytestmark = pytest.mark.django_db

HEMATURIA_ONLY = complete_answers(blood_in_urine=True)


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
        ("outcome", "Refer urgently", "Refer"),
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


def test_an_owner_cannot_upload_into_the_shared_library(client, owner, ruleset):
    login(client, owner)
    payload = SimpleUploadedFile("rules.json", json.dumps(hematuria_now("proceed")).encode())
    assert client.post(reverse("oversight:rulesets"), {"file": payload}).status_code == 405
    assert RuleSetVersion.objects.count() == 1


def test_another_clinics_owner_cannot_change_this_clinics_screenings(
    client, ruleset, clinic, other_clinic, therapist
):
    """Issue 11.1 end to end: Hillside's owner tries to upload a proceed-everything copy as
    2026.12.666 and to activate it; Riverside still refers blood in the urine urgently."""
    hillside_owner = UserFactory(clinic=other_clinic, role=Role.OWNER)
    login(client, hillside_owner)
    everything_proceeds = hematuria_now("proceed", "2026.12.666")
    for rule in everything_proceeds["rules"]:
        rule["outcome"] = "proceed"
    payload = SimpleUploadedFile("rules.json", json.dumps(everything_proceeds).encode())
    assert client.post(reverse("oversight:rulesets"), {"file": payload}).status_code == 405
    activate = reverse("oversight:ruleset_activate", args=["2026.12.666"])
    assert client.post(activate).status_code == 404
    # Even a library version Hillside activates stays Hillside's.
    library = store_ruleset(
        rules_data=everything_proceeds, catalogue_data=ruleset.catalogue, activate=False
    ).version
    assert client.post(activate).status_code == 302
    assert active_version(other_clinic) == library
    assert active_version(clinic) == ruleset

    riverside = screened(ClientFactory(clinic=clinic), HEMATURIA_ONLY, therapist)
    assert riverside.decision == "refer_urgent"
    assert riverside.ruleset == ruleset
    assert screened(ClientFactory(clinic=other_clinic), HEMATURIA_ONLY).decision == "proceed"
    assert not AuditEvent.objects.filter(clinic=clinic, detail__contains="activated").exists()
    assert AuditEvent.objects.filter(clinic=other_clinic, detail__contains="activated").exists()


def test_a_library_load_is_recorded_in_every_clinics_chain(ruleset, clinic, other_clinic):
    store_ruleset(
        rules_data=hematuria_now("refer"), catalogue_data=ruleset.catalogue, activate=False
    )
    for each in (clinic, other_clinic):
        assert AuditEvent.objects.filter(
            clinic=each, detail="rule set 2026.12.1 loaded into the installation's library"
        ).exists()
    assert active_version(clinic) == ruleset  # stored, not in use


def test_a_new_library_version_loaded_to_use_is_activated_in_every_clinic(clinic, other_clinic):
    from django.core.management import call_command

    call_command("load_rules", verbosity=0)
    for each in (clinic, other_clinic):
        assert RuleSetActivation.objects.filter(clinic=each).count() == 1
        assert AuditEvent.objects.filter(clinic=each, detail__contains="activated").count() == 1


def test_a_new_clinic_uses_the_installation_default(ruleset):
    newcomer = ClinicFactory(slug="newcomer")
    assert active_version(newcomer) == ruleset


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


def test_replay_page_shows_each_transition(replay_page):
    assert 'data-from="refer_urgent"' in replay_page.text
    assert "Robert Chen" in replay_page.text


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
    assert active_version(owner.clinic) == candidate
    assert active_version() == ruleset  # the installation default and other clinics keep theirs
    event = AuditEvent.objects.get(action="update", actor=owner)
    assert event.clinic_id == owner.clinic_id
    assert f"2026.12.1 activated for this clinic (replacing {ruleset.version})" in event.detail


def _edited(version: str, **edits) -> dict:
    """A copy of the shipped rule set with some rules' constraints replaced (version bumped)."""
    rules = copy.deepcopy(read_json(RULESET_PATH))
    rules["version"] = version
    for rule in rules["rules"]:
        if rule["id"] in edits:
            rule["constraints"] = edits[rule["id"]](copy.deepcopy(rule["constraints"]))
            rule["version"] += 1
    return rules


def _gentler_pregnancy(c: dict) -> dict:
    c["pressure_cap"] = 2
    del c["region_pressure_caps"]
    c["avoid_regions"] = ["abdomen"]
    c["exclude_modalities"] = ["deep_tissue", "cupping"]
    return c


def _fewer_points(c: dict) -> dict:
    c["exclude_acupoints"] = [p for p in c["exclude_acupoints"] if p != "hegu"]
    return c


def test_replay_reports_constraint_changes_with_their_rules(owner, ruleset, clinic, therapist):
    pregnant = screened(ClientFactory(clinic=clinic), PREGNANT_24_WEEKS, therapist)
    untouched = screened(ClientFactory(clinic=clinic), complete_answers(), therapist)
    candidate = store_ruleset(
        rules_data=_edited(
            "2026.12.2",
            **{"PREGNANCY-DEEP-TISSUE": _gentler_pregnancy, "PREGNANCY-ACUPOINTS": _fewer_points},
        ),
        catalogue_data=ruleset.catalogue,
        activate=False,
    ).version

    result = replay(user=owner, candidate=candidate, months=6)

    assert result.changed == 0
    assert result.constraints_changed == 1
    (row,) = result.rows
    assert row.screening.pk == pregnant.pk
    assert untouched.pk != row.screening.pk
    changes = {(c.kind, c.item): c for c in row.changes}
    assert set(changes) == {
        ("pressure_cap", ""), ("region_pressure_cap", "abdomen"), ("region", "abdomen"),
        ("modality", "cupping"), ("acupoint", "hegu"),
    }  # fmt: skip
    cap = changes[("pressure_cap", "")]
    assert (cap.old, cap.new, cap.rule_ids) == ("3", "2", ["PREGNANCY-DEEP-TISSUE"])
    assert cap.text == "Pressure cap 3 → 2"
    belly = changes[("region_pressure_cap", "abdomen")]
    assert (belly.old, belly.new, belly.rule_ids) == ("1", "no cap", ["PREGNANCY-DEEP-TISSUE"])
    assert changes[("region", "abdomen")].text == "Now an area to avoid: Belly (abdomen)"
    assert changes[("modality", "cupping")].rule_ids == ["PREGNANCY-DEEP-TISSUE"]
    hegu = changes[("acupoint", "hegu")]
    assert hegu.text == "No longer excluded: acupoint Hegu (LI4)"
    assert hegu.rule_ids == ["PREGNANCY-ACUPOINTS"]  # the rule that excluded it before
    assert dict(result.kinds) == {
        "pressure cap": 1, "pressure cap over an area": 1, "areas to avoid": 1,
        "excluded techniques": 1, "excluded acupoints": 1,
    }  # fmt: skip


def test_replay_names_the_rule_behind_a_decision_flip(owner, ruleset, clinic, therapist):
    screened(ClientFactory(clinic=clinic), HEMATURIA_ONLY, therapist)
    stricter = store_ruleset(
        rules_data=hematuria_now("postpone"), catalogue_data=ruleset.catalogue, activate=False
    ).version
    (row,) = replay(user=owner, candidate=stricter, months=6).rows
    (flip,) = [c for c in row.changes if c.kind == "decision"]
    assert (flip.old, flip.new, flip.rule_ids) == ("refer_urgent", "postpone", ["KIDNEY-HEMATURIA"])
    assert flip.text == "Decision Refer urgently → Postpone"


def test_constraint_changes_cover_positions_and_oils_both_ways():
    def result(decision, **findings):
        made = {rid: make_constraints(**kw) for rid, kw in findings.items()}
        return Screening(
            decision=Decision(decision),
            constraints=merge_constraints(made.values()),
            ruleset_version="1",
            ruleset_checksum="",
            catalogue_version="1",
            _findings=tuple(
                Finding(rid, 1, rid, "other", Decision(decision), "", c, Source())
                for rid, c in made.items()
            ),
        )

    before = result("modify", **{"A": {"positioning": ["no_prone"], "exclude_oils": ["basil"]}})
    after = result("modify", **{"B": {"exclude_oils": ["sage"], "pressure_cap": 2}})
    changes = {(c.kind, c.item, c.new): c.rule_ids for c in constraint_changes(before, after)}
    assert changes[("position", "prone", "no")] == ["A"]  # allowed again: A no longer fires
    assert changes[("oil", "sage", "yes")] == ["B"]
    assert changes[("oil", "basil", "no")] == ["A"]
    assert changes[("pressure_cap", "", "2")] == ["B"]
    assert constraint_changes(before, before) == []
    # Loosening comes from the rule that imposed the old, stricter cap.
    looser = constraint_changes(after, result("modify", C={"pressure_cap": 4}))
    (cap,) = [c for c in looser if c.kind == "pressure_cap"]
    assert (cap.old, cap.new, cap.rule_ids) == ("2", "4", ["B"])


def test_replay_page_lists_constraint_changes_and_their_rules(
    client, owner, ruleset, clinic, therapist
):
    screened(ClientFactory(clinic=clinic, legal_name="Lucia Moreno"), PREGNANT_24_WEEKS, therapist)
    candidate = store_ruleset(
        rules_data=_edited("2026.12.3", **{"PREGNANCY-DEEP-TISSUE": _gentler_pregnancy}),
        catalogue_data=ruleset.catalogue,
        activate=False,
    ).version
    login(client, owner)
    page = client.get(reverse("oversight:ruleset", args=[candidate.version]), {"months": 6})
    assert 'data-constraints-changed="1"' in page.text
    assert "Lucia Moreno" in page.text
    assert 'data-kind="pressure_cap"' in page.text
    assert "Pressure cap 3 → 2 <span" in page.text
    assert "(PREGNANCY-DEEP-TISSUE)" in page.text
    assert "Now an area to avoid: Belly (abdomen)" in page.text
