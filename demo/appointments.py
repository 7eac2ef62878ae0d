"""Demo appointments: today's visits at the demo clinic, so the front desk's day and the
therapist's list have rows (some clients already screened, some not yet started)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from clients.models import Client
from visits.models import Appointment
from visits.services import create_appointment

# (client, local time today, minutes)
DEMO_DAY = [
    ("Chen Smith", time(9, 0), 60),
    ("Maria Garcia", time(10, 0), 60),
    ("Sofia Kim", time(11, 30), 45),
    ("James Silva", time(13, 0), 60),
    ("Aisha Rahman", time(14, 30), 90),
    ("Daniel Murphy", time(16, 0), 60),
    ("Priya Khan", time(17, 0), 30),
]


def seed_demo_appointments(clinic) -> int:
    """Book today's demo visits with the demo therapist (once a day). Returns how many."""
    therapist = User.objects.get(username="therapist", clinic=clinic)
    front_desk = User.objects.get(username="frontdesk", clinic=clinic)
    day = timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    booked = set(
        Appointment.objects.filter(
            clinic=clinic, starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
        ).values_list("client__legal_name", flat=True)
    )
    clients = {c.legal_name: c for c in Client.objects.for_clinic(clinic.pk).active()}
    made = 0
    for name, at, minutes in DEMO_DAY:
        client = clients.get(name)
        if client is None or name in booked:
            continue
        create_appointment(
            client=client,
            therapist=therapist,
            starts_at=timezone.make_aware(datetime.combine(day, at)),
            duration_minutes=minutes,
            created_by=front_desk,
        )
        made += 1
    return made
