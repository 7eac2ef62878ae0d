"""Read-only tablet queries. Clinic scoping for staff pages lives here."""

from django.shortcuts import get_object_or_404

from tablets import tokens
from tablets.models import Assignment, Tablet


def tablet_for_secret(secret: str | None) -> Tablet | None:
    """The enrolled, unrevoked tablet whose cookie holds `secret`; None for anything else."""
    if not secret or len(secret) > 100:
        return None
    return Tablet.objects.filter(
        credential_hash=tokens.digest(secret), revoked_at__isnull=True
    ).first()


def open_assignment(tablet_id: int) -> Assignment | None:
    return (
        Assignment.objects.filter(tablet_id=tablet_id, closed_at__isnull=True)
        .select_related("intake")
        .only("tablet_id", "picked_up_at", "intake__kiosk_token")
        .first()
    )


def tablets_for(user):
    if not user.is_authenticated or user.clinic_id is None:
        return Tablet.objects.none()
    return Tablet.objects.filter(clinic_id=user.clinic_id)


def get_tablet_for(user, public_id) -> Tablet:
    """This clinic's tablet or 404 (another clinic's id gives no hint that it exists)."""
    return get_object_or_404(tablets_for(user), public_id=public_id)


def clinic_tablets(clinic_id: int) -> list[Tablet]:
    """Every tablet of the clinic, each with `.open` (its open assignment, with the client)."""
    tablets = list(Tablet.objects.filter(clinic_id=clinic_id).order_by("revoked_at", "name"))
    if not tablets:  # most clinics: no second query
        return tablets
    open_by_tablet = {
        a.tablet_id: a
        for a in Assignment.objects.filter(
            clinic_id=clinic_id, closed_at__isnull=True
        ).select_related("intake__client")
    }
    for tablet in tablets:
        tablet.open = open_by_tablet.get(tablet.pk)
    return tablets


def ready_tablets(clinic_id: int) -> list[Tablet]:
    """The clinic's enrolled, unrevoked tablets (each with `.open`): where an intake can go."""
    return [t for t in clinic_tablets(clinic_id) if t.is_enrolled and not t.is_revoked]


def send_panel(client) -> dict:
    """The client page's "Send to tablet" panel: the clinic's enrolled tablets, which are
    busy, and whether this client's intake is on one."""
    tablets = ready_tablets(client.clinic_id)
    here = next(
        (t for t in tablets if t.open is not None and t.open.intake.client_id == client.pk),
        None,
    )
    return {"tablets": tablets, "here": here}
