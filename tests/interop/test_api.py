"""The FHIR read API: tokens (hashed, scope, expiry, revocation), clinic scoping, audit, paging
and bounded queries."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from interop import mapping
from interop.models import ApiToken
from interop.services import TokenError, hash_secret, issue_token, revoke_token
from tests.factories import ClientFactory
from tests.interop.helpers import auth, token_for
from tests.review.helpers import KIDNEY_RED_FLAG, screened, signed_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(clinic, therapist, ruleset):
    return screened(ClientFactory(clinic=clinic), KIDNEY_RED_FLAG, therapist)


def test_only_the_hash_of_a_token_is_stored(clinic, owner):
    issued = issue_token(clinic_id=clinic.pk, name="EHR", created_by=owner)
    stored = ApiToken.objects.get()
    assert stored.token_hash == hash_secret(issued.secret)
    assert issued.secret not in {stored.token_hash, stored.prefix, stored.name}
    assert AuditEvent.objects.filter(object_id=str(stored.public_id), action="create").exists()


def test_every_resource_type_reads_and_validates(client, clinic, owner, record):
    secret = token_for(clinic, owner)
    patient_id = record.client.public_id
    for path in (
        f"Patient/{patient_id}",
        f"QuestionnaireResponse/{record.intake.public_id}",
        f"Consent/{record.intake.public_id}",
        f"Provenance/{record.intake.public_id}",
        f"DetectedIssue/{record.public_id}-0",
        "Questionnaire",
        f"QuestionnaireResponse?patient={patient_id}",
        f"DetectedIssue?patient=Patient/{patient_id}",
        f"Patient/{patient_id}/$everything",
    ):
        got = client.get(f"/fhir/r4/{path}", **auth(secret))
        assert got.status_code == 200, path
        assert got["Content-Type"] == "application/fhir+json"
        mapping.validate(got.json())


def test_every_call_is_audited(client, clinic, owner, record):
    secret = token_for(clinic, owner)
    before = AuditEvent.objects.count()
    client.get(f"/fhir/r4/Patient/{record.client.public_id}", **auth(secret))
    client.get("/fhir/r4/Patient", **auth(secret))
    events = AuditEvent.objects.order_by("id")[before:]
    assert next(e.object_id for e in events) == str(record.client.public_id)
    assert all("via API token mct_" in e.detail for e in events)
    assert len(events) == 2


def test_another_clinics_ids_are_not_found(client, clinic, other_clinic, owner, record):
    from accounts.roles import Role
    from tests.factories import UserFactory

    stranger = UserFactory(username="hal-owner", clinic=other_clinic, role=Role.OWNER)
    secret = token_for(other_clinic, stranger)
    for path in (
        f"Patient/{record.client.public_id}",
        f"Patient/{record.client.public_id}/$everything",
        f"QuestionnaireResponse/{record.intake.public_id}",
        f"Consent/{record.intake.public_id}",
        f"DetectedIssue/{record.public_id}-0",
        "Patient/not-a-uuid",
        "DetectedIssue/nonsense",
    ):
        assert client.get(f"/fhir/r4/{path}", **auth(secret)).status_code == 404, path
    listed = client.get(
        f"/fhir/r4/QuestionnaireResponse?patient={record.client.public_id}", **auth(secret)
    )
    assert listed.json()["total"] == 0
    assert client.get("/fhir/r4/Patient", **auth(secret)).json()["total"] == 0


def test_expired_revoked_and_unknown_tokens_are_refused(client, clinic, owner, record):
    url = f"/fhir/r4/Patient/{record.client.public_id}"
    issued = issue_token(
        clinic_id=clinic.pk, name="EHR", created_by=owner, lifetime=timedelta(days=1)
    )
    assert client.get(url, **auth(issued.secret)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert client.get(url, **auth(issued.secret)).status_code == 401
    revoke_token(token=issued.token, revoked_by=owner)
    got = client.get(url, **auth(issued.secret))
    assert got.status_code == 401
    assert "revoked" in got.json()["issue"][0]["diagnostics"]
    assert client.get(url, **auth("mct_wrong")).status_code == 401
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_a_session_is_not_a_token(client, clinic, owner, record):
    client.force_login(owner)
    assert client.get(f"/fhir/r4/Patient/{record.client.public_id}").status_code == 401


def test_tokens_are_read_only(client, clinic, owner, record):
    secret = token_for(clinic, owner)
    got = client.post(f"/fhir/r4/Patient/{record.client.public_id}", {}, **auth(secret))
    assert got.status_code == 405


def test_a_token_lives_at_most_a_year_and_needs_a_name(clinic, owner):
    with pytest.raises(TokenError) as e:
        issue_token(clinic_id=clinic.pk, name="EHR", created_by=owner, lifetime=timedelta(days=400))
    assert e.value.code == "bad_lifetime"
    with pytest.raises(TokenError) as e:
        issue_token(clinic_id=clinic.pk, name=" ", created_by=owner)
    assert e.value.code == "token_needs_name"


def test_everything_is_paged_in_a_bounded_number_of_queries(
    client, clinic, owner, therapist, ruleset, django_assert_max_num_queries
):
    person = ClientFactory(clinic=clinic)
    for _ in range(12):
        signed_intake(person, KIDNEY_RED_FLAG, therapist)
    secret = token_for(clinic, owner)
    url = f"/fhir/r4/Patient/{person.public_id}/$everything?_count=5"
    client.get(url, **auth(secret))  # compile the rule set once
    with django_assert_max_num_queries(14):
        page = client.get(url, **auth(secret)).json()
    assert page["total"] == 12
    kinds = [e["resource"]["resourceType"] for e in page["entry"]]
    assert kinds.count("QuestionnaireResponse") == 5
    assert kinds[0] == "Patient"
    assert {link["relation"] for link in page["link"]} == {"self", "next"}
    next_url = next(link["url"] for link in page["link"] if link["relation"] == "next")
    with django_assert_max_num_queries(14):
        last = client.get(next_url.replace("_page=2", "_page=3"), **auth(secret)).json()
    assert [e["resource"]["resourceType"] for e in last["entry"]].count(
        "QuestionnaireResponse"
    ) == 2


def test_bad_paging_falls_back_to_defaults(client, clinic, owner, record):
    got = client.get("/fhir/r4/Patient?_count=abc&_page=-3", **auth(token_for(clinic, owner)))
    assert got.status_code == 200
    assert got.json()["total"] == 1
