"""Staff pages for intakes: hand the tablet over; the signed intake on file and the client's
emailed copy."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import ALL_STAFF, CLINICAL_STAFF, role_required
from audit.models import AuditEvent
from audit.reads import audited_read
from clients.selectors import get_client_for
from config.client_ip import client_ip
from intake import kiosk, signed
from intake.models import Intake
from intake.services import IntakeError, request_signed_copy, start_intake


@role_required(*ALL_STAFF)
@require_POST
def hand_over(request, public_id):
    """Start (or resume) the client's intake and turn this browser into the client's tablet."""
    client = get_client_for(request.user, public_id)
    try:
        intake = start_intake(client=client, started_by=request.user, ip=client_ip(request))
    except IntakeError:
        messages.error(request, "Restore this client before starting an intake.")
        return redirect("visits:client", public_id=client.public_id)
    kiosk.hand_over(request, intake)
    return redirect("kiosk:home")


def _submitted_intake_for(user, public_id) -> Intake:
    """A submitted intake of the user's clinic; anything else (another clinic's, a draft) 404."""
    intake = (
        Intake.objects.select_related("client__clinic")
        .filter(public_id=public_id, clinic_id=user.clinic_id, status=Intake.Status.SUBMITTED)
        .first()
    )
    if intake is None:
        raise Http404
    return intake


@role_required(*CLINICAL_STAFF)
@require_GET
@audited_read("signed intake PDF", action=AuditEvent.Action.EXPORT)
def signed_pdf(request, public_id):
    """The signed intake on file, checked against its stored SHA-256 before it is handed out.
    Made here and now if the worker has not made it yet (the first row made is the one kept)."""
    intake = _submitted_intake_for(request.user, public_id)
    document = signed.produce(intake_id=intake.pk)
    try:
        content = signed.verified_pdf(document=document, actor=request.user, ip=client_ip(request))
    except signed.SignedIntakeError as error:
        return render(
            request,
            "intake/signed_refused.html",
            {"client": intake.client, "message": error.message},
            status=409,
        )
    request.audited_target = document  # recorded as an export once the PDF goes out
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{signed.filename(intake)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*CLINICAL_STAFF)
@require_POST
def email_signed_copy(request, public_id):
    """Send the client their copy, to the email address on their record (never one typed
    here)."""
    intake = _submitted_intake_for(request.user, public_id)
    try:
        request_signed_copy(intake=intake, requested_by=request.user, ip=client_ip(request))
    except IntakeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The signed intake is on its way to the client's email.")
    return redirect("visits:client", public_id=intake.client.public_id)
