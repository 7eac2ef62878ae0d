"""Intake workflows: start one for a client, save answers as they come, submit and sign.

Every write to an intake goes through here; a submitted intake is refused (and the database
refuses it too, see migration 0004).
"""

import calendar
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from accounts.errors import DomainError
from audit.models import AuditEvent
from audit.services import record_creation, record_export
from clients.models import Client
from config.statements import ID_SLOT, SECOND_ID_SLOT, CompiledQuery, OneValueQuery
from contraindications.engine import Catalogue
from intake.answers import Evaluation, evaluate, parse_form
from intake.derived import age_on, derived_answers, known_here
from intake.flow import TODAY_SECTIONS
from intake.models import ConsentText, Intake
from intake.signature import (
    Signature,
    SignatureError,
    normalise_typed_name,
    parse_signature,
    read_signature,
    typed_name_problem,
)
from rules.catalogues import (
    active_checksum_subquery,
    active_version_id_subquery,
    catalogue_for,
    current_catalogue,
)

LANGUAGES = ("en", "es")


class IntakeError(DomainError):
    def __init__(
        self, message: str, code: str, codes: Iterable[str] = (), field: str | None = None
    ) -> None:
        super().__init__(message, code, field, codes)


class IntakeIncomplete(IntakeError):
    def __init__(self, evaluation: Evaluation):
        super().__init__("some required answers are missing or wrong", "incomplete")
        self.evaluation = evaluation


def new_kiosk_token() -> str:
    return secrets.token_urlsafe(32)


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def latest_submitted(client: Client) -> Intake | None:
    return (
        Intake.objects.filter(client=client, status=Intake.Status.SUBMITTED)
        .order_by("-submitted_at")
        .first()
    )


def needs_full_renewal(
    *, last: Intake | None, renewal_months: int, now: datetime | None = None
) -> bool:
    if last is None or last.submitted_at is None:
        return True
    return last.submitted_at < months_before(now or timezone.now(), renewal_months)


@transaction.atomic
def start_intake(*, client: Client, started_by: Any, ip: str | None = None) -> Intake:
    """The client's open draft with a fresh kiosk token, or a new intake.

    A new intake is an update of the last submitted one (carrying over everything that does
    not describe today) unless that one is older than the clinic's renewal period or there is
    none: then the full health history is asked again.
    """
    if client.is_archived:
        raise IntakeError("archived clients cannot start an intake", "client_archived")
    draft = Intake.objects.select_for_update().filter(client=client, status="draft").first()
    if draft is not None:
        draft.kiosk_token = new_kiosk_token()
        draft.save(update_fields=["kiosk_token", "updated_at"])
        return draft
    last = latest_submitted(client)
    catalogue = current_catalogue(client.clinic_id)
    full = needs_full_renewal(last=last, renewal_months=client.clinic.intake_renewal_months)
    answers: dict[str, Any] = {}
    if last is not None and not full:
        carried = {
            qid: value
            for qid, value in last.answers.items()
            if qid in catalogue.by_id and catalogue.by_id[qid].section not in TODAY_SECTIONS
        }
        answers = evaluate(catalogue, carried, required_in=frozenset()).to_json()
    known = derived_answers(
        catalogue=catalogue,
        born=client.date_of_birth,
        day=timezone.localdate(),
        has_earlier_intake=last is not None,
    )
    if known:
        answers = evaluate(catalogue, {**answers, **known}, required_in=frozenset()).to_json()
    intake = Intake.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        kind=Intake.Kind.FULL if full else Intake.Kind.UPDATE,
        language=client.preferred_language if client.preferred_language in LANGUAGES else "en",
        catalogue_version=catalogue.version,
        answers=answers,
        previous=last,
        started_by=started_by,
        kiosk_token=new_kiosk_token(),
    )
    record_creation(intake, by=started_by, detail=f"intake started ({intake.kind})", ip=ip)
    return intake


# A draft being changed, locked, with the checksum of the rule set in use read in the same
# query (an autosave then finds its catalogue without a query of its own). Built once: the
# subquery costs more to build than to clone.
_CHANGING = (
    Intake.objects.annotate(active_ruleset=active_checksum_subquery())
    .select_for_update(of=("self",))
    .order_by()
)


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _InUse(TypedDict):
        active_ruleset: str | None

    ChangingIntake = WithAnnotations[Intake, _InUse]

    class _Submitting(TypedDict):
        active_ruleset: str | None
        active_ruleset_id: int | None
        consent_known: bool

    SubmittingIntake = WithAnnotations[Intake, _Submitting]


# The autosave's, by kiosk token: compiled once (config.statements), as it runs on every one.
_CHANGING_BY_TOKEN: "OneValueQuery[ChangingIntake]" = OneValueQuery(
    lambda token: _CHANGING.filter(kiosk_token=token)[:1], warm_up=True
)

_CHANGING_BY_ID: "OneValueQuery[ChangingIntake]" = OneValueQuery(
    lambda intake_id: _CHANGING.filter(pk=intake_id)[:1], slot=ID_SLOT, warm_up=True
)


def _locked_draft(intake_id: int) -> "ChangingIntake":
    intake = _CHANGING_BY_ID.first(intake_id)
    if intake is None:
        raise Intake.DoesNotExist(f"no intake {intake_id}")
    if not intake.is_draft:
        raise IntakeError("this intake is submitted and can no longer change", "intake_locked")
    return intake


@transaction.atomic
def save_answers(
    *, intake_id: int, raw: dict[str, Any], required_in: frozenset[str] = frozenset()
) -> Evaluation:
    """Merge `raw` answers into the draft; keep what is valid, report the rest per question."""
    intake = _locked_draft(intake_id)
    catalogue = catalogue_for(
        intake.catalogue_version, clinic=intake.clinic_id, active_checksum=intake.active_ruleset
    )
    return _merge(intake, catalogue, raw, required_in)


@dataclass(frozen=True)
class Autosaved:
    evaluation: Evaluation
    catalogue: Catalogue
    asked: frozenset[str]  # the questions this save carried answers for


@transaction.atomic
def autosave(*, kiosk_token: str, values: Mapping[str, list[str]]) -> Autosaved:
    """The tablet's autosave: `values` per question id as the form holds them (lists of
    strings). Unknown questions, and those the intake already knows (derived ones), are left
    out. The draft is found by its kiosk token and locked in one query; IntakeError
    `intake_closed` when there is no such draft."""
    intake = _CHANGING_BY_TOKEN.first(kiosk_token) if kiosk_token else None
    if intake is None or not intake.is_draft:
        raise IntakeError("this form is closed", "intake_closed")
    catalogue = catalogue_for(
        intake.catalogue_version, clinic=intake.clinic_id, active_checksum=intake.active_ruleset
    )
    known = known_here(intake.answers)
    questions = [
        catalogue.by_id[qid] for qid in values if qid in catalogue.by_id and qid not in known
    ]
    raw = parse_form(catalogue, questions, values)
    return Autosaved(_merge(intake, catalogue, raw), catalogue, frozenset(raw))


def _merge(
    intake: Intake,
    catalogue: Catalogue,
    raw: dict[str, Any],
    required_in: frozenset[str] = frozenset(),
) -> Evaluation:
    merged = {**intake.answers, **{k: v for k, v in raw.items() if k in catalogue.by_id}}
    evaluation = evaluate(catalogue, merged, required_in=required_in)
    clean = evaluation.to_json()
    if clean != intake.answers:
        intake.answers = clean
        intake.save(update_fields=["answers", "updated_at"])
    return evaluation


@transaction.atomic
def set_language(*, intake_id: int, language: str) -> Intake:
    if language not in LANGUAGES:
        raise IntakeError("unknown language", "bad_language")
    intake = _locked_draft(intake_id)
    intake.language = language
    intake.save(update_fields=["language", "updated_at"])
    return intake


@transaction.atomic
def record_unchanged(*, intake_id: int, unchanged: bool) -> Intake:
    intake = _locked_draft(intake_id)
    intake.unchanged_since_previous = unchanged
    intake.save(update_fields=["unchanged_since_previous", "updated_at"])
    return intake


def current_consent(language: str) -> ConsentText:
    consent = ConsentText.objects.filter(language=language).order_by("-published_at").first()
    if consent is None:
        consent = ConsentText.objects.filter(language="en").order_by("-published_at").first()
    if consent is None:
        raise IntakeError("no consent text is published", "no_consent_text")
    return consent


ADULT_AGE = 18


def is_minor(date_of_birth: date, day: date) -> bool:
    """Born on `date_of_birth`, under 18 on `day`, the day of the visit: a parent or guardian
    signs the consent too."""
    return age_on(date_of_birth, day) < ADULT_AGE


@dataclass(frozen=True)
class Guardian:
    name: str
    relationship: str
    signature: Any  # intake.signature.Signature


def read_guardian(*, name: str, relationship: str, drawn: str, typed_confirmed: bool) -> Guardian:
    """A minor's parent or guardian: their name, how they are related, their signature (drawn,
    or their typed name above with a tick). Every problem at once, each code with its field."""
    name = normalise_typed_name(name)
    codes = []
    problem = typed_name_problem(name)
    if problem:
        codes.append("guardian_" + problem)
    if relationship not in Intake.GuardianRelationship.values:
        codes.append("guardian_relationship_missing")
    signature = None
    if drawn and typed_confirmed:
        codes.append("guardian_signature_both")
    elif drawn:
        try:
            signature = Signature(method="drawn", png=parse_signature(drawn))
        except SignatureError as error:
            codes.append("guardian_" + error.code)
    elif typed_confirmed:
        signature = Signature(method="typed", typed_name=name)
    else:
        codes.append("guardian_signature_missing")
    if codes:
        raise IntakeError("the parent or guardian must sign", codes[0], codes=codes)
    return Guardian(name=name, relationship=relationship, signature=signature)


@dataclass(frozen=True)
class Release:
    """The release of information: may a letter name the client to their physician?"""

    consent: bool
    physician: str = ""


def read_release(*, consent: bool, physician: str) -> Release:
    physician = " ".join(physician.split())[:200]
    if consent and not physician:
        raise IntakeError(
            "name the physician the clinic may write to", "release_physician_missing",
            codes=["release_physician_missing"], field="release_physician",
        )  # fmt: skip
    return Release(consent=consent, physician=physician if consent else "")


@dataclass(frozen=True)
class Submitted:
    intake: Intake
    already: bool  # a repeated submit (double tap, re-sent form): nothing new was written


# The intake a submit locks. The client comes along (a minor's guardian depends on the date
# of birth), the id and checksum of the rule set in use (its catalogue is then found, and the
# intake screened by `visits.services.submit_and_screen`, without a query of their own) and,
# added per call, whether the consent text exists; only the intake's row is locked. Built once:
# the subqueries cost more to build than to clone.
_SUBMITTING = (
    Intake.objects.select_related("client")
    .annotate(
        active_ruleset=active_checksum_subquery(),
        active_ruleset_id=active_version_id_subquery(),
    )
    .select_for_update(of=("self",))
)
# Compiled once (config.statements): the rule-set subqueries cost more to compile than to run.
_SUBMITTING_WITH_CONSENT: "CompiledQuery[SubmittingIntake]" = CompiledQuery(
    lambda intake_id, consent_id: _SUBMITTING.annotate(
        consent_known=Exists(ConsentText.objects.filter(pk=consent_id))
    ).filter(pk=intake_id)[:1],
    intake_id=ID_SLOT,
    consent_id=SECOND_ID_SLOT,
    warm_up=True,
)


@transaction.atomic
def submit_intake(
    *,
    intake_id: int,
    submission_token: uuid.UUID,
    signature_data_url: str = "",
    typed_name: str = "",
    typed_name_confirmed: bool = False,
    consent_id: int,
    guardian_name: str = "",
    guardian_relationship: str = "",
    guardian_signature_data_url: str = "",
    guardian_typed_confirmed: bool = False,
    release: Release | None = None,
    device: str = "",
    visit_date: date | None = None,
) -> Submitted:
    """Sign and submit the draft. Screening it is the caller's next step
    (`visits.services.submit_and_screen`): intake ends at a submitted intake.

    Signed either with a finger (`signature_data_url`) or, for a client who cannot draw, by
    typing their full name and ticking that it is their signature; never both.

    A client under 18 on `visit_date` (today unless given) needs a parent or guardian's name,
    relationship and signature (`guardian_*`); without them the submit is refused
    (codes `guardian_...`). `release`: the client's answer to the release of information,
    None when it was not asked. `device`: where it was signed, in a few words.

    Idempotent: the row lock makes a second submit wait, then find the intake submitted.
    """
    intake = _SUBMITTING_WITH_CONSENT.first(intake_id=intake_id, consent_id=consent_id)
    if intake is None:
        raise Intake.DoesNotExist(f"no intake {intake_id}")
    if intake.is_submitted:
        return Submitted(intake=intake, already=True)
    if not intake.is_draft:
        raise IntakeError("this intake was cancelled", "intake_cancelled")
    catalogue = catalogue_for(
        intake.catalogue_version, clinic=intake.clinic_id, active_checksum=intake.active_ruleset
    )
    evaluation = evaluate(catalogue, intake.answers)
    refused = {
        q.id
        for q in catalogue.questions
        if q.section == "consent" and q.type == "yes_no" and evaluation.values.get(q.id) is False
    }
    if evaluation.errors or refused:
        raise IntakeIncomplete(evaluation)
    codes: list[str] = []
    signature = guardian = None
    try:
        signature = read_signature(
            drawn=signature_data_url, typed_name=typed_name, typed_confirmed=typed_name_confirmed
        )
    except SignatureError as error:
        codes.extend(error.codes or [error.code])
    if is_minor(intake.client.date_of_birth, visit_date or timezone.localdate()):
        try:
            guardian = read_guardian(
                name=guardian_name,
                relationship=guardian_relationship,
                drawn=guardian_signature_data_url,
                typed_confirmed=guardian_typed_confirmed,
            )
        except IntakeError as error:
            codes.extend(error.codes)
    if codes or signature is None:
        raise IntakeError("the intake cannot be signed yet", codes[0], codes)
    if not intake.consent_known:
        # A form from before a consent text was replaced, or an edited one.
        raise IntakeError("unknown consent text", "unknown_consent")
    now = timezone.now()
    intake.answers = evaluation.to_json()
    intake.status = Intake.Status.SUBMITTED
    intake.submitted_at = now
    intake.submission_token = submission_token
    intake.consent_id = consent_id
    intake.signature_method = signature.method
    intake.signature_png = signature.png
    intake.signature_typed_name = signature.typed_name
    intake.signed_at = now
    intake.kiosk_token = None
    if guardian is not None:
        intake.guardian_name = guardian.name
        intake.guardian_relationship = guardian.relationship
        intake.guardian_signature_method = guardian.signature.method
        intake.guardian_signature_png = guardian.signature.png
        intake.guardian_signature_typed_name = guardian.signature.typed_name or None
    if release is not None:
        intake.release_consent = release.consent
        intake.release_physician = release.physician or None
    intake.submitted_device = device[:120] or None
    intake.save()
    # The signed PDF is made by the worker once this commits (intake.signed); the staff page
    # makes it on the spot if the worker has not run yet.
    intake_id_ = intake.pk
    transaction.on_commit(lambda: _enqueue_signed(intake_id_))
    return Submitted(intake=intake, already=False)


def _enqueue_signed(intake_id: int) -> None:
    from intake.tasks import enqueue_signed_intake

    enqueue_signed_intake(intake_id)


COPY_REQUESTED = "signed intake copy requested by email"
COPY_AGAIN_AFTER_SECONDS = 120


@transaction.atomic
def request_signed_copy(*, intake: Intake, requested_by: Any, ip: str | None) -> None:
    """Queue the client's copy of their signed intake, to the address on their record.

    Refused without an address (code `no_client_email`): staff add it to the record first, so
    a copy never goes to an address typed in passing."""
    if not intake.is_submitted:
        raise IntakeError("only a submitted intake has a signed copy", "intake_not_submitted")
    if not intake.client.email:
        raise IntakeError(
            "Add the client's email address to their record first.", "no_client_email"
        )
    # A double tap (or a second press while the first copy is on its way) sends one copy.
    Intake.objects.select_for_update().filter(pk=intake.pk).exists()
    recent = AuditEvent.objects.filter(
        object_type=intake._meta.label,
        object_id=str(intake.public_id),  # how audit.services names a record
        detail=COPY_REQUESTED,
        at__gte=timezone.now() - timedelta(seconds=COPY_AGAIN_AFTER_SECONDS),
    )
    if recent.exists():
        raise IntakeError(
            "A copy was sent a moment ago; it may take a few minutes to arrive.", "copy_just_sent"
        )
    record_export(intake, by=requested_by, detail=COPY_REQUESTED, ip=ip)
    intake_id, actor_id = intake.pk, getattr(requested_by, "pk", None)

    def enqueue() -> None:
        from intake.tasks import enqueue_email_copy

        enqueue_email_copy(intake_id, actor_id)

    transaction.on_commit(enqueue)
