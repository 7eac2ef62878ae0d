"""The demo clinic's "Front room tablet", so the client page offers "Send to tablet".

It is enrolled with a credential nobody holds (front desk can send to it at once) and every run
issues a fresh enrolment code, printed on the console: typing it at /tablet/enrol/ in another
browser makes that browser the demo's tablet.
"""

from tablets import tokens
from tablets.models import Tablet
from tablets.services import add_tablet, new_enrolment_code

DEMO_TABLET_NAME = "Front room tablet"


def seed_demo_tablet(clinic, owner, *, stdout, base_url: str) -> None:
    tablet = Tablet.objects.filter(
        clinic=clinic, name=DEMO_TABLET_NAME, revoked_at__isnull=True
    ).first()
    if tablet is None:
        tablet = add_tablet(clinic_id=clinic.pk, name=DEMO_TABLET_NAME, added_by=owner).tablet
    if not tablet.is_enrolled:
        tablet.credential_hash = tokens.digest(tokens.new_secret())  # held by no browser
        tablet.save(update_fields=["credential_hash"])
    issued = new_enrolment_code(tablet=tablet, issued_by=owner)
    stdout.write(
        f"Tablet “{DEMO_TABLET_NAME}”: open {base_url}tablet/enrol/ in another browser and type "
        f"{issued.display} (works once, 15 minutes; owners issue new codes under Tablets)."
    )
