"""The web app's everyday writes, run by tests/ops/test_db_roles.py as the runtime role:
a draft intake saved and updated, submitted and screened (screening, audit events, history rows),
a referral decision, a physician clearance, a client edited and an audit event recorded.

Run with `manage.py shell -c "import tests.ops.runtime_role_workload as w; w.run()"`.
"""

from audit.services import record_event
from clients.services import update_client
from intake.services import save_answers, start_intake
from review.models import Screening
from tests.factories import (
    ClientFactory,
    ClinicFactory,
    PhysicianClearanceFactory,
    ReferralDecisionFactory,
    UserFactory,
    complete_answers,
    drawn_submission,
)
from visits.services import submit_and_screen


def run():
    clinic = ClinicFactory()
    staff = UserFactory(clinic=clinic)
    client = ClientFactory(clinic=clinic, created_by=staff)
    intake = start_intake(client=client, started_by=staff)
    save_answers(intake_id=intake.pk, raw=complete_answers(blood_in_urine=True))
    submitted = submit_and_screen(intake_id=intake.pk, **drawn_submission())
    screening = Screening.objects.get(intake=submitted.intake)
    ReferralDecisionFactory(screening=screening, decided_by=staff)
    PhysicianClearanceFactory(screening=screening, recorded_by=staff)
    update_client(
        client=client, expected_version=client.version, updated_by=staff, email="new@example.com"
    )
    record_event(actor=staff, clinic_id=clinic.pk, action="view", target=client, ip="10.0.0.1")
    print("runtime role workload done")
