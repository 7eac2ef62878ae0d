"""The load test's throw-away database: fill it before the run, check it after.

    python -m loadtest.data seed OUT.json [--clients N] [--clinics K]
                                            K clinics (default 1), 10 staff each, N clients
                                            between them (default 30: one per tablet, so tablets
                                            never end each other's sessions); OUT.json gets what
                                            the load client needs (per clinic its staff usernames
                                            and client ids; the password they share, answers per
                                            section)
    python -m loadtest.data check           every submitted intake has its screening

Run by scripts/loadtest. Both refuse any database whose name does not end in `_load`. The
password is generated per run and exists only in that database and OUT.json (deleted after).
"""

import argparse
import json
import os
import secrets
import sys
from datetime import date
from pathlib import Path

import django

FIRST = ["Maria", "James", "Aisha", "Chen", "Sofia", "Daniel", "Priya", "Lucas", "Grace", "Mateo"]
LAST = ["Garcia", "Smith", "Khan"]


def form_value(value):
    """An answer as the browser form (and the autosave JSON) carries it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


def sections_of(catalogue, answers: dict) -> list[dict]:
    return [
        {
            "slug": section,
            "fields": {
                q.id: form_value(answers[q.id])
                for q in catalogue.questions
                if q.section == section and q.id in answers
            },
        }
        for section in catalogue.sections
    ]


def _throw_away_database() -> str:
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if not name.endswith("_load"):
        sys.exit(f"refusing to touch {name!r}: the load test works in a database named *_load")
    return name


def seed(out: Path, clients_wanted: int = 30, clinics_wanted: int = 1) -> None:
    """Client i belongs to clinic i mod K, so tablet i (locustfile.Tablet) takes client i and
    its clinic's front desk: with K clinics the tablets and the staff spread evenly."""
    from django.contrib.auth.models import Group

    from accounts.models import Clinic, User
    from accounts.roles import Role
    from clients.services import create_client
    from rules.catalogues import current_catalogue
    from tests.factories import signature_data_url

    if not 1 <= clinics_wanted <= clients_wanted:
        sys.exit(f"--clinics must be between 1 and the number of clients ({clients_wanted})")
    name = _throw_away_database()

    password = secrets.token_urlsafe(18)
    clinics = []
    for number in range(1, clinics_wanted + 1):
        clinic = Clinic.objects.create(
            name=f"Load Test Clinic {number}", slug=f"load-test-{number}"
        )
        staff: dict[Role, list[str]] = {Role.FRONT_DESK: [], Role.THERAPIST: []}
        for role, prefix in ((Role.FRONT_DESK, "frontdesk"), (Role.THERAPIST, "therapist")):
            for n in range(1, 6):
                user = User.objects.create_user(
                    username=f"c{number:02d}-{prefix}{n:02d}",
                    password=password,
                    first_name=prefix.title(),
                    last_name=f"No{n}",
                    clinic=clinic,
                )
                user.groups.set([Group.objects.get(name=role.value)])
                staff[role].append(user.username)
        clinics.append(
            {
                "pk": clinic.pk,
                "front_desk": staff[Role.FRONT_DESK],
                "therapists": staff[Role.THERAPIST],
                "clients": [],
            }
        )

    for index in range(clients_wanted):
        home = clinics[index % clinics_wanted]
        client = create_client(
            clinic_id=home["pk"],
            created_by=User.objects.get(username=home["front_desk"][0]),
            legal_name=f"{FIRST[index % 10]} {LAST[index // 10 % len(LAST)]}",
            preferred_name="",
            # Adults only (born 1950-1999): a minor's intake needs a guardian's signature, which
            # the tablet users of the load test do not give.
            date_of_birth=date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
            phone=f"+1617555{index % 10000:04d}",
            email=f"client{index}@example.com",
            preferred_language="en",
            physician_name="Dr. Rebecca Lang",
            physician_practice="Harbor Family Medicine",
            physician_phone="+16175550142",
        )
        home["clients"].append({"id": str(client.public_id), "name": client.legal_name})

    catalogue = current_catalogue()
    data = {
        "password": password,
        "clinics": [{k: v for k, v in clinic.items() if k != "pk"} for clinic in clinics],
        "searches": ["Maria", "Khan", "5551", "Smith Grace"],
        "variants": [sections_of(catalogue, answers) for answers in variants()],
        "signature": signature_data_url(),
    }
    out.touch(mode=0o600)
    out.write_text(json.dumps(data))
    print(
        f"Seeded {name}: {clinics_wanted} clinic(s), {10 * clinics_wanted} staff, "
        f"{clients_wanted} clients"
    )


def user_place(data: dict, n: int, role: str) -> tuple[dict, str]:
    """User n of a kind (`role`: "front_desk" for tablet n, "therapists" for staff user n):
    its clinic and its username. Tablet n takes client n (`tablet_client`), of clinic n mod K."""
    clinics = data["clinics"]
    clinic, index = clinics[n % len(clinics)], n // len(clinics)
    return clinic, clinic[role][index % len(clinic[role])]


def tablet_client(data: dict, n: int) -> str:
    clinic, _ = user_place(data, n, "front_desk")
    index = n // len(data["clinics"])
    return clinic["clients"][index % len(clinic["clients"])]["id"]


def variants() -> list[dict]:
    """Answer sets taken by turns, complete for the tablet's full walk-through: nothing to
    report, a pregnancy (modify), a kidney red flag (refer urgently)."""
    from tests.factories import complete_answers
    from tests.review.helpers import KIDNEY_RED_FLAG, PREGNANT_24_WEEKS

    return [
        complete_answers(),
        PREGNANT_24_WEEKS,
        {**KIDNEY_RED_FLAG, "back_pain_new": True, "back_pain_features": ["constant_at_rest"]},
    ]


def check() -> None:
    from intake.models import Intake
    from review.models import Screening

    _throw_away_database()
    submitted = Intake.objects.filter(status=Intake.Status.SUBMITTED)
    unscreened = submitted.exclude(pk__in=Screening.objects.values("intake_id")).count()
    print(
        f"Intakes submitted: {submitted.count()}, screenings: {Screening.objects.count()}, "
        f"submitted without a screening: {unscreened}"
    )
    if unscreened or not submitted.exists():
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seed_parser = commands.add_parser("seed")
    seed_parser.add_argument("out", type=Path, help="where to write the load client's data")
    seed_parser.add_argument("--clients", type=int, default=30, help="one per tablet")
    seed_parser.add_argument("--clinics", type=int, default=1, help="the clients spread over them")
    commands.add_parser("check")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if args.command == "seed":
        seed(args.out, args.clients, args.clinics)
    else:
        check()


if __name__ == "__main__":
    main()
