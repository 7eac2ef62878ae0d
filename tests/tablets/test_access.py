"""The tablet as an actor of the access matrix: with its credential it reaches its waiting page
and, once it picked one up, the kiosk pages of that one intake; every other URL of the project
(tests/security/test_access_matrix.py's list, so a new URL is covered at once) leads back."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from tests.security.test_access_matrix import KIOSK, MATRIX, ROLES, _outcome, _reverse, world
from tests.tablets.helpers import enrolled_browser, send

pytestmark = pytest.mark.django_db
assert world  # the fixture, imported for these tests

WAITING = "waiting"
ON_TABLET = {
    "tablet:waiting": 200,
    "tablet:poll": 200,
    "tablet:start": 405,
    "tablet:enrol": 200,
}


def _tablet_outcome(response):
    if response.status_code == 302 and response.headers["Location"] == reverse("tablet:waiting"):
        return WAITING
    return _outcome(response)


def test_a_waiting_tablet_reaches_only_its_own_pages(world, clinic, owner):
    device, _tablet = enrolled_browser(clinic, owner)
    wrong = {}
    for name in MATRIX:
        if name == "tablet:not_enrolled":
            continue  # it forgets the credential; checked last
        want = ON_TABLET.get(name, WAITING)
        got = _tablet_outcome(device.get(_reverse(name, world)))
        if got != want:
            wrong[name] = (want, got)
    assert wrong == {}, f"tablet: expected vs got {wrong}"
    # A POST to any staff action is turned back the same way, before the view runs.
    for name in ("tablets:send", "tablets:add", "intake:hand_over", "accounts:login"):
        assert _tablet_outcome(device.post(_reverse(name, world), {})) == WAITING


def test_a_tablet_in_an_intake_reaches_only_that_intake(world, clinic, owner, front_desk):
    device, tablet = enrolled_browser(clinic, owner)
    desk = Browser()
    desk.force_login(front_desk)
    send(desk, world["client"], tablet)
    assert device.post(reverse("tablet:start")).url == reverse("kiosk:home")
    column = ROLES.index("kiosk")
    wrong = {}
    for name, expected in MATRIX.items():
        if name == "kiosk:done":
            continue
        # No staff take-back page and no "session ended" page: both lead back into the intake.
        want = KIOSK if name in ("kiosk:staff", "kiosk:ended") else expected[column]
        got = _outcome(device.get(_reverse(name, world)))
        if got != want and not (want == KIOSK and got == 302):
            wrong[name] = (want, got)
    assert wrong == {}, f"tablet in an intake: expected vs got {wrong}"
