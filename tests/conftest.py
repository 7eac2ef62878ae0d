"""Named actors: Fran at the front desk, Theo the therapist, Olivia the owner, all of
Riverside; Hal, a therapist at another clinic (Hillside), who must never see Riverside's data."""

import pytest

from accounts.roles import Role
from tests.factories import ClientFactory, ClinicFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Riverside Massage Clinic", slug="riverside")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Hillside Bodywork", slug="hillside")


@pytest.fixture
def front_desk(clinic):
    return UserFactory(username="fran", clinic=clinic, role=Role.FRONT_DESK)


@pytest.fixture
def therapist(clinic):
    return UserFactory(
        username="theo", clinic=clinic, role=Role.THERAPIST, credentials="RMT, licence 12345"
    )


@pytest.fixture
def owner(clinic):
    return UserFactory(
        username="olivia",
        clinic=clinic,
        role=Role.OWNER,
        is_staff=True,
        credentials="RMT, clinic director",
    )


@pytest.fixture
def other_clinic_staff(other_clinic):
    return UserFactory(username="hal", clinic=other_clinic, role=Role.THERAPIST)


@pytest.fixture
def a_client(clinic, front_desk):
    return ClientFactory(clinic=clinic, legal_name="Maria Garcia", created_by=front_desk)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def ruleset(db):
    """The shipped rule set, loaded and in use, as `load_rules` does on start."""
    from django.core.management import call_command

    from rules.selectors import active_version

    call_command("load_rules", verbosity=0)
    return active_version()


@pytest.fixture
def app_role(transactional_db):
    """A non-superuser PostgreSQL role that owns nothing, holding EVERY table privilege (more
    than the runtime role gets in production); tests switch to it with SET LOCAL ROLE, so what
    stops it is the append-only triggers alone. The production grants themselves are tested on
    a scratch database in tests/ops/test_db_roles.py."""
    import os

    from django.db import connection

    role = f"clinic_app_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role}")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
