"""Two-factor set-up and verification pages; the session keep-alive for the idle warning;
the owners' page of their staff's login lockouts."""

import segno
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockouts as lockout_services
from accounts.access import role_required
from accounts.forms import TokenForm
from accounts.roles import Role
from accounts.two_factor import has_confirmed_device, two_factor_required


def _next_url(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if not two_factor_required(request.user) or has_confirmed_device(request.user):
        return redirect(_next_url(request))
    device = _pending_device(request.user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, "Two-factor authentication is set up.")
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": _base32(device), "next": _next_url(request)},
    )


@never_cache
def two_factor_qr(request):
    """The set-up QR code as SVG (served from here so the CSP needs no inline images)."""
    if not two_factor_required(request.user) or has_confirmed_device(request.user):
        return HttpResponse(status=404)
    device = _pending_device(request.user)
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5)
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not two_factor_required(request.user) or request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:2fa_setup")
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@require_POST
def keep_alive(request):
    """Touched by the idle warning's "Stay logged in": the session slides forward."""
    return HttpResponse(status=204)


@never_cache
@role_required(Role.OWNER)
@require_http_methods(["GET", "POST"])
def lockouts(request):
    """The clinic's staff locked out after failed logins; POST `username` lifts one. The
    username is sent in the body, never in a URL."""
    if request.method == "POST":
        try:
            user = lockout_services.lift_lockout(
                owner=request.user, username=request.POST.get("username", "")[:150], request=request
            )
        except lockout_services.LockoutNotFound as missing:
            raise Http404 from missing
        messages.success(request, f"{user.get_full_name() or user.username} can log in again.")
        return redirect("accounts:lockouts")
    return render(
        request,
        "accounts/lockouts.html",
        {
            "lockouts": lockout_services.clinic_lockouts(clinic=request.user.clinic),
            "limit": settings.AXES_FAILURE_LIMIT,
        },
    )


def _base32(device) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
