import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from review.models import ReferralDecision, TreatmentPlan
from review.presenters import today_rows
from review.selectors import screenings_for_review
from tests.conftest import login
from tests.factories import ClientFactory
from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS, screened

pytestmark = pytest.mark.django_db


def urls(screening):
    pid = screening.public_id
    names = ["screening", "plan", "referral", "clearance", "summary_pdf", "letter_pdf"]
    return [reverse(f"review:{name}", args=[pid]) for name in names]


def test_front_desk_cannot_read_findings(client, front_desk, kidney_screening):
    login(client, front_desk)
    assert client.get(reverse("review:today")).status_code == 403
    for url in urls(kidney_screening):
        assert client.get(url).status_code == 403, url
    check = reverse("review:plan_check", args=[kidney_screening.public_id])
    assert client.post(check, "{}", content_type="application/json").status_code == 403


def test_front_desk_sees_no_decision_on_the_client_page(client, front_desk, kidney_screening):
    login(client, front_desk)
    page = client.get(reverse("visits:client", args=[kidney_screening.client.public_id]))
    assert page.status_code == 200
    assert "Screenings" in page.text
    assert "Refer" not in page.text
    assert "KIDNEY" not in page.text


def test_another_clinic_gets_not_found(client, other_clinic_staff, kidney_screening):
    login(client, other_clinic_staff)
    for url in urls(kidney_screening):
        assert client.get(url).status_code == 404, url
    assert kidney_screening.client.legal_name not in client.get("/review/").text


def test_therapist_reads_findings_with_question_wording_and_source(
    client, therapist, kidney_screening
):
    login(client, therapist)
    page = client.get(reverse("review:screening", args=[kidney_screening.public_id]))
    assert page.status_code == 200
    text = page.text
    assert "Refer urgently: no massage today" in text
    assert "Blood in the urine" in text
    assert "Have you seen blood in your urine, or urine that looks pink, red or brown?" in text
    # The readable citation, never the seed file name (issue 17).
    assert "The question of whether a massage can ease pain felt in the flank" in text
    assert ".txt" not in text
    assert "serious indicator that necessitates urgent medical attention" in text
    assert 'data-region="lumbar_spine" data-state="avoid"' in text
    assert 'data-region="flank_left" data-state="capped"' in text
    assert "Lowest ribs (back)" in text  # avoid areas by name, not code


def test_therapist_can_read_every_answer_the_client_gave(client, therapist, kidney_screening):
    login(client, therapist)
    page = client.get(reverse("review:screening", args=[kidney_screening.public_id]))
    answers = page.context["intake_answers"]
    titles = [section.title for section in answers]
    assert titles[:2] == ["About you", "Visit and pain"]
    shown = {a.question_id: a.answer for section in answers for a in section.answers}
    assert set(shown) == set(kidney_screening.inputs)
    assert shown["pain_regions"] == "Right side under the ribs (kidney area)"
    assert shown["pain_duration"] == "Less than a week"
    assert "Everything the client answered" in page.text


def test_every_view_of_clinical_detail_is_audited(client, owner, kidney_screening):
    login(client, owner)
    client.get(reverse("review:screening", args=[kidney_screening.public_id]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, actor=owner)
    assert event.object_type == "clients.Client"
    assert event.object_id == str(kidney_screening.client.public_id)
    assert "clinical detail" in event.detail


def test_today_list_is_one_query_for_fifty_rows(
    therapist, clinic, ruleset, django_assert_max_num_queries
):
    for n in range(52):
        screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG if n % 2 else PREGNANT_24_WEEKS)
    with django_assert_max_num_queries(1):
        rows = today_rows(therapist)
        names = [r.screening.client.display_name for r in rows]
    assert len(names) == 52
    assert rows[0].screening.decision == "refer_urgent"
    assert rows[0].status == "Needs a referral decision"


def test_today_page_query_count_does_not_grow_with_rows(
    client, therapist, clinic, ruleset, django_assert_max_num_queries
):
    for _ in range(55):
        screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG)
    login(client, therapist)
    with django_assert_max_num_queries(6):  # session, user, groups, the list
        page = client.get(reverse("review:today"))
    assert page.text.count('data-decision="refer_urgent"') == 55


def test_today_list_shows_only_own_clinic(other_clinic_staff, kidney_screening):
    assert list(screenings_for_review(other_clinic_staff)) == []


def test_plan_check_endpoint_returns_violations_and_nearest_plan(
    client, therapist, pregnant_screening
):
    login(client, therapist)
    url = reverse("review:plan_check", args=[pregnant_screening.public_id])
    plan = {"modalities": ["deep_tissue"], "position": "prone", "acupoints": ["sanyinjiao"]}
    data = client.post(url, json.dumps(plan), content_type="application/json").json()
    assert data["ok"] is False
    rules = {r["id"] for v in data["violations"] for r in v["rules"]}
    assert {"PREGNANCY-DEEP-TISSUE", "PREGNANCY-ACUPOINTS", "PREGNANCY-POSITIONING"} <= rules
    assert data["nearest_plan"]["position"] == "side_lying"
    bad = client.post(url, json.dumps({"regions": ["tail"]}), content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "unknown_regions"


def test_plan_form_refuses_a_violating_plan_then_saves_with_reason(
    client, therapist, pregnant_screening
):
    login(client, therapist)
    url = reverse("review:plan", args=[pregnant_screening.public_id])
    form = {"modalities": ["deep_tissue"], "position": "prone", "pressure": "3",
            "acupoints": ["sanyinjiao"], "duration_minutes": "60", "save": "1"}  # fmt: skip
    page = client.post(url, form)
    assert page.status_code == 200
    assert "give a reason to override" in page.text
    assert "Pregnancy: acupoints to avoid (PREGNANCY-ACUPOINTS)" in page.text
    assert not TreatmentPlan.objects.exists()
    nearest = client.post(url, {**form, "use_nearest": "1"})
    assert (
        'value="side_lying" checked' in nearest.text.replace("\n", " ")
        or "side_lying" in nearest.text
    )
    saved = client.post(url, {**form, "override_reason": "Agreed with the midwife."})
    assert saved.status_code == 302
    assert TreatmentPlan.objects.get().override_reason == "Agreed with the midwife."


def test_plan_form_offers_the_nearest_plan_with_light_touch_on_the_belly_only(
    client, therapist, pregnant_screening
):
    login(client, therapist)
    url = reverse("review:plan", args=[pregnant_screening.public_id])
    form = {"modalities": ["swedish"], "position": "side_lying", "pressure": "4",
            "regions": ["upper_back", "abdomen"], "pressure_over_neck": "5",
            "duration_minutes": "60"}  # fmt: skip
    nearest = client.post(url, {**form, "use_nearest": "1"})
    assert nearest.status_code == 200
    assert nearest.context["form"].initial["pressure"] == 3
    assert nearest.context["form"].initial["pressure_over_abdomen"] == 1
    assert "pressure_over_neck" not in nearest.context["form"].initial  # neck is not planned
    assert nearest.context["check"]["ok"] is True
    saved = client.post(url, {**form, "pressure": "3", "pressure_over_abdomen": "1", "save": "1"})
    assert saved.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert plan.compliant
    assert plan.pressure == 3
    assert plan.region_pressure == {"abdomen": 1}
    detail = client.get(reverse("review:screening", args=[pregnant_screening.public_id]))
    assert "Pressure over Belly (abdomen)" in detail.text
    bad = client.post(url, {**form, "pressure_over_abdomen": "9", "save": "1"})
    assert bad.status_code == 200
    assert TreatmentPlan.objects.count() == 1


def test_plan_check_json_applies_regional_caps_to_their_regions_only(
    client, therapist, pregnant_screening
):
    login(client, therapist)
    url = reverse("review:plan_check", args=[pregnant_screening.public_id])
    plan = {"modalities": ["swedish"], "position": "side_lying", "pressure": 3,
            "regions": ["upper_back", "abdomen"]}  # fmt: skip
    data = client.post(url, json.dumps(plan), content_type="application/json").json()
    assert [(v["kind"], v["item"]) for v in data["violations"]] == [("region_pressure", "abdomen")]
    assert data["nearest_plan"]["pressure"] == 3
    assert data["nearest_plan"]["region_pressure"] == {"abdomen": 1}
    ok = {**plan, "region_pressure": {"abdomen": 1}}
    assert client.post(url, json.dumps(ok), content_type="application/json").json()["ok"]
    bad = client.post(
        url, json.dumps({**plan, "region_pressure": {"abdomen": "x"}}),
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "bad_pressure"


def test_referral_form_records_a_referral(client, therapist, kidney_screening):
    login(client, therapist)
    url = reverse("review:referral", args=[kidney_screening.public_id])
    page = client.post(url, {"rule_ids": ["KIDNEY-HEMATURIA"], "action": "referred",
                             "referred_to": "Dr. Rebecca Lang", "method": "phone",
                             "urgency": "today"})  # fmt: skip
    assert page.status_code == 302
    assert ReferralDecision.objects.get().decided_by == therapist
    assert AuditEvent.objects.filter(
        action="create", object_type="review.ReferralDecision"
    ).exists()


def test_urgent_override_without_confirmation_is_shown_as_an_error(
    client, therapist, kidney_screening
):
    login(client, therapist)
    url = reverse("review:referral", args=[kidney_screening.public_id])
    page = client.post(url, {"rule_ids": ["KIDNEY-HEMATURIA"], "action": "overridden",
                             "reason": "Client insists"})  # fmt: skip
    assert page.status_code == 200
    assert "second confirmation" in page.text
    assert not ReferralDecision.objects.exists()


def test_findings_with_the_same_cause_show_as_one_block(client, therapist, pregnant_screening):
    login(client, therapist)
    page = client.get(reverse("review:screening", args=[pregnant_screening.public_id]))
    assert page.status_code == 200
    text = page.text
    blocks = text.split('<article class="card finding-group')[1:]
    pregnant = [b for b in blocks if 'data-rule-id="PREGNANCY-ACUPOINTS"' in b]
    assert len(pregnant) == 1
    block = pregnant[0]
    for rule_id in ("PREGNANCY-ACUPOINTS", "PREGNANCY-DEEP-TISSUE", "PREGNANCY-ESSENTIAL-OILS"):
        assert f'data-rule-id="{rule_id}"' in block
    assert "These answers trigger 3 rules" in block
    # The answer appears once in the block, not once per rule.
    assert block.count("Are you pregnant") == 1
    assert "Acupoints to avoid" in block  # each rule's own constraints
