"""Front-desk pages of a visit: the client's page (record, appointments, intakes, screenings)
and the day's appointments with their intake state and booking status."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import ALL_STAFF, CLINICAL_STAFF, role_required
from accounts.roles import Role, has_role
from audit.reads import audited_read
from intake.services import needs_full_renewal
from previsit.forms import SendLinkForm
from review.selectors import client_history
from tablets.selectors import ready_tablets, send_panel
from visits.selectors import appointments_day, client_records


@role_required(*ALL_STAFF)
@require_GET
@audited_read("client record")
def client_page(request, public_id):
    records = client_records(request.user, public_id)
    client = request.audited_target = records.client
    intakes = records.intakes
    submitted = [i for i in intakes if i.status == "submitted"]
    clinical = has_role(request.user, *CLINICAL_STAFF)
    # Decisions are for clinical staff; the front desk sees only that a screening happened.
    history = (
        client_history(client)
        if clinical
        else client.screenings.only("created_at", "client_id")[:20]
    )
    return render(
        request,
        "visits/client.html",
        {
            "client": client,
            "intakes": intakes,
            "draft": next((i for i in intakes if i.status == "draft"), None),
            "full_needed": needs_full_renewal(
                last=max(submitted, key=lambda i: i.submitted_at or i.started_at, default=None),
                renewal_months=client.clinic.intake_renewal_months,
            ),
            "renewal_months": client.clinic.intake_renewal_months,
            "appointments": records.appointments,
            "can_book": has_role(request.user, Role.FRONT_DESK, Role.OWNER),
            "screenings": {"clinical": clinical, "history": history},
            # The front desk's "intake before the visit" panel (previsit/_panel.html).
            "previsit": {
                "summary": records.link,
                "form": SendLinkForm(),
                "now": timezone.now(),
            },
            "tablets": send_panel(client),  # tablets/_send_to_tablet.html
        },
    )


@role_required(*ALL_STAFF)
@require_GET
def today(request):
    """The front desk's day: today's appointments in time order, then intakes with none."""
    day = appointments_day(clinic_id=request.user.clinic_id)
    return render(
        request,
        "visits/today.html",
        {
            "rows": day.rows,
            "intakes": day.unbooked,
            "online": day.online,
            "can_book": has_role(request.user, Role.FRONT_DESK, Role.OWNER),
            "tablets": ready_tablets(request.user.clinic_id),
        },
    )
