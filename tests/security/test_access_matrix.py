"""Every URL × every role, with the status each must get (a GET, as a link or an edited URL
would send). A new URL without an entry here fails `test_every_url_has_an_entry`.

Roles: anonymous; a kiosk (a tablet handed to a client); front desk, therapist and owner of
Riverside; and an owner of another clinic (Hillside), who must never reach Riverside's data.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role
from review.services import record_referral_decision
from tests.factories import AppointmentFactory, ClientFactory, SessionNoteFactory, UserFactory
from tests.review.helpers import KIDNEY_RED_FLAG, screened_with_release

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "kiosk", "front_desk", "therapist", "owner", "other_clinic")
LOGIN = "login"  # a redirect to the staff login page
KIOSK = "kiosk"  # a redirect back into the kiosk (a tablet goes nowhere else)
TWO = "2fa"  # a redirect into the two-factor flow
ENDED = "ended"  # a redirect to "this tablet session has ended"
NOT_TABLET = "not_tablet"  # a redirect to "this tablet is not enrolled" (tablets/)

# url name: (anonymous, kiosk, front desk, therapist, owner, other clinic's owner)
MATRIX = {
    "home": (LOGIN, KIOSK, 302, 302, 302, 302),
    "health": (200, KIOSK, 200, 200, 200, 200),
    "accounts:login": (200, KIOSK, 302, 302, 302, 302),
    "accounts:logout": (LOGIN, KIOSK, 405, 405, 405, 405),
    "accounts:password_change": (LOGIN, KIOSK, 200, 200, 200, 200),
    "accounts:password_change_done": (LOGIN, KIOSK, 200, 200, 200, 200),
    "accounts:2fa_setup": (LOGIN, KIOSK, 302, 302, 302, 302),
    "accounts:2fa_qr": (LOGIN, KIOSK, 404, 404, 404, 404),
    "accounts:2fa_verify": (LOGIN, KIOSK, 302, 302, 302, 302),
    "accounts:keep_alive": (LOGIN, KIOSK, 405, 405, 405, 405),
    # Every owner has the page; each sees only their own clinic's staff (tests/security/
    # test_lockouts.py).
    "oversight:lockouts": (LOGIN, KIOSK, 403, 403, 200, 200),
    "clients:list": (LOGIN, KIOSK, 200, 200, 200, 200),
    "clients:create": (LOGIN, KIOSK, 200, 200, 200, 200),
    "visits:client": (LOGIN, KIOSK, 200, 200, 200, 404),
    "clients:edit": (LOGIN, KIOSK, 200, 200, 200, 404),
    "clients:archive": (LOGIN, KIOSK, 405, 405, 405, 405),
    "visits:today": (LOGIN, KIOSK, 200, 200, 200, 200),
    # Appointments: front desk and owners book, send links, cancel and import; a therapist has
    # their own list (tests/visits/test_appointments.py, test_import.py).
    "visits:appointment_new": (LOGIN, KIOSK, 200, 403, 200, 404),
    "visits:appointment_send_link": (LOGIN, KIOSK, 405, 403, 405, 405),
    "visits:appointment_cancel": (LOGIN, KIOSK, 405, 403, 405, 405),
    "visits:appointment_import": (LOGIN, KIOSK, 200, 403, 200, 200),
    "visits:mine": (LOGIN, KIOSK, 403, 200, 200, 200),
    "intake:hand_over": (LOGIN, KIOSK, 405, 405, 405, 405),
    # The signed intake holds health answers: clinical staff only (docs/INTAKE.md).
    "intake:signed_pdf": (LOGIN, KIOSK, 403, 200, 200, 404),
    "intake:email_signed_copy": (LOGIN, KIOSK, 403, 405, 405, 405),
    # Without a tablet session the kiosk pages only say the session has ended; the save
    # endpoint takes only POST; the take-back page is a password form and reveals nothing.
    "kiosk:home": (ENDED, 200, ENDED, ENDED, ENDED, ENDED),
    "kiosk:language": (ENDED, 405, ENDED, ENDED, ENDED, ENDED),
    "kiosk:changed": (ENDED, 405, ENDED, ENDED, ENDED, ENDED),
    "kiosk:section": (ENDED, 200, ENDED, ENDED, ENDED, ENDED),
    "kiosk:save": (405, 405, 405, 405, 405, 405),
    "kiosk:still_here": (405, 405, 405, 405, 405, 405),
    "kiosk:done": (ENDED, 302, ENDED, ENDED, ENDED, ENDED),
    "kiosk:staff": (200, 200, 200, 200, 200, 200),
    "kiosk:ended": (200, 200, 200, 200, 200, 200),
    "review:today": (LOGIN, KIOSK, 403, 200, 200, 200),
    "review:screening": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:plan": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:plan_check": (LOGIN, KIOSK, 403, 405, 405, 405),
    "review:referral": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:clearance": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:summary_pdf": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:letter_pdf": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:letter_email": (LOGIN, KIOSK, 403, 200, 200, 404),
    # Session notes: therapists write them and add addenda; owners read; never the front desk.
    "review:note_new": (LOGIN, KIOSK, 403, 200, 403, 403),
    "review:note": (LOGIN, KIOSK, 403, 200, 200, 404),
    "review:note_addendum": (LOGIN, KIOSK, 403, 405, 403, 403),
    # Letterhead: owners; name and credentials: whoever signs letters (their own only).
    "review:letterhead": (LOGIN, KIOSK, 403, 403, 200, 200),
    "review:credentials": (LOGIN, KIOSK, 403, 200, 200, 200),
    "oversight:dashboard": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:decisions": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:decisions_csv": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:report_pdf": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:decision": (LOGIN, KIOSK, 403, 403, 200, 404),
    "oversight:trail": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:rulesets": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:ruleset_diff": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:ruleset": (LOGIN, KIOSK, 403, 403, 200, 200),
    "oversight:ruleset_activate": (LOGIN, KIOSK, 403, 403, 405, 405),
    "oversight:ruleset_policy": (LOGIN, KIOSK, 403, 403, 405, 405),
    # A client's intake link (previsit/): the pages before the identity check show nothing
    # without a link in the session (a redirect to "this link does not work"); an unknown
    # token is a 404; front desk's send and revoke take only POST.
    "previsit:open": (404, KIOSK, 404, 404, 404, 404),
    "previsit:verify": (302, KIOSK, 302, 302, 302, 302),
    "previsit:code": (302, KIOSK, 302, 302, 302, 302),
    "previsit:closed": (410, KIOSK, 410, 410, 410, 410),
    "previsit:send": (LOGIN, KIOSK, 405, 405, 405, 405),
    "previsit:revoke": (LOGIN, KIOSK, 405, 405, 405, 405),
    "interop:tokens": (LOGIN, KIOSK, 403, 403, 200, 200),
    "interop:revoke_token": (LOGIN, KIOSK, 403, 403, 405, 405),
    # The FHIR API takes a bearer token, never a session (tests/interop/test_api.py).
    "fhir:screen": (405, KIOSK, 405, 405, 405, 405),
    "fhir:everything": (401, KIOSK, 401, 401, 401, 401),
    "fhir:search": (401, KIOSK, 401, 401, 401, 401),
    "fhir:read": (401, KIOSK, 401, 401, 401, 401),
    "cds:services": (401, KIOSK, 401, 401, 401, 401),
    "cds:service": (405, KIOSK, 405, 405, 405, 405),
    "cds:feedback": (405, KIOSK, 405, 405, 405, 405),
    # An enrolled tablet's own pages (tablets/): without its cookie they say "not enrolled"; the
    # tablet's own view of every URL is tests/tablets/test_access.py. Owners enrol and revoke.
    "tablet:waiting": (NOT_TABLET, KIOSK, NOT_TABLET, NOT_TABLET, NOT_TABLET, NOT_TABLET),
    "tablet:poll": (403, KIOSK, 403, 403, 403, 403),
    "tablet:start": (NOT_TABLET, KIOSK, NOT_TABLET, NOT_TABLET, NOT_TABLET, NOT_TABLET),
    "tablet:enrol": (200, KIOSK, 200, 200, 200, 200),
    "tablet:not_enrolled": (403, KIOSK, 403, 403, 403, 403),
    "tablets:list": (LOGIN, KIOSK, 403, 403, 200, 200),
    "tablets:add": (LOGIN, KIOSK, 403, 403, 405, 405),
    "tablets:new_code": (LOGIN, KIOSK, 403, 403, 405, 405),
    "tablets:revoke": (LOGIN, KIOSK, 403, 403, 405, 405),
    "tablets:take_back": (LOGIN, KIOSK, 405, 405, 405, 405),
    "tablets:send": (LOGIN, KIOSK, 405, 405, 405, 405),
    # The admin is one gate (config/admin_site.py): owners only; its pages share it.
    "admin:index": (LOGIN, KIOSK, 403, 403, 200, 200),
}


def url_names():
    names = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.append("admin:index")
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_has_an_entry():
    assert sorted(set(url_names()) - set(MATRIX)) == [], "add the new URL to MATRIX"
    assert sorted(set(MATRIX) - set(url_names())) == [], "remove URLs that no longer exist"


@pytest.fixture
def world(clinic, other_clinic, front_desk, therapist, owner, ruleset):
    client_record = ClientFactory(clinic=clinic, legal_name="Maria Garcia")
    screening = screened_with_release(client_record, KIDNEY_RED_FLAG, therapist)
    note = SessionNoteFactory(screening=screening, signed_by=therapist)
    decision = record_referral_decision(
        screening=screening,
        rule_ids=["KIDNEY-HEMATURIA"],
        action="referred",
        referred_to="Dr. Lang",
        method="phone",
        urgency="today",
        request_text="Please assess.",
        decided_by=therapist,
    )
    appointment = AppointmentFactory(clinic=clinic, client=client_record, therapist=therapist)
    stranger = UserFactory(username="hillside-owner", clinic=other_clinic, is_staff=True)
    stranger.groups.add(Group.objects.get(name=Role.OWNER.value))
    kwargs = {
        "clients": {"public_id": client_record.public_id},
        "visits:client": {"public_id": client_record.public_id},
        "visits:appointment_new": {"public_id": client_record.public_id},
        "visits:appointment_send_link": {"public_id": appointment.public_id},
        "visits:appointment_cancel": {"public_id": appointment.public_id},
        "intake:hand_over": {"public_id": client_record.public_id},
        "intake:signed_pdf": {"public_id": screening.intake.public_id},
        "intake:email_signed_copy": {"public_id": screening.intake.public_id},
        "review": {"public_id": screening.public_id},
        "oversight:decision": {"public_id": decision.public_id},
        "review:note": {"public_id": note.public_id},
        "review:note_addendum": {"public_id": note.public_id},
        "oversight:ruleset": {"version": ruleset.version},
        "oversight:ruleset_activate": {"version": ruleset.version},
        "kiosk:section": {"section": "about_you"},
        "previsit:open": {"token": "x" * 43},
        "previsit:send": {"public_id": client_record.public_id},
        "previsit:revoke": {"public_id": client_record.public_id},
        "interop:revoke_token": {"public_id": client_record.public_id},
        "cds": {"service_id": "massage-contraindications"},
        "tablets": {"public_id": client_record.public_id},
        "fhir:everything": {"resource_id": str(client_record.public_id)},
        "fhir:search": {"resource_type": "Patient"},
        "fhir:read": {"resource_type": "Patient", "resource_id": str(client_record.public_id)},
    }
    users = {
        "front_desk": front_desk,
        "therapist": therapist,
        "owner": owner,
        "other_clinic": stranger,
    }
    return {"client": client_record, "kwargs": kwargs, "users": users}


def _reverse(name, world):
    if name == "oversight:ruleset_diff":
        version = world["kwargs"]["oversight:ruleset"]["version"]
        return f"{reverse(name)}?old={version}&new={version}"
    kwargs = world["kwargs"]
    for key in (name, name.split(":")[0]):
        if key in kwargs:
            try:
                return reverse(name, kwargs=kwargs[key])
            except Exception:  # noqa: S112 - this name takes no such arguments
                continue
    return reverse(name)


def _as(role, client, world):
    if role == "anonymous":
        return client
    if role == "kiosk":
        client.force_login(world["users"]["front_desk"])
        response = client.post(reverse("intake:hand_over", args=[world["client"].public_id]))
        assert response.status_code == 302
        return client
    client.force_login(world["users"][role])
    return client


def _outcome(response):
    if response.status_code in (301, 302):
        location = response.headers["Location"]
        if "/accounts/login/" in location or "/admin/login/" in location:
            return LOGIN
        if "/kiosk/ended/" in location:
            return ENDED
        if "/tablet/not-enrolled/" in location:
            return NOT_TABLET
        if location.startswith("/kiosk/"):
            return KIOSK
        if "/accounts/2fa/" in location:
            return TWO
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    browser = _as(role, client, world)
    column = ROLES.index(role)
    wrong = {}
    for name, expected in MATRIX.items():
        if role == "kiosk" and name in ("kiosk:done", "kiosk:ended", "kiosk:staff"):
            # These end or pause the kiosk session; checked once, at the end, below.
            continue
        got = _outcome(browser.get(_reverse(name, world)))
        if got != expected[column] and not (expected[column] == KIOSK and got == 302):
            wrong[name] = (expected[column], got)
    assert wrong == {}, f"{role}: expected vs got {wrong}"


# A client's phone after the link's identity check: everything the tablet gets, except the
# staff take-back page; opening a link (which starts the identity check again) is checked last.
PHONE_DIFFERS = {"kiosk:staff": KIOSK, "kiosk:ended": KIOSK}


def test_a_phone_session_reaches_only_its_own_intake(client, world, front_desk):
    from tests.previsit.helpers import open_and_verify, send

    issued = send(world["client"], by=front_desk)
    response = open_and_verify(client, issued.token, world["client"])
    assert response.url == reverse("kiosk:home")
    column = ROLES.index("kiosk")
    wrong = {}
    for name, expected in MATRIX.items():
        if name in ("kiosk:done", "previsit:open"):
            continue
        want = PHONE_DIFFERS.get(name, expected[column])
        got = _outcome(client.get(_reverse(name, world)))
        if got != want and not (want == KIOSK and got == 302):
            wrong[name] = (want, got)
    assert wrong == {}, f"phone: expected vs got {wrong}"
    assert _outcome(client.get(reverse("kiosk:done"))) == KIOSK
    # Opening any link ends the phone's session: the identity check starts again.
    assert client.get(_reverse("previsit:open", world)).status_code == 404
    assert _outcome(client.get(reverse("kiosk:home"))) == ENDED
