import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
# The decision docs/SCREENING.md promises for each worked example.
EXPECTED = {
    "kidney_red_flag.json": "refer_urgent",
    "muscular_flank_pain.json": "modify",
    "pregnant_with_plan.json": "modify",
    "warfarin.json": "modify",
    "nothing_found.json": "proceed",
}


def run_screen(*args, stdin=None, monkeypatch=None):
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("screen", *args, stdout=out)
    return json.loads(out.getvalue())


def test_every_worked_example_is_documented_and_tested():
    assert {p.name for p in EXAMPLES.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize(("name", "decision"), sorted(EXPECTED.items()))
def test_worked_examples_print_their_decision(ruleset, name, decision):
    result = run_screen(str(EXAMPLES / name))
    assert result["decision"] == decision
    assert result["ruleset_version"] == ruleset.version
    for finding in result["findings"]:
        assert finding["rule_id"]
        assert finding["rule_version"] >= 1
        assert finding["source"], finding["rule_id"]
        assert finding["matched"], finding["rule_id"]


def test_kidney_example_names_the_rule_and_the_answers(ruleset):
    result = run_screen(str(EXAMPLES / "kidney_red_flag.json"))
    hematuria = next(f for f in result["findings"] if f["rule_id"] == "KIDNEY-HEMATURIA")
    assert hematuria["matched"] == {"blood_in_urine": True}
    assert hematuria["source"]["seed"].startswith("000_")


def test_plan_in_the_input_is_checked(ruleset):
    result = run_screen(str(EXAMPLES / "pregnant_with_plan.json"))
    check = result["plan_check"]
    kinds = {(v["kind"], v["item"]) for v in check["violations"]}
    assert ("modality", "deep_tissue") in kinds
    assert ("acupoint", "sanyinjiao") in kinds
    assert ("position", "prone") in kinds
    assert "deep_tissue" not in check["nearest_plan"]["modalities"]
    assert check["nearest_plan"]["position"] != "prone"


def test_answers_can_come_from_standard_input(ruleset, monkeypatch):
    result = run_screen(stdin='{"blood_in_urine": true}', monkeypatch=monkeypatch)
    assert result["decision"] == "refer_urgent"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "malformed JSON"),
        ('{"favourite_colour": "blue"}', "unknown_question"),
        ('{"blood_in_urine": "maybe"}', "blood_in_urine"),
        ('{"pain_level": "high", "has_pain": true}', "pain_level"),
        ("[1, 2]", "answers must be an object"),
        ('{"answers": {}, "plan": {"pressure": 9}}', "pressure"),
    ],
)
def test_bad_input_is_a_clear_error(ruleset, monkeypatch, stdin, message):
    with pytest.raises(CommandError, match=message):
        run_screen(stdin=stdin, monkeypatch=monkeypatch)


def test_missing_file_is_a_clear_error(ruleset):
    with pytest.raises(CommandError, match="No such file"):
        run_screen("/nonexistent/answers.json")


def test_screen_exits_non_zero_on_bad_input_from_the_shell(ruleset, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.json"
    bad.write_text('{"blood_in_urine": tru')  # fails before any database access
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "screen", str(bad)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "malformed JSON" in result.stderr
    assert result.stdout == ""


def test_output_groups_findings_by_the_answers_that_triggered_them(ruleset):
    result = run_screen(str(EXAMPLES / "pregnant_with_plan.json"))
    groups = result["finding_groups"]
    assert sorted(r for g in groups for r in g["rule_ids"]) == sorted(
        f["rule_id"] for f in result["findings"]
    )
    pregnant = [g for g in groups if g["matched"] == {"pregnant": "yes"}]
    assert len(pregnant) == 1
    assert len(pregnant[0]["rule_ids"]) >= 3
