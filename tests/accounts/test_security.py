import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_ROLES = ["Therapist", "Owner"]


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_five_failed_logins_lock_the_account(client, front_desk):
    for _ in range(4):
        assert log_in(client, "fran", "wrong password").status_code == 200
    assert log_in(client, "fran", "wrong password").status_code == 429
    response = log_in(client, "fran")  # even the right password, until the lock expires
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def test_lockout_behind_a_proxy_uses_the_forwarded_address(client, front_desk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    for n in range(5):
        log_in(client, f"nobody{n}", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert log_in(client, "fran", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another client behind the same proxy is not locked out by the first one's mistakes.
    assert log_in(client, "fran", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_passwords_are_hashed_with_argon2_outside_the_tests():
    # The tests swap in a fast hasher; the real settings module must not.
    import config.settings

    assert config.settings.PASSWORD_HASHERS[0] == "accounts.hashers.ClinicArgon2PasswordHasher"


def test_argon2_meets_the_owasp_minimum_and_upgrades_old_hashes():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from accounts.hashers import ClinicArgon2PasswordHasher

    hasher = ClinicArgon2PasswordHasher()
    encoded = hasher.encode("correct horse battery staple", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("correct horse battery staple", encoded)
    old = Argon2PasswordHasher().encode("correct horse battery staple", hasher.salt())
    assert hasher.must_update(old)


def test_therapist_must_set_up_two_factor_before_any_page(client, therapist, two_factor_on):
    assert log_in(client, "theo").status_code == 302
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:2fa_setup"))
    page = client.get(response.url)
    assert "authenticator app" in page.content.decode()
    assert client.get(reverse("accounts:2fa_qr")).content.startswith(b"<svg")
    device = TOTPDevice.objects.get(user=therapist)
    client.post(reverse("accounts:2fa_setup"), {"token": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("clients:list")).status_code == 200


def test_owner_needs_the_code_at_every_login_and_for_the_admin(client, owner, two_factor_on):
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    log_in(client, "olivia")
    response = client.get(reverse("admin:index"))
    assert response.url.startswith(reverse("accounts:2fa_verify"))
    client.post(reverse("accounts:2fa_verify"), {"token": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_front_desk_needs_no_second_factor(client, front_desk, two_factor_on):
    log_in(client, "fran")
    assert client.get(reverse("clients:list")).status_code == 200


def test_pages_carry_a_strict_content_security_policy(client, front_desk):
    client.force_login(front_desk)
    policy = client.get(reverse("clients:list"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if inline.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_idle_logout_slides_and_warns(client, front_desk, settings):
    assert settings.SESSION_COOKIE_AGE == settings.STAFF_IDLE_SECONDS == 15 * 60
    client.force_login(front_desk)
    page = client.get(reverse("clients:list")).content.decode()
    assert 'data-idle-seconds="900"' in page
    assert "idle-warning" in page
    assert client.post(reverse("accounts:keep_alive")).status_code == 204


def test_session_cookie_expires_after_the_idle_time(client, front_desk):
    log_in(client, "fran")
    assert client.cookies["sessionid"]["max-age"] == 15 * 60


def test_a_wrong_code_is_refused_with_a_clear_message(client, therapist, two_factor_on):
    TOTPDevice.objects.create(user=therapist, name="phone", confirmed=True)
    log_in(client, "theo")
    response = client.post(reverse("accounts:2fa_verify"), {"token": "000000"})
    assert "not right or has expired" in response.content.decode()
    assert client.get(reverse("clients:list")).status_code == 302


def test_activity_pushes_the_idle_expiry_forward(client, front_desk):
    import time_machine

    from accounts.models import Session

    with time_machine.travel("2026-11-21 10:00:00 +0000", tick=False) as traveller:
        client.force_login(front_desk)
        client.get(reverse("clients:list"))
        key = client.cookies["sessionid"].value
        first = Session.objects.get(session_key=key).expire_date
        traveller.shift(10 * 60)
        assert client.get(reverse("clients:list")).status_code == 200
        later = Session.objects.get(session_key=key).expire_date
        assert (later - first).total_seconds() == 10 * 60
        traveller.shift(16 * 60)
        assert client.get(reverse("clients:list")).status_code == 302  # idle too long


def test_the_tablet_take_back_is_throttled_too(client, front_desk, a_client, ruleset):
    client.force_login(front_desk)
    client.post(reverse("intake:hand_over", args=[a_client.public_id]))
    take_back = reverse("kiosk:staff")
    for _ in range(4):
        response = client.post(take_back, {"username": "fran", "password": "guess"})
        assert response.status_code == 200
    assert client.post(take_back, {"username": "fran", "password": "guess"}).status_code == 429
    assert client.post(take_back, {"username": "fran", "password": PASSWORD}).status_code == 429
