"""Demo signed intakes: a minor who came with their mother, and the signed PDF on file for every
submitted intake of the demo clinic (made here rather than left to a worker that a laptop demo
may not run)."""

from datetime import date

from django.utils import timezone

from clients.models import Client
from clients.services import create_client
from demo.builders import signature_data_url, submitted_intake
from demo.intakes import NOTHING
from intake import signed
from intake.derived import age_on
from intake.models import Intake, SignedIntake
from intake.services import Release

MINOR = "Leo Park"
SHOWCASE = 6  # signed PDFs seed_demo makes itself (the newest intakes, the minor's first)


def _minor(clinic, staff) -> Client:
    found = Client.objects.for_clinic(clinic.pk).filter(legal_name=MINOR).first()
    if found is not None:
        return found
    today = timezone.localdate()
    return create_client(
        clinic_id=clinic.pk,
        created_by=staff,
        legal_name=MINOR,
        date_of_birth=date(today.year - 15, 3, 14),
        email="leo.park.family@example.org",
        physician_name="Dr. Ruth Ames",
    )


def seed_demo_signed_intakes(clinic, staff) -> int:
    """The minor's intake (once), then the signed PDFs of the newest intakes. Returns how many
    were made."""
    minor = _minor(clinic, staff)
    if not Intake.objects.filter(client=minor, status="submitted").exists():
        submitted_intake(
            client=minor,
            answers={
                **NOTHING,
                "age": age_on(minor.date_of_birth, timezone.localdate()),
                "first_visit": True,
                "main_goal": "relaxation",
            },
            started_by=staff,
            guardian_name="Hana Park",
            guardian_relationship="parent",
            guardian_signature_data_url=signature_data_url(width=360, height=110),
            release=Release(consent=True, physician="Dr. Ruth Ames"),
            device="Clinic tablet · Chrome 131 on Android",
        )
    # A handful made here, so the demo shows the document at once without a worker; the rest
    # (six months of history) are made when someone first opens one, as after any submit whose
    # task has not run yet. Rendering every one would take minutes.
    missing = (
        Intake.objects.filter(clinic=clinic, status="submitted")
        .exclude(pk__in=SignedIntake.objects.values("intake_id"))
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:SHOWCASE]
    )
    made = 0
    for intake_id in [*missing]:
        signed.produce(intake_id=intake_id)
        made += 1
    return made
