"""Front-desk pages of a visit: the client's page (record, intakes, screenings) and today's
intakes with their booking status."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import ALL_STAFF, CLINICAL_STAFF, role_required
from accounts.roles import has_role
from audit.reads import audited_read
from clients.selectors import get_client_for
from intake.services import needs_full_renewal
from previsit.forms import SendLinkForm
from previsit.selectors import completed_online_ids, latest_link_summary
from review.selectors import client_history
from visits.selectors import intake_history, todays_intakes


@role_required(*ALL_STAFF)
@require_GET
@audited_read(
    "client record", target=lambda request, public_id: get_client_for(request.user, public_id)
)
def client_page(request, public_id):
    client = request.audited_target = get_client_for(request.user, public_id)
    intakes = intake_history(client)
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
            "screenings": {"clinical": clinical, "history": history},
            # The front desk's "intake before the visit" panel (previsit/_panel.html).
            "previsit": {
                "summary": latest_link_summary(client),
                "form": SendLinkForm(),
                "now": timezone.now(),
            },
        },
    )


@role_required(*ALL_STAFF)
@require_GET
def today(request):
    intakes = list(todays_intakes(clinic_id=request.user.clinic_id))
    return render(
        request,
        "visits/today.html",
        {"intakes": intakes, "online": completed_online_ids([i.pk for i in intakes])},
    )
