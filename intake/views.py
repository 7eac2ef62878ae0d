"""Staff pages for intakes: hand the tablet over."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.access import ALL_STAFF, role_required
from clients.selectors import get_client_for
from config.client_ip import client_ip
from intake import kiosk
from intake.services import IntakeError, start_intake


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
