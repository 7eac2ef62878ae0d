"""Owners issue and revoke their clinic's API tokens (docs/INTEROP.md)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import role_required
from accounts.roles import Role
from config.client_ip import client_ip
from interop.models import ApiToken
from interop.selectors import parse_uuid
from interop.services import TokenError, issue_token, revoke_token

LIFETIMES = {"30": 30, "90": 90, "365": 365}


@never_cache
@role_required(Role.OWNER)
@require_http_methods(["GET", "POST"])
def tokens(request):
    """The clinic's tokens; POST issues one and shows its secret once, on this response."""
    secret = None
    if request.method == "POST":
        days = LIFETIMES.get(request.POST.get("lifetime", "90"), 90)
        try:
            issued = issue_token(
                clinic_id=request.user.clinic_id,
                name=request.POST.get("name", "")[:100],
                scope=request.POST.get("scope", ApiToken.Scope.READ),
                lifetime=timedelta(days=days),
                created_by=request.user,
                ip=client_ip(request),
            )
        except TokenError as e:
            messages.error(request, str(e))
        else:
            secret = issued.secret
    listed = ApiToken.objects.filter(clinic_id=request.user.clinic_id).select_related(
        "created_by", "revoked_by"
    )
    return render(
        request,
        "interop/tokens.html",
        {"tokens": listed, "secret": secret, "scopes": ApiToken.Scope.choices},
    )


@role_required(Role.OWNER)
@require_POST
def revoke(request, public_id):
    pid = parse_uuid(str(public_id))
    if pid is None:
        raise Http404
    token = ApiToken.objects.filter(clinic_id=request.user.clinic_id, public_id=pid).first()
    if token is None:
        raise Http404
    revoke_token(token=token, revoked_by=request.user, ip=client_ip(request))
    messages.success(request, f"Token “{token.name}” is revoked.")
    return redirect("interop:tokens")
