"""The tablet's own pages (enrol, wait, pick up) and the staff's actions on tablets.

The tablet pages take no staff login: the device cookie set at enrolment is their credential
(tablets.middleware checks it on every request). Nothing here names a client in a URL.
"""

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import ALL_STAFF, role_required
from accounts.roles import Role
from clients.selectors import get_client_for
from config.client_ip import client_ip
from intake import kiosk
from tablets import selectors, services
from tablets.forms import AddTabletForm, EnrolForm
from tablets.middleware import COOKIE_NAME

# Ten years: the credential lasts until the owner revokes it, not until a date.
COOKIE_MAX_AGE = 10 * 365 * 24 * 3600


def _set_credential(response, request, secret: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        secret,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        # Secure wherever staff sessions are (production), and over any HTTPS request.
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        samesite="Strict",
    )


# -- On the tablet ---------------------------------------------------------------------------


def tablet_page(view):
    """Runs `view` for an enrolled tablet only; any other browser is told it is not one."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if getattr(request, "tablet", None) is None:
            if view.__name__ == "poll":
                return JsonResponse({"state": "not_enrolled"}, status=403)
            return redirect("tablet:not_enrolled")
        return view(request, *args, **kwargs)

    return wrapped


@login_not_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _tablet, secret = services.enrol(
                    code=form.cleaned_data["code"], ip=client_ip(request)
                )
            except services.TabletError:
                form.add_error(
                    "code",
                    _("That code does not work. It may have expired: ask the owner for a new one."),
                )
            else:
                # Whatever this browser held before (a staff login too) ends here.
                request.session.flush()
                response = redirect("tablet:waiting")
                _set_credential(response, request, secret)
                return response
        status = 400
    return render(request, "tablets/enrol.html", {"form": form}, status=status)


@tablet_page
@require_GET
def waiting(request):
    tablet = request.tablet  # the middleware let only an enrolled tablet through
    services.settle(tablet=tablet)
    services.seen(tablet=tablet)
    return render(
        request,
        "tablets/waiting.html",
        {"tablet": tablet, "sent": request.GET.get("sent") == "1"},
    )


@tablet_page
@require_GET
def poll(request):
    """A few bytes every few seconds: is an intake waiting for this tablet?"""
    tablet = request.tablet
    services.seen(tablet=tablet)
    assignment = selectors.open_assignment(tablet.pk)
    ready = assignment is not None and assignment.picked_up_at is None
    return JsonResponse({"state": "ready" if ready else "waiting"})


@tablet_page
@require_POST
def start(request):
    """Open the intake front desk sent; the tablet enters the kiosk confined to it."""
    intake = services.pick_up(tablet=request.tablet, ip=client_ip(request))
    if intake is None:
        return redirect("tablet:waiting")
    kiosk.open_tablet(request, intake, tablet_id=request.tablet.pk)
    return redirect("kiosk:home")


@login_not_required
@require_GET
def not_enrolled(request):
    if getattr(request, "tablet", None) is not None:
        return redirect("tablet:waiting")  # a link here must not un-enrol a working tablet
    response = render(request, "tablets/not_enrolled.html", status=403)
    if COOKIE_NAME in request.COOKIES:
        # Only a cookie this browser sent and that no longer works is forgotten.
        response.delete_cookie(COOKIE_NAME, samesite="Strict")
    return response


# -- For staff -------------------------------------------------------------------------------


@role_required(Role.OWNER)
@require_GET
def tablet_list(request):
    return render(
        request,
        "tablets/list.html",
        {"tablets": selectors.clinic_tablets(request.user.clinic_id), "form": AddTabletForm()},
    )


def _code_page(request, issued):
    response = render(request, "tablets/code.html", {"issued": issued})
    # The code is shown once: not kept in the browser's cache or history.
    add_never_cache_headers(response)
    return response


@role_required(Role.OWNER)
@require_POST
def add(request):
    form = AddTabletForm(request.POST)
    if form.is_valid():
        try:
            issued = services.add_tablet(
                clinic_id=request.user.clinic_id,
                name=form.cleaned_data["name"],
                added_by=request.user,
                ip=client_ip(request),
            )
        except services.TabletError as error:
            form.add_error("name", error.message)
        else:
            return _code_page(request, issued)
    tablets = selectors.clinic_tablets(request.user.clinic_id)
    return render(request, "tablets/list.html", {"tablets": tablets, "form": form}, status=400)


@role_required(Role.OWNER)
@require_POST
def new_code(request, public_id):
    tablet = selectors.get_tablet_for(request.user, public_id)
    try:
        issued = services.new_enrolment_code(
            tablet=tablet, issued_by=request.user, ip=client_ip(request)
        )
    except services.TabletError as error:
        messages.error(request, error.message)
        return redirect("tablets:list")
    return _code_page(request, issued)


@role_required(Role.OWNER)
@require_POST
def revoke(request, public_id):
    tablet = selectors.get_tablet_for(request.user, public_id)
    services.revoke(tablet=tablet, revoked_by=request.user, ip=client_ip(request))
    messages.success(request, f"“{tablet.name}” is revoked: it no longer opens anything.")
    return redirect("tablets:list")


@role_required(*ALL_STAFF)
@require_POST
def send(request, public_id):
    """Front desk, at their own computer: put the client's intake on the chosen tablet."""
    client = get_client_for(request.user, public_id)
    # Sent from the day view, front desk goes back to the day; otherwise to the client.
    back = (
        redirect("visits:today")
        if request.POST.get("from") == "today"
        else redirect("visits:client", public_id=client.public_id)
    )
    tablet = (
        selectors.tablets_for(request.user)
        .filter(public_id=_uuid(request.POST.get("tablet", "")))
        .first()
    )
    if tablet is None:
        messages.error(request, "Choose one of this clinic's tablets.")
        return back
    try:
        services.send_to_tablet(
            client=client, tablet=tablet, sent_by=request.user, ip=client_ip(request)
        )
    except services.TabletError as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request, f"Sent to “{tablet.name}”: the client can start as soon as it shows their name."
    )
    return back


@role_required(*ALL_STAFF)
@require_POST
def take_back(request, public_id):
    tablet = selectors.get_tablet_for(request.user, public_id)
    assignment = services.take_back(tablet=tablet, taken_by=request.user, ip=client_ip(request))
    if assignment is None:
        messages.info(request, f"“{tablet.name}” was already waiting for the next client.")
    else:
        messages.success(
            request, f"“{tablet.name}” is back to waiting. The answers so far are saved."
        )
    if assignment is not None:
        return redirect("visits:client", public_id=assignment.intake.client.public_id)
    return redirect("visits:today")


def _uuid(text: str):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
