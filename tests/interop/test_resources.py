"""Every FHIR resource the demo clinic exports validates with fhir.resources (R4B models)."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Clinic
from contraindications.engine import CATALOGUE_PATH, load_catalogue
from interop import mapping, selectors
from tests.review.helpers import KIDNEY_RED_FLAG, screened

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_clinic(ruleset):
    call_command("seed_demo", stdout=io.StringIO())
    return Clinic.objects.get(slug="riverside-demo")


def test_every_resource_of_the_demo_clinic_validates(demo_clinic):
    clients, total = selectors.clients_page(demo_clinic.pk, offset=0, count=1000)
    assert total == len(clients) > 0
    resources = [*selectors.questionnaires(demo_clinic.pk)]
    resources += [selectors.patient_resource(c) for c in clients]
    kinds = frozenset({"QuestionnaireResponse", "Consent", "Provenance", "DetectedIssue"})
    resources += selectors.intake_resources(selectors.submitted_intakes(demo_clinic.pk), kinds)
    by_type = {}
    for resource in resources:
        mapping.validate(resource)
        by_type[resource["resourceType"]] = by_type.get(resource["resourceType"], 0) + 1
    assert set(by_type) == {"Questionnaire", "Patient", *kinds}
    everything = mapping.bundle(type="searchset", resources=resources, base="http://x/fhir/r4/")
    mapping.validate(everything)


def test_the_questionnaire_has_a_version_sections_codes_and_spanish():
    import json

    catalogue = load_catalogue(json.loads(CATALOGUE_PATH.read_text(encoding="utf-8")))
    q = mapping.questionnaire(catalogue)
    mapping.validate(q)
    assert q["version"] == catalogue.version
    assert [g["linkId"] for g in q["item"]] == list(
        dict.fromkeys(x.section for x in catalogue.questions)
    )
    items = {i["linkId"]: i for g in q["item"] for i in g["item"]}
    assert items["blood_in_urine"]["type"] == "boolean"
    translation = items["blood_in_urine"]["_text"]["extension"][0]
    assert translation["url"] == mapping.TRANSLATION
    assert translation["extension"][1]["valueString"] == catalogue.by_id["blood_in_urine"].text.es
    pregnant = items["pregnant"]
    assert {o["valueCoding"]["code"] for o in pregnant["answerOption"]} == catalogue.by_id[
        "pregnant"
    ].choice_ids
    shown_if = [
        i
        for i in items.values()
        if "enableWhen" in i
        or any(e["url"].endswith("enableWhenExpression") for e in i.get("extension", []))
    ]
    assert len(shown_if) == sum(1 for x in catalogue.questions if x.show_if is not None)


def test_a_finding_becomes_a_detected_issue_pointing_at_the_response(clinic, therapist, ruleset):
    from tests.factories import ClientFactory

    screening = screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG, therapist)
    issues = selectors.intake_resources([screening.intake], frozenset({"DetectedIssue"}))
    hematuria = next(i for i in issues if i["code"]["coding"][0]["code"] == "KIDNEY-HEMATURIA")
    mapping.validate(hematuria)
    assert hematuria["severity"] == "high"
    assert hematuria["code"]["coding"][1]["code"] == "refer_urgent"
    assert hematuria["evidence"][0]["detail"] == [
        {"reference": f"QuestionnaireResponse/{screening.intake.public_id}"}
    ]
    assert hematuria["extension"][0]["valueString"]
    response = selectors.intake_resources([screening.intake], frozenset({"QuestionnaireResponse"}))[
        0
    ]
    assert (
        response["questionnaire"]
        == f"{mapping.QUESTIONNAIRE_URL}|{screening.ruleset.catalogue_version}"
    )


def test_every_decision_maps_to_a_severity_and_an_indicator():
    from contraindications.engine import Decision

    codings = {d: mapping.decision_to_fhir(d.value) for d in Decision}
    assert {d.value: c.cds_indicator for d, c in codings.items()} == {
        "refer_urgent": "critical",
        "refer": "critical",
        "postpone": "warning",
        "clearance_required": "warning",
        "modify": "info",
        "proceed": None,
    }
    assert {d.value: c.detected_issue_severity for d, c in codings.items()} == {
        "refer_urgent": "high",
        "refer": "high",
        "postpone": "moderate",
        "clearance_required": "moderate",
        "modify": "low",
        "proceed": "low",
    }
    # The engine's order: a more severe decision never reads as less urgent in an EHR.
    rank = {"critical": 3, "warning": 2, "info": 1, None: 0}
    by_severity = sorted(Decision, key=lambda d: d.severity)
    assert [rank[codings[d].cds_indicator] for d in by_severity] == sorted(
        rank[codings[d].cds_indicator] for d in by_severity
    )
    assert all(codings[d].display == d.label("en") for d in Decision)


def test_seed_demo_prints_a_working_token_and_revokes_the_last_one(client, ruleset):
    from tests.interop.helpers import auth

    secrets = []
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        line = next(x for x in out.getvalue().splitlines() if "FHIR API and CDS Hooks token" in x)
        secrets.append(line.rsplit(" ", 1)[1])
    assert client.get("/fhir/r4/Patient", **auth(secrets[1])).json()["total"] > 0
    assert client.get("/fhir/r4/Patient", **auth(secrets[0])).status_code == 401
