"""The Django admin, in Chromium at tablet size: axe-core finds no serious or critical violation
and every control is at least 24×24 CSS px, with no exception (the kiosk's measure, not the
staff pages' one with inline links exempt), on every admin page an owner and a superuser can
open.

The pages come from the admin's registry (`admin.site._registry`): for each registered model
the list, the add form, one row's change (or view) form, its history, its delete confirmation
and the model admin's own extra pages, each only where the model admin's permission methods
let that user in. A newly registered model is walked as soon as it is registered; one without a
row here fails until `admin_rows` makes one.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_accessibility import (
    consent_texts,
    report,
    signed_in_context,
    visit,
)
from tests.browser.test_kiosk import SMALL_TARGETS_JS
from tests.factories import UserFactory
from tests.previsit.helpers import send
from tests.previsit.test_delivery import DATABASE_QUEUE
from tests.security import test_access_matrix as matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
world = matrix.world
assert consent_texts  # the fixture (autouse), imported for these tests

# Every model admin has these; anything else in its get_urls() is an extra page of its own.
STANDARD = ("changelist", "add", "change", "history", "delete")
# Extra admin URLs that answer with a file, not a page (the device's QR code is an image), or
# refuse everyone: the page that shows a device's key, hidden by OTP_ADMIN_HIDE_SENSITIVE_DATA
# (tests/config/test_compression.py checks that it refuses).
NOT_HTML = {"otp_totp_totpdevice_qrcode", "otp_totp_totpdevice_config"}


@pytest.fixture
def admin_rows(world, settings):
    """One row of every registered model the access matrix's world does not already make."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    seen = {
        "username": "riverside-desk",
        "ip_address": "192.0.2.7",
        "user_agent": "Mozilla/5.0 (iPad)",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**seen, get_data="", post_data="username=riverside-desk",
                                 failures_since_start=3)  # fmt: skip
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen, locked_out=False)
    TOTPDevice.objects.create(user=world["users"]["therapist"], name="Phone", confirmed=True)
    # A queued task, as production's database queue holds it: an intake link's email.
    settings.TASKS = DATABASE_QUEUE
    send(world["client"], by=world["users"]["front_desk"])


def admin_pages(user):
    """(label, path) for every admin page `user` may open, from the admin's registry."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    site = admin.site
    pages = [
        ("admin:index", reverse("admin:index")),
        ("admin:password_change", reverse("admin:password_change")),
        ("admin:password_change_done", reverse("admin:password_change_done")),
    ]
    pages += [
        (f"admin:app_list {app['app_label']}", reverse("admin:app_list", args=[app["app_label"]]))
        for app in site.get_app_list(request)
    ]
    for model, model_admin in site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model_admin.get_queryset(request).order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} row {user} can see: add one in admin_rows"
        pk = quote(obj.pk)
        pages.append((f"{prefix} list", reverse(f"admin:{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append((f"{prefix} add", reverse(f"admin:{prefix}_add")))
        if model_admin.has_view_or_change_permission(request, obj):
            pages.append((f"{prefix} change", reverse(f"admin:{prefix}_change", args=[pk])))
            pages.append((f"{prefix} history", reverse(f"admin:{prefix}_history", args=[pk])))
            pages += [
                (
                    url.name,
                    reverse(f"admin:{url.name}", args=[pk] if url.pattern.regex.groups else []),
                )
                for url in model_admin.get_urls()
                if url.name
                and url.name not in NOT_HTML
                and url.name not in {f"{prefix}_{standard}" for standard in STANDARD}
            ]
        if model_admin.has_delete_permission(request, obj):
            pages.append((f"{prefix} delete", reverse(f"admin:{prefix}_delete", args=[pk])))
    return pages


@pytest.fixture
def superuser(world):
    # A superuser belongs to a clinic too: the client admin shows only their clinic's clients.
    return UserFactory(
        username="root", clinic=world["client"].clinic, is_staff=True, is_superuser=True
    )


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_every_admin_page_passes_axe_and_has_24_px_targets(
    browser, live_server, world, admin_rows, superuser, who
):
    user = superuser if who == "superuser" else world["users"]["owner"]
    pages = admin_pages(user)
    django_client = Client()
    django_client.force_login(user)
    context = signed_in_context(browser, live_server, django_client)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found, statuses = {}, {}
    try:
        for label, path in pages:
            statuses[label], findings = visit(page, label, path, SMALL_TARGETS_JS)
            if findings:
                found[f"{label} {path}"] = findings
    finally:
        context.close()
    assert {label: s for label, s in statuses.items() if s != 200} == {}
    # The registry's models for this user, each with at least its list and one row's form.
    models = {label.split()[0] for label in statuses if label.endswith(" change")}
    assert models >= ({"accounts_user", "audit_auditevent", "clients_client", "accounts_clinic"})
    if who == "superuser":
        assert len(models) == len(admin.site._registry)
    assert found == {}, report(found)
