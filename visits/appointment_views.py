"""Appointment pages: book one for a client, send its intake link, cancel it, import a
scheduler's file, and the therapist's own list of the day."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import CLINICAL_STAFF, role_required
from accounts.errors import DomainError
from accounts.roles import Role
from clients.selectors import get_client_for
from config.client_ip import client_ip
from review.presenters import decision_style
from visits import services
from visits.forms import AppointmentForm, ImportForm
from visits.selectors import appointments_day, get_appointment_for

BOOKING_STAFF = (Role.FRONT_DESK, Role.OWNER)


@role_required(*BOOKING_STAFF)
@require_http_methods(["GET", "POST"])
def new(request, public_id):
    client = get_client_for(request.user, public_id)
    form = AppointmentForm(request.POST or None, clinic_id=request.user.clinic_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_appointment(
                client=client,
                therapist=data["therapist"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                send_link=data["send_link"],
                channel=data["channel"] or None,
                created_by=request.user,
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            sent = " and the intake link is on its way" if data["send_link"] else ""
            messages.success(request, f"Appointment booked{sent}.")
            return redirect("visits:today")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "visits/appointment_form.html", {"client": client, "form": form}, status=status
    )


@role_required(*BOOKING_STAFF)
@require_POST
def send_link(request, public_id):
    appointment = get_appointment_for(request.user, public_id)
    try:
        services.send_appointment_link(
            appointment=appointment, channel=None, sent_by=request.user, ip=client_ip(request)
        )
    except DomainError as error:
        messages.error(request, f"The link was not sent: {error.message}.")
    else:
        name = appointment.client.display_name
        messages.success(request, f"The intake link for {name} is on its way.")
    return redirect("visits:today")


@role_required(*BOOKING_STAFF)
@require_POST
def cancel(request, public_id):
    appointment = get_appointment_for(request.user, public_id)
    services.cancel_appointment(
        appointment=appointment, cancelled_by=request.user, ip=client_ip(request)
    )
    messages.success(request, f"{appointment.client.display_name}'s appointment is cancelled.")
    return redirect("visits:today")


@role_required(*BOOKING_STAFF)
@require_http_methods(["GET", "POST"])
def import_file(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            upload = form.cleaned_data["file"]
            try:
                report = services.import_appointments(
                    clinic=request.user.clinic,
                    content=_read_capped(upload),
                    filename=upload.name or "",
                    imported_by=request.user,
                    ip=client_ip(request),
                )
            except DomainError as error:
                form.add_error("file", f"The file was not imported: {error.message}.")
                status = 400
    return render(
        request, "visits/appointment_import.html", {"form": form, "report": report}, status=status
    )


def _read_capped(upload) -> bytes:
    from visits.imports import MAX_BYTES

    # One byte more than allowed is enough to refuse it; never read a huge upload whole.
    return upload.read(MAX_BYTES + 1)


@role_required(*CLINICAL_STAFF)
@require_GET
def mine(request):
    """The therapist's own appointments of the day, with what their screening decided."""
    day = appointments_day(clinic_id=request.user.clinic_id, therapist_id=request.user.pk)
    rows = [
        (row, decision_style(row.intake.decision) if row.intake and row.intake.decision else None)
        for row in day.rows
    ]
    return render(request, "visits/mine.html", {"rows": rows})
