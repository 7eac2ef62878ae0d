import copy
import json

import pytest
from django.core.management import CommandError, call_command

from contraindications.engine import CATALOGUE_PATH, RULESET_PATH, RuleSetError
from review.models import Screening
from review.screening import reproduce, screen_intake
from rules.models import RuleSetVersion
from rules.selectors import NoActiveRuleSet, active_version
from rules.services import store_ruleset
from tests.append_only import CHANGES, assert_refused, sql_for
from tests.factories import IntakeFactory, complete_answers

pytestmark = pytest.mark.django_db


def shipped():
    return (
        json.loads(RULESET_PATH.read_text(encoding="utf-8")),
        json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")),
    )


def test_load_rules_stores_the_shipped_rule_set_once(capsys):
    call_command("load_rules")
    call_command("load_rules")
    version = RuleSetVersion.objects.get()
    rules, _ = shipped()
    assert version == active_version()
    assert version.version == rules["version"]
    assert version.rule_count == len(rules["rules"])
    assert "already loaded" in capsys.readouterr().out


def test_no_rule_set_loaded_is_a_clear_error():
    with pytest.raises(NoActiveRuleSet, match="load_rules"):
        active_version()


def test_changed_rules_under_an_old_version_number_are_refused(ruleset):
    rules, catalogue = shipped()
    edited = copy.deepcopy(rules)
    edited["rules"][0]["title"] += " (edited in place)"
    with pytest.raises(RuleSetError) as excinfo:
        store_ruleset(rules_data=edited, catalogue_data=catalogue)
    assert excinfo.value.code == "version_reused"


def test_malformed_rule_file_is_rejected_naming_the_rule(tmp_path):
    rules, _ = shipped()
    broken = copy.deepcopy(rules)
    broken["rules"][0]["outcome"] = "massage_harder"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(CommandError, match=broken["rules"][0]["id"]):
        call_command("load_rules", "--rules", str(path))
    assert not RuleSetVersion.objects.exists()


def test_screening_keeps_version_and_snapshots(ruleset, a_client):
    intake = IntakeFactory(
        client=a_client, clinic=a_client.clinic, answers=complete_answers(blood_in_urine=True)
    )
    screening = screen_intake(intake=intake)
    assert screening.ruleset == ruleset
    assert screening.decision == "refer_urgent"
    assert screening.result["ruleset_version"] == ruleset.version
    assert screening.inputs["blood_in_urine"] is True
    assert "KIDNEY-HEMATURIA" in screening.outcome.rule_ids


def test_a_past_decision_reproduces_after_the_rules_change(ruleset, a_client):
    intake = IntakeFactory(
        client=a_client, clinic=a_client.clinic, answers=complete_answers(blood_in_urine=True)
    )
    screening = screen_intake(intake=intake)
    rules, catalogue = shipped()
    changed = copy.deepcopy(rules)
    changed["version"] = rules["version"] + "-test"
    for rule in changed["rules"]:
        if rule["id"] == "KIDNEY-HEMATURIA":
            rule["outcome"] = "refer"
            rule["version"] += 1
    store_ruleset(rules_data=changed, catalogue_data=catalogue)
    assert active_version().version.endswith("-test")
    screening.refresh_from_db()
    assert reproduce(screening) == screening.result
    again = screen_intake(intake=intake)
    assert again.decision == "refer"


def test_unreadable_answers_refer_never_proceed(ruleset, a_client):
    intake = IntakeFactory(
        client=a_client, clinic=a_client.clinic, answers={"no_such_question": "x"}
    )
    screening = screen_intake(intake=intake)
    assert screening.decision == "refer"
    assert screening.outcome.findings[0].code == "invalid_answers"
    assert Screening.objects.count() == 1


def test_an_unanswered_question_is_not_a_no(ruleset, a_client):
    answers = complete_answers()
    del answers["blood_in_urine"]
    intake = IntakeFactory(client=a_client, clinic=a_client.clinic, answers=answers)
    screening = screen_intake(intake=intake)
    assert screening.decision == "refer"
    incomplete = screening.outcome.findings[0]
    assert incomplete.code == "incomplete_intake"
    assert "blood_in_urine" in incomplete.message


def test_a_complete_intake_with_nothing_to_report_proceeds(ruleset, a_client):
    intake = IntakeFactory(client=a_client, clinic=a_client.clinic, answers=complete_answers())
    assert screen_intake(intake=intake).decision == "proceed"


def test_loading_again_on_start_keeps_the_owners_choice(ruleset):
    rules, catalogue = shipped()
    newer = copy.deepcopy(rules)
    newer["version"] = rules["version"] + "-owner"
    store_ruleset(rules_data=newer, catalogue_data=catalogue)
    assert active_version().version == newer["version"]
    call_command("load_rules")  # as every container start does, with the shipped file
    assert active_version().version == newer["version"]


def test_screen_command_uses_the_named_clinics_rule_set(ruleset, clinic, other_clinic, capsys):
    import io

    from rules.services import activate_for_clinic

    rules, catalogue = shipped()
    lenient = copy.deepcopy(rules)
    lenient["version"] = "2026.12.2"
    for rule in lenient["rules"]:
        if rule["id"] == "KIDNEY-HEMATURIA":
            rule["outcome"], rule["version"] = "refer", rule["version"] + 1
    other = store_ruleset(rules_data=lenient, catalogue_data=catalogue, activate=False).version
    activate_for_clinic(clinic=other_clinic, version=other)
    path = io.StringIO(json.dumps(complete_answers(blood_in_urine=True)))

    def run(*args):
        path.seek(0)
        out, err = io.StringIO(), io.StringIO()
        import sys

        sys.stdin = path
        try:
            call_command("screen", *args, stdout=out, stderr=err)
        finally:
            sys.stdin = sys.__stdin__
        return json.loads(out.getvalue()), err.getvalue()

    result, note = run("--clinic", "hillside")
    assert result["ruleset_version"] == "2026.12.2"
    assert "clinic hillside" in note
    result, note = run()
    assert result["ruleset_version"] == ruleset.version
    assert "installation default" in note
    with pytest.raises(CommandError, match="no clinic"):
        run("--clinic", "nowhere")


def test_an_activation_cannot_be_changed_or_deleted(ruleset, clinic):
    from django.db import DatabaseError, transaction

    from rules.models import RuleSetActivation
    from rules.services import activate_for_clinic

    activation = activate_for_clinic(clinic=clinic, version=ruleset)
    for change in (
        lambda: RuleSetActivation.objects.filter(pk=activation.pk).update(clinic=None),
        lambda: RuleSetActivation.objects.filter(pk=activation.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()


def test_the_kiosk_reads_the_rule_set_of_the_intakes_clinic(ruleset, clinic, other_clinic):
    from intake.selectors import kiosk_intake
    from rules.services import activate_for_clinic

    rules, catalogue = shipped()
    newer = copy.deepcopy(rules)
    newer["version"] = "2026.12.3"
    other = store_ruleset(rules_data=newer, catalogue_data=catalogue, activate=False).version
    activate_for_clinic(clinic=other_clinic, version=other)
    here = IntakeFactory(clinic=clinic, kiosk_token="token-riverside")
    there = IntakeFactory(clinic=other_clinic, kiosk_token="token-hillside")
    assert kiosk_intake(here.kiosk_token).active_ruleset == ruleset.checksum
    assert kiosk_intake(there.kiosk_token).active_ruleset == other.checksum


@pytest.mark.parametrize("verb", CHANGES)
def test_a_rule_set_version_cannot_be_changed_or_deleted_by_the_app(ruleset, app_role, verb):
    """Screenings point at a version to say which rules decided: the app's role can neither
    rewrite one in place (say, lift a rule's referral) nor take it away."""
    assert_refused(app_role, sql_for(verb, "contraindications_rulesetversion"))
    assert RuleSetVersion.objects.get(pk=ruleset.pk).rules == ruleset.rules


def _behind_the_apps_back(version, column, value):
    """Rewrite a stored version's `column` as a superuser could, with the triggers off for one
    statement, and forget this process's compiled copy (a worker that had not compiled it)."""
    from django.db import connection

    from rules import selectors

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"UPDATE contraindications_rulesetversion SET {column} = %s WHERE id = %s",  # noqa: S608
            [json.dumps(value), version.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    selectors._COMPILED.pop(version.checksum, None)


def test_rules_changed_behind_the_apps_back_screen_nothing(ruleset, a_client):
    """The table's owner can switch its trigger off; a process that then compiles the version
    finds its rules no longer match their checksum and uses nothing of it: no screening, no
    submit (the draft and its answers stay as they were), until the version is restored."""

    from intake.models import Intake
    from rules import selectors
    from tests.factories import drawn_submission
    from visits.services import submit_and_screen

    answers = complete_answers()
    intake = IntakeFactory(client=a_client, clinic=a_client.clinic, answers=answers)
    lifted = copy.deepcopy(ruleset.rules)
    lifted["rules"] = [r for r in lifted["rules"] if r["outcome"] not in {"refer", "refer_urgent"}]
    _behind_the_apps_back(ruleset, "rules", lifted)
    tampered = RuleSetVersion.objects.get(pk=ruleset.pk)
    with pytest.raises(selectors.RuleSetTampered, match="does not match its checksums"):
        selectors.compiled(tampered)
    with pytest.raises(selectors.RuleSetTampered):
        submit_and_screen(intake_id=intake.pk, **drawn_submission())
    kept = Intake.objects.get(pk=intake.pk)
    assert kept.status == "draft"
    assert kept.answers == answers
    assert not Screening.objects.filter(intake=intake).exists()


def test_questions_changed_behind_the_apps_back_are_asked_of_no_one(ruleset):
    """The catalogue decides what the tablet asks: hiding a red-flag question in the database
    is found as changed rules are, by the checksum the version was loaded with."""

    from contraindications.engine import catalogue_checksum
    from rules import selectors

    assert ruleset.catalogue_checksum == catalogue_checksum(ruleset.catalogue)
    hidden = copy.deepcopy(ruleset.catalogue)
    question = next(q for q in hidden["questions"] if q["id"] == "blood_in_urine")
    question["show_if"] = {"q": "age", "eq": -1}
    question["required"] = False
    _behind_the_apps_back(ruleset, "catalogue", hidden)
    with pytest.raises(selectors.RuleSetTampered, match="rules or questions"):
        selectors.compiled(RuleSetVersion.objects.get(pk=ruleset.pk))
