"""factory-boy factories for every model; `.build()` when nothing needs saving."""

import datetime
import hashlib
import uuid
from datetime import date

import factory
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Clinic, Session, User
from accounts.roles import Role
from accounts.sessions import SessionStore
from audit.models import AuditEvent
from clients.models import Client
from contraindications.engine import (
    CATALOGUE_PATH,
    RULESET_PATH,
    catalogue_checksum,
    ruleset_checksum,
)
from contraindications.engine.defaults import read_json
from demo.builders import signature_data_url, signature_png  # tests import them here too
from intake.models import ConsentText, Intake, SignedIntake
from previsit import tokens
from previsit.models import Delivery, PrevisitLink
from review.models import (
    NoteAddendum,
    PhysicianClearance,
    ReferralDecision,
    ReferralDecisionRule,
    Screening,
    SessionNote,
    TreatmentPlan,
)
from rules.catalogues import current_catalogue
from rules.models import RuleSetVersion
from tablets import tokens as tablet_tokens
from tablets.models import Assignment, Tablet
from visits.models import Appointment


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    # The letterhead of referral letters: tests of a refused letter blank it.
    address = "12 River Street\nSpringfield, ON K1A 0B1"
    phone = "+1 613 555 0100"
    email = factory.LazyAttribute(lambda c: f"front@{c.slug}.example")


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
            self.groups.add(Group.objects.get(name=Role(extracted).value))  # type: ignore[attr-defined]  # a User


class SessionFactory(factory.django.DjangoModelFactory):
    """A staff member's signed-in session, as logging in leaves it."""

    class Meta:
        model = Session

    session_key = factory.Sequence(lambda n: f"session{n:032d}")
    user = factory.SubFactory(UserFactory)
    expire_date = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=15))
    session_data = factory.LazyAttribute(
        lambda o: SessionStore().encode(
            {
                SESSION_KEY: str(o.user.pk),
                BACKEND_SESSION_KEY: "accounts.backends.ClinicModelBackend",
                HASH_SESSION_KEY: o.user.get_session_auth_hash(),
            }
        )
    )


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
    at = factory.LazyFunction(timezone.now)
    # Not chained: use audit.services.record_event where the chain matters.
    prev_hash = "0" * 64
    hash = factory.Faker("sha256")


class RuleSetVersionFactory(factory.django.DjangoModelFactory):
    """The shipped rule set stored as a version (use the `ruleset` fixture to activate it)."""

    class Meta:
        model = RuleSetVersion
        django_get_or_create = ("checksum",)

    version = factory.LazyFunction(lambda: _shipped()[0]["version"])
    checksum = factory.LazyFunction(lambda: ruleset_checksum(_shipped()[0]))
    catalogue_version = factory.LazyFunction(lambda: _shipped()[1]["version"])
    rules = factory.LazyFunction(lambda: _shipped()[0])
    catalogue = factory.LazyFunction(lambda: _shipped()[1])
    catalogue_checksum = factory.LazyFunction(lambda: catalogue_checksum(_shipped()[1]))
    rule_count = factory.LazyFunction(lambda: len(_shipped()[0]["rules"]))


class ScreeningFactory(factory.django.DjangoModelFactory):
    """A stored screening; prefer `review.screening.screen_intake` for real results."""

    class Meta:
        model = Screening

    intake = factory.SubFactory("tests.factories.IntakeFactory", submitted=True)
    client = factory.SelfAttribute("intake.client")
    clinic = factory.SelfAttribute("intake.clinic")
    ruleset = factory.SubFactory(RuleSetVersionFactory)
    decision = "proceed"
    inputs = factory.LazyFunction(dict)
    result = factory.LazyAttribute(
        lambda o: {"decision": o.decision, "findings": [], "constraints": {}}
    )


def _shipped():
    return (read_json(RULESET_PATH), read_json(CATALOGUE_PATH))


# ---------------------------------------------------------------- intake

NOTHING_TO_REPORT = {
    "age": 40,
    "first_visit": False,
    "main_goal": "relaxation",
    "has_pain": False,
    "recent_injury": False,
    "bruises": False,
    "blood_in_urine": False,
    "pain_passing_urine": False,
    "urinating_more_often": False,
    "hard_to_urinate": False,
    "cloudy_urine": False,
    "sudden_cramping_pain": False,
    "fever_chills": False,
    "nausea_vomiting": False,
    "feel_unwell": False,
    "saddle_numbness": False,
    "bladder_bowel_control": False,
    "limb_numbness_weakness": False,
    "calf_swelling_one_side": False,
    "chest_breathing_symptoms": ["none"],
    "belly_pain": False,
    "medications": ["none"],
    "kidney_infection_or_stone": False,
    "broken_bone": "no",
    "osteoporosis": "no",
    "bleeding_disorder": False,
    "varicose_veins": False,
    "rheumatoid_arthritis": "no",
    "skin_problem": False,
    "reduced_sensation": False,
    "conditions": ["none"],
    "today_checks": ["none"],
    "heart_condition": "no",
    "cancer": "no",
    "surgery": "no",
    "pregnant": "no",
    "consent_accurate": True,
    "consent_tell_changes": True,
    "consent_not_medical": True,
}


def complete_answers(**changes) -> dict:
    """A complete intake with nothing to report, changed by keyword (JSON values)."""
    return {**NOTHING_TO_REPORT, **changes}


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentText
        django_get_or_create = ("version", "language")

    version = "2026-1"
    language = "en"
    title = "Consent to massage treatment"
    text = "I agree to receive massage."


def drawn_submission(*, token=None, signature=None) -> dict:
    """What the tablet sends with a drawn signature, as keyword arguments for submit_intake and
    submit_and_screen: a new submission token (or `token`), the signature, an accepted consent."""
    return {
        "submission_token": token or uuid.uuid4(),
        "signature_data_url": signature or signature_data_url(),
        "consent_id": ConsentTextFactory.create().pk,
    }


class IntakeFactory(factory.django.DjangoModelFactory):
    """A draft by default; `submitted=True` gives a signed, submitted one (saved once),
    `typed_signature=True` one signed by typing the name."""

    class Meta:
        model = Intake

    class Params:
        submitted = factory.Trait(
            status="submitted",
            submitted_at=factory.LazyFunction(timezone.now),
            signed_at=factory.SelfAttribute("submitted_at"),
            consent=factory.SubFactory(ConsentTextFactory),
            signature_png=factory.LazyFunction(signature_png),
            signature_method="drawn",
            kiosk_token=None,
            answers=factory.LazyFunction(complete_answers),
        )
        # Submitted, and signed by typing the client's name instead of drawing.
        typed_signature = factory.Trait(
            submitted=True,
            signature_method="typed",
            signature_png=None,
            signature_typed_name="Ana Ruiz",
        )

    clinic = factory.SubFactory(ClinicFactory)
    client = factory.SubFactory(ClientFactory, clinic=factory.SelfAttribute("..clinic"))
    catalogue_version = factory.LazyFunction(lambda: current_catalogue().version)
    language = "en"
    answers = factory.LazyFunction(dict)
    kiosk_token = factory.Sequence(lambda n: f"kiosk-token-{n:06d}-opaque")


class SignedIntakeFactory(factory.django.DjangoModelFactory):
    """A stand-in PDF with its digest; intake.signed.produce makes the real one."""

    class Meta:
        model = SignedIntake

    intake = factory.SubFactory(IntakeFactory, submitted=True)
    clinic = factory.SelfAttribute("intake.clinic")
    pdf = b"%PDF-1.7 stand-in"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.pdf).hexdigest())


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    """A compliant Swedish plan; prefer review.services.save_plan for checked plans."""

    class Meta:
        model = TreatmentPlan

    screening = factory.SubFactory(ScreeningFactory)
    clinic = factory.SelfAttribute("screening.clinic")
    client = factory.SelfAttribute("screening.client")
    ruleset = factory.SelfAttribute("screening.ruleset")
    modalities = factory.LazyFunction(lambda: ["swedish"])
    regions = factory.LazyFunction(lambda: ["upper_back"])
    pressure = 2
    position = "side_lying"
    duration_minutes = 60
    check_result = factory.LazyFunction(lambda: {"ok": True, "violations": []})
    compliant = True
    created_by = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))


class SessionNoteFactory(factory.django.DjangoModelFactory):
    """A signed SOAP note; prefer review.notes.sign_note in workflows."""

    class Meta:
        model = SessionNote

    screening = factory.SubFactory(ScreeningFactory)
    clinic = factory.SelfAttribute("screening.clinic")
    client = factory.SelfAttribute("screening.client")
    subjective = "Stiff neck after long days at the desk."
    objective = "Raised right shoulder; tender upper trapezius."
    assessment = "Postural muscle tension, no red flags."
    plan = "Two more sessions; stretch at work breaks."
    regions = factory.LazyFunction(lambda: ["neck", "upper_back"])
    pressure = 3
    client_response = "Relaxed; less tension when turning the head."
    signed_by = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))


class NoteAddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteAddendum

    note = factory.SubFactory(SessionNoteFactory)
    clinic = factory.SelfAttribute("note.clinic")
    text = "Client phoned next day: headache gone."
    author = factory.SelfAttribute("note.signed_by")


class ReferralDecisionFactory(factory.django.DjangoModelFactory):
    """A referral; prefer review.services.record_referral_decision in workflows."""

    class Meta:
        model = ReferralDecision

    screening = factory.SubFactory(ScreeningFactory, decision="refer")
    clinic = factory.SelfAttribute("screening.clinic")
    client = factory.SelfAttribute("screening.client")
    ruleset = factory.SelfAttribute("screening.ruleset")
    rule_ids = factory.LazyFunction(lambda: ["KIDNEY-URINARY-SYMPTOMS"])
    urgent = False
    action = ReferralDecision.Action.REFERRED
    referred_to = "Dr. Rebecca Lang"
    method = ReferralDecision.Method.LETTER
    urgency = ReferralDecision.Urgency.WITHIN_WEEK
    request_text = "Please assess before any massage."
    decided_by = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))


class ReferralDecisionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralDecisionRule

    decision = factory.SubFactory(ReferralDecisionFactory)
    clinic = factory.SelfAttribute("decision.clinic")
    rule_id = "KIDNEY-URINARY-SYMPTOMS"
    category = "kidney"
    action = factory.SelfAttribute("decision.action")
    decided_by = factory.SelfAttribute("decision.decided_by")
    decided_at = factory.LazyFunction(timezone.now)


class PhysicianClearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhysicianClearance

    screening = factory.SubFactory(ScreeningFactory, decision="clearance_required")
    clinic = factory.SelfAttribute("screening.clinic")
    client = factory.SelfAttribute("screening.client")
    ruleset = factory.SelfAttribute("screening.ruleset")
    physician_name = "Dr. Ada Obi"
    cleared_on = factory.LazyFunction(timezone.localdate)
    expires_on = factory.LazyAttribute(lambda o: o.cleared_on + datetime.timedelta(days=28))
    rule_ids = factory.LazyFunction(lambda: ["PREGNANCY-HIGH-RISK"])
    recorded_by = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))


class PrevisitLinkFactory(factory.django.DjangoModelFactory):
    """A link row; prefer previsit.services.issue_link, which also sends it. The token of a
    factory link is `previsit.tokens.link_token(link.nonce)`."""

    class Meta:
        model = PrevisitLink

    intake = factory.SubFactory(IntakeFactory)
    clinic = factory.SelfAttribute("intake.clinic")
    client = factory.SelfAttribute("intake.client")
    nonce = factory.LazyFunction(tokens.new_nonce)
    token_hash = factory.LazyAttribute(lambda o: tokens.token_hash(tokens.link_token(o.nonce)))
    channel = "email"
    visit_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=72))


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    link = factory.SubFactory(PrevisitLinkFactory)
    kind = "link"
    channel = "email"


class TabletFactory(factory.django.DjangoModelFactory):
    """An enrolled tablet; its cookie value is `tablet.secret` (only on a freshly built one).
    Prefer tablets.services.add_tablet and enrol, which also audit."""

    class Meta:
        model = Tablet

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Tablet {n}")
    enrolled_by = factory.SubFactory(
        UserFactory, clinic=factory.SelfAttribute("..clinic"), role=Role.OWNER
    )
    secret = factory.LazyFunction(tablet_tokens.new_secret)
    credential_hash = factory.LazyAttribute(lambda o: tablet_tokens.digest(o.secret))
    enrolled_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, secret=None, **kwargs):
        tablet = super()._create(model_class, *args, **kwargs)
        tablet.secret = secret
        return tablet


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    intake = factory.SubFactory(IntakeFactory)
    clinic = factory.SelfAttribute("intake.clinic")
    tablet = factory.SubFactory(TabletFactory, clinic=factory.SelfAttribute("..clinic"))
    assigned_by = factory.SubFactory(UserFactory, clinic=factory.SelfAttribute("..clinic"))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """Today at 10:00 local time by default, with a therapist of the client's clinic."""

    class Meta:
        model = Appointment

    clinic = factory.SubFactory(ClinicFactory)
    client = factory.SubFactory(ClientFactory, clinic=factory.SelfAttribute("..clinic"))
    therapist = factory.SubFactory(
        UserFactory, clinic=factory.SelfAttribute("..clinic"), role=Role.THERAPIST
    )
    starts_at = factory.LazyFunction(
        lambda: timezone.make_aware(
            datetime.datetime.combine(timezone.localdate(), datetime.time(10, 0))
        )
    )
    duration_minutes = 60
