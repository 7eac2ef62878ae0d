"""Create (or refresh) a demo clinic so a newcomer sees every capability at once.

Passwords are generated on every run and printed once; they exist nowhere else.
"""

import random
import secrets
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Clinic, User
from accounts.roles import Role
from clients.models import Client
from clients.services import create_client

DEMO_CLINIC = ("Riverside Massage Clinic", "riverside-demo")
OTHER_CLINIC = ("Hillside Bodywork", "hillside-demo")
DEMO_STAFF = [
    ("frontdesk", "Fran", "Desk", Role.FRONT_DESK, False),
    ("therapist", "Theo", "Hart", Role.THERAPIST, False),
    ("owner", "Olivia", "Owens", Role.OWNER, True),
]
FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Chen",
    "Sofia",
    "Daniel",
    "Priya",
    "Lucas",
    "Grace",
    "Mateo",
    "Hannah",
    "Omar",
    "Elena",
    "Noah",
    "Fatima",
    "Liam",
    "Yuki",
    "Carmen",
    "Ethan",
    "Zoe",
]
LAST = [
    "Garcia",
    "Smith",
    "Khan",
    "Wei",
    "Rossi",
    "Okafor",
    "Patel",
    "Silva",
    "Kim",
    "Lopez",
    "Brown",
    "Haddad",
    "Novak",
    "Jones",
    "Rahman",
    "Murphy",
    "Tanaka",
    "Ruiz",
    "Walker",
    "Levi",
]


def _password() -> str:
    return secrets.token_urlsafe(12)


def _url(address: str) -> str:
    """Where a browser on this machine reaches runserver started with `address` (BIND)."""
    host, _, port = address.rpartition(":")
    if not host:  # runserver also takes a bare port
        host, port = "127.0.0.1", address
    # Only read, to print a reachable URL; nothing binds here.
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104  # nosec B104
        host = "localhost"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "Create or refresh the demo clinic and print its logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            help="The address the server will listen on (scripts/run passes BIND), for the "
            "printed login URL.",
        )

    @transaction.atomic
    def handle(self, *args, address, **options):
        clinic, _ = Clinic.objects.get_or_create(
            slug=DEMO_CLINIC[1], defaults={"name": DEMO_CLINIC[0]}
        )
        other, _ = Clinic.objects.get_or_create(
            slug=OTHER_CLINIC[1], defaults={"name": OTHER_CLINIC[0]}
        )
        logins = [self._staff(clinic, *row) for row in DEMO_STAFF]
        logins.append(self._staff(other, "hillside", "Hal", "Side", Role.THERAPIST, False))
        from demo.history import seed_demo_history  # first: the audit trail reads in time order

        seed_demo_history(clinic)
        self._clients(clinic, owner=User.objects.get(username="owner"))
        from demo.interop import seed_demo_token

        api_token = seed_demo_token(clinic, User.objects.get(username="owner"))
        from demo.appointments import seed_demo_appointments
        from demo.intakes import seed_demo_intakes
        from demo.notes import seed_demo_notes
        from demo.oversight import seed_demo_oversight
        from demo.review import seed_demo_reviews
        from demo.rules import seed_demo_fatigue, seed_demo_signoff
        from demo.signed_intakes import seed_demo_signed_intakes

        seed_demo_intakes(clinic, User.objects.get(username="frontdesk"))
        seed_demo_reviews(clinic, User.objects.get(username="therapist"))
        seed_demo_notes(clinic, User.objects.get(username="therapist"))
        seed_demo_oversight(clinic)
        seed_demo_signoff(clinic)
        seed_demo_fatigue(clinic, User.objects.get(username="therapist"))
        seed_demo_appointments(clinic)
        seed_demo_signed_intakes(clinic, User.objects.get(username="frontdesk"))
        self.stdout.write(self.style.SUCCESS(f"Demo clinic ready: {clinic.name}"))
        self.stdout.write(f"Log in at {_url(address)} with:")
        for username, password, role, clinic_name in logins:
            self.stdout.write(f"  {role:<11} {username:<10} {password}   ({clinic_name})")
        self.stdout.write(
            f"FHIR API and CDS Hooks token ({clinic.name}, docs/INTEROP.md): {api_token}"
        )
        from demo.tablets import seed_demo_tablet

        seed_demo_tablet(
            clinic, User.objects.get(username="owner"), stdout=self.stdout, base_url=_url(address)
        )
        if settings.TWO_FACTOR_ROLES:
            self.stdout.write(
                "Therapists and owners set up two-factor authentication (an authenticator app) "
                "at their first login."
            )

    def _staff(self, clinic, username, first, last, role, is_staff):
        from django.contrib.auth.models import Group

        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "clinic": clinic},
        )
        password = _password()
        user.set_password(password)
        # Owners reach the Django admin; scoped to their clinic by ClinicScopedAdmin.
        user.is_staff = is_staff
        user.clinic = clinic
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        return username, password, role.value, clinic.name

    def _clients(self, clinic, owner):
        rng = random.Random(20261121)  # the same demo clients every time, not security  # nosec B311
        existing = set(Client.objects.for_clinic(clinic.pk).values_list("legal_name", flat=True))
        for index in range(20):
            name = f"{FIRST[index]} {LAST[(index * 7) % len(LAST)]}"
            if name in existing:
                continue
            create_client(
                clinic_id=clinic.pk,
                created_by=owner,
                legal_name=name,
                preferred_name="",
                date_of_birth=date(rng.randint(1940, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                phone=f"+1617555{1000 + index * 37:04d}",
                email=f"{FIRST[index].lower()}.demo@example.com",
                address=f"{10 + index} Harbor Street\nBoston, MA 02110",
                preferred_language="es" if index % 5 == 3 else "en",
                emergency_contact_name="Alex Demo",
                emergency_contact_relationship="Partner",
                emergency_contact_phone="+16175550199",
                physician_name="Dr. Rebecca Lang" if index % 2 == 0 else "Dr. Samuel Ortiz",
                physician_practice="Harbor Family Medicine",
                physician_phone="+16175550142",
                physician_fax="+16175550143",
                physician_email="referrals@harborfamily.example.com",
            )
