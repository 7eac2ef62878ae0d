"""The client's way in (/p/...): open the link, prove who they are, then the kiosk's pages.

Nothing here shows anything about the client, not even the name, before the identity check
passes. The token is in the URL only on the first request: the link goes into the session
and the browser is sent to token-less pages (so it never reaches a referrer or a log line).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import ALL_STAFF, role_required
from clients.selectors import get_client_for
from config.client_ip import client_ip
from intake import kiosk
from previsit import services
from previsit.forms import CodeForm, DateOfBirthForm, SendLinkForm
from previsit.models import PrevisitLink

SESSION_KEY = "previsit"


@role_required(*ALL_STAFF)
@require_POST
def send(request, public_id):
    """Front desk send (or resend) the intake link to the client's email, phone or both."""
    client = get_client_for(request.user, public_id)
    form = SendLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how to send the link and the visit's date and time.")
        return redirect("visits:client", public_id=client.public_id)
    try:
        services.issue_link(
            client=client,
            channel=form.cleaned_data["channel"],
            visit_at=form.cleaned_data["visit_at"],
            issued_by=request.user,
            ip=client_ip(request),
        )
    except services.PrevisitError as error:
        messages.error(request, f"The link was not sent: {error}.")
    else:
        messages.success(request, "The intake link is on its way.")
    return redirect("visits:client", public_id=client.public_id)


@role_required(*ALL_STAFF)
@require_POST
def revoke(request, public_id):
    link = get_object_or_404(
        PrevisitLink.objects.filter(clinic_id=request.user.clinic_id), public_id=public_id
    )
    services.revoke_link(link=link, revoked_by=request.user, ip=client_ip(request))
    messages.success(request, "The link no longer works.")
    return redirect("visits:client", public_id=link.client.public_id)


def _closed(request, reason: str):
    request.session.flush()
    return redirect(reverse("previsit:closed") + f"?why={reason}")


def _link_in_session(request) -> tuple[PrevisitLink | None, dict]:
    state = request.session.get(SESSION_KEY) or {}
    link = (
        PrevisitLink.objects.select_related("clinic", "client").filter(pk=state["link"]).first()
        if isinstance(state.get("link"), int)
        else None
    )
    if link is not None:
        translation.activate(link.language)
        request.LANGUAGE_CODE = link.language
    return link, state


@login_not_required
@require_GET
def open_link(request, token):
    link = services.find_link(token)
    # A fresh start from the identity check; a staff login in this browser is kept until the
    # check passes (then the browser becomes the client's, as at a tablet hand-over).
    request.session.pop(SESSION_KEY, None)
    if link is None:
        return render(request, "previsit/closed.html", {"why": "unknown"}, status=404)
    reason = services.refresh_closed(link)
    if reason is not None:
        services.record_refused(link=link, reason=reason, ip=client_ip(request))
        return redirect(reverse("previsit:closed") + f"?why={reason}")
    services.record_open(link=link, ip=client_ip(request))
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"link": link.pk, "dob": False}
    return redirect("previsit:verify")


def _open_link_in_session(view):
    """The identity pages: the view gets the session's link, still open, and its state; no
    link ends on "this link does not work", a closed one on its own page. A link closed
    between that check and the service's (revoked, expired, locked by a second tab) ends on
    the closed page too, never a 500."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        link, state = _link_in_session(request)
        if link is None:
            return redirect(reverse("previsit:closed") + "?why=unknown")
        reason = services.refresh_closed(link)
        if reason is not None:
            return _closed(request, reason)
        try:
            return view(request, link, state, *args, **kwargs)
        except services.PrevisitError as error:
            if error.code != "closed":
                raise
            link, _state = _link_in_session(request)
            return _closed(request, (link and link.closed()) or "unknown")

    return wrapped


@login_not_required
@require_http_methods(["GET", "POST"])
@_open_link_in_session
def verify(request, link, state):
    page = "previsit/verify.html"
    form = DateOfBirthForm(request.POST or None)
    if request.method == "POST":
        given = form.cleaned_data["date_of_birth"] if form.is_valid() else None
        if services.check_date_of_birth(link=link, given=given, ip=client_ip(request)):
            if link.identity == "dob":
                return _enter(request, link)
            state["dob"] = True
            request.session[SESSION_KEY] = state
            services.send_code(link=link, ip=client_ip(request))
            return redirect("previsit:code")
        wrong = _("That date of birth does not match. Please try again.")
        return _wrong_answer(request, link, page, DateOfBirthForm, wrong)
    return _check_page(request, link, page, form)


@login_not_required
@require_http_methods(["GET", "POST"])
@_open_link_in_session
def code(request, link, state):
    if not state.get("dob"):
        return redirect("previsit:verify")
    page = "previsit/code.html"
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and request.POST.get("again"):
        sent = services.send_code(link=link, ip=client_ip(request))
        form = CodeForm()
        if not sent:
            error = _("A code was sent a moment ago. Please wait a minute.")
    elif request.method == "POST":
        given = form.cleaned_data["code"] if form.is_valid() else ""
        if services.check_code(link=link, given=given, ip=client_ip(request)):
            return _enter(request, link)
        wrong = _("That code is not right, or it is too old. Please try again.")
        return _wrong_answer(request, link, page, CodeForm, wrong, channels=link.channels)
    return _check_page(request, link, page, form, error, channels=link.channels)


def _check_page(request, link, template, form, error=None, **context):
    """An identity check's page (date of birth, code): the form, the clinic's name, why not."""
    return render(
        request, template, {"form": form, "clinic": link.clinic.name, "error": error, **context}
    )


def _wrong_answer(request, link, template, form_class, error, **context):
    """The check again, emptied, saying why; the closed page once the wrong answers locked it."""
    if link.locked_at is not None:
        return _closed(request, PrevisitLink.Closed.LOCKED)
    return _check_page(request, link, template, form_class(), error, **context)


def _enter(request, link):
    """Identity proven: this browser becomes a kiosk session for the link's intake only."""
    intake = link.intake
    request.session.flush()
    kiosk.open_remote(request, intake, link_id=link.pk)
    services.record_verified(link=link, ip=client_ip(request))
    if link.last_section:
        return redirect("kiosk:section", section=link.last_section)
    return redirect("kiosk:home")


@login_not_required
@require_GET
def closed(request):
    why = request.GET.get("why", "")
    if why not in {*PrevisitLink.Closed.values, "unknown"}:
        why = "unknown"
    return render(request, "previsit/closed.html", {"why": why}, status=410)
