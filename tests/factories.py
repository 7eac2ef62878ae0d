"""factory-boy factories for every model; `.build()` when nothing needs saving."""

from datetime import date

import factory
from django.contrib.auth.models import Group

from accounts.models import Clinic, User
from accounts.roles import Role
from audit.models import AuditEvent
from clients.models import Client


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    clinic = factory.SubFactory(ClinicFactory)
    legal_name = factory.Faker("name")
    date_of_birth = factory.Faker(
        "date_between", start_date=date(1940, 1, 1), end_date=date(2005, 12, 31)
    )
    phone = factory.Sequence(lambda n: f"+1617555{n % 10000:04d}")
    email = factory.Faker("email")
    physician_name = "Dr. Rebecca Lang"
    physician_fax = "+16175550143"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    clinic = factory.SubFactory(ClinicFactory)
    actor = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))
    action = AuditEvent.Action.VIEW
    object_type = "clients.Client"
    object_id = factory.Faker("uuid4")
