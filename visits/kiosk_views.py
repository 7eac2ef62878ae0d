"""Pages the client sees on the tablet. Every view here is reached only through a kiosk
session (see intake.kiosk); none of them names the client's intake in its URL."""

import uuid
from functools import wraps
from urllib.parse import parse_qsl

from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import ALL_STAFF
from accounts.roles import has_role
from config.jsonbody import BadJSONBody, parse_json_body, unsafe_text
from intake import kiosk, services
from intake.answers import error_message, evaluate, parse_form
from intake.derived import AGE, DERIVED, FIRST_VISIT, known_here
from intake.device import device_summary
from intake.flow import CONSENT_SECTION, SECTION_TITLES, TODAY_SECTIONS, sections_for
from intake.forms import StaffReturnForm
from intake.models import Intake
from intake.presenters import questions_html, section_rows
from intake.selectors import kiosk_intake
from previsit.models import PrevisitLink
from rules.catalogues import catalogue_for
from visits.services import submit_and_screen

MAX_SAVE_BODY = 64 * 1024


def kiosk_page(view):
    """Runs `view` with the kiosk session's intake, or sends the tablet where it belongs."""

    @login_not_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        state = kiosk.kiosk_state(request)
        if state is None:
            return redirect("kiosk:ended")
        if state.get("done"):
            return redirect("kiosk:done")
        # The consent step reads two fields of the client's record (a minor signs with a
        # guardian; the physician is offered for the release): joined to the intake's query.
        intake = kiosk_intake(
            state.get("token"), with_client=kwargs.get("section") == CONSENT_SECTION
        )
        if intake is None or not intake.is_draft:
            request.session.flush()
            return redirect("kiosk:ended")
        return view(request, intake, *args, **kwargs)

    return wrapped


def _catalogue(intake):
    # kiosk_intake() read the rule set in use with the intake: no query of its own.
    return catalogue_for(
        intake.catalogue_version, clinic=intake.clinic_id, active_checksum=intake.active_ruleset
    )


def _flow(intake, catalogue, evaluation=None):
    evaluation = evaluation or evaluate(catalogue, intake.answers)
    missing = frozenset(catalogue.by_id[qid].section for qid in evaluation.errors)
    return sections_for(intake, catalogue, missing=missing), evaluation


def resume_section(intake, catalogue) -> str | None:
    """Where a client who has begun stopped: the first section of their flow that still misses
    an answer (the consent page when none does). None before they began: nothing answered yet
    or, for a visit update, the "has anything changed?" question not answered.

    Derived from the saved answers alone (not counting the ones filled in from the record), so
    it needs no column of its own."""
    if intake.kind == intake.Kind.UPDATE:
        begun = intake.unchanged_since_previous is not None
    else:
        # Age and first visit are filled in from the record before the client starts.
        begun = any(qid not in DERIVED for qid in intake.answers)
    if not begun:
        return None
    sections, evaluation = _flow(intake, catalogue)
    missing = {catalogue.by_id[qid].section for qid in evaluation.errors}
    return next((s for s in sections if s in missing), sections[-1])


@kiosk_page
@require_GET
def home(request, intake):
    catalogue = _catalogue(intake)
    sections, _evaluation = _flow(intake, catalogue)
    resume = resume_section(intake, catalogue)
    handed_over = kiosk.take_resume(request)
    if resume and handed_over:
        # "Continue intake on tablet": straight back to where the client stopped.
        return redirect("kiosk:section", section=resume)
    return render(
        request,
        "visits/kiosk_home.html",
        {
            "intake": intake,
            "first_name": (intake.client.preferred_name or intake.client.legal_name).split()[0],
            "first_section": sections[0],
            "resume_section": resume,
            "resume_title": SECTION_TITLES[resume] if resume else "",
            "last_visit": intake.previous.submitted_at if intake.previous_id else None,
        },
    )


@kiosk_page
@require_POST
def language(request, intake):
    chosen = request.POST.get("language", "")
    if chosen in services.LANGUAGES:
        services.set_language(intake_id=intake.pk, language=chosen)
        kiosk.set_language(request, chosen)
    target = request.POST.get("next", "")
    if not (
        url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and kiosk._is_kiosk_url(target)
    ):
        target = reverse("kiosk:home")
    return redirect(target)


@kiosk_page
@require_POST
def changed(request, intake):
    unchanged = request.POST.get("changed") == "no"
    services.record_unchanged(intake_id=intake.pk, unchanged=unchanged)
    intake.unchanged_since_previous = unchanged
    catalogue = _catalogue(intake)
    sections, _evaluation = _flow(intake, catalogue)
    return redirect("kiosk:section", section=sections[0])


@kiosk_page
@require_http_methods(["GET", "POST"])
def section(request, intake, section):
    catalogue = _catalogue(intake)
    if section not in catalogue.sections:
        return redirect("kiosk:home")
    posted = None
    sign_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and _unreadable(request):
        # Refused whole, before anything is saved: the draft stays as it was.
        return render(request, "visits/kiosk_unreadable.html", {"section": section}, status=400)
    if request.method == "POST":
        going_back = request.POST.get("go") == "back"
        known = known_here(intake.answers)
        questions = [q for q in catalogue.questions if q.section == section and q.id not in known]
        raw = parse_form(catalogue, questions, request.POST)
        evaluation = services.save_answers(
            intake_id=intake.pk,
            raw=raw,
            required_in=frozenset() if going_back else frozenset({section}),
        )
        intake.answers = evaluation.to_json()
        sections, _full = _flow(intake, catalogue)
        here = sections.index(section) if section in sections else 0
        section_errors = {
            qid: e
            for qid, e in evaluation.errors.items()
            if catalogue.by_id[qid].section == section
        }
        if going_back:
            return redirect("kiosk:section", section=sections[max(here - 1, 0)])
        if not section_errors:
            if section != CONSENT_SECTION:
                return redirect("kiosk:section", section=sections[min(here + 1, len(sections) - 1)])
            outcome, sign_errors, status = _submit(request, intake, catalogue)
            if outcome is not None:
                return outcome
        posted = request.POST
        errors = section_errors
    else:
        # One evaluation serves the flow (which sections still miss an answer) and this page:
        # values and visibility do not depend on which answers are required.
        evaluation = evaluate(catalogue, intake.answers)
        sections, _full = _flow(intake, catalogue, evaluation)
        # A missing answer is pointed out only after a refused submit, which sends the client
        # here to see what is missing.
        checking = request.GET.get("check") == "1"
        errors = {
            qid: e
            for qid, e in evaluation.errors.items()
            if catalogue.by_id[qid].section == section
            and (checking or e.code != "missing_required")
        }
    index = sections.index(section) if section in sections else 0
    known = known_here(intake.answers)
    rows = [
        row
        for row in section_rows(
            catalogue,
            section,
            lang=intake.language,
            answers=intake.answers,
            visible=evaluation.visible,
            errors=errors,
            posted=posted,
        )
        if row.q.id not in known
    ]
    context = {
        "intake": intake,
        "section": section,
        "title": SECTION_TITLES[section],
        "questions_html": questions_html(rows),
        "errors": [row for row in rows if row.error],
        "step": index + 1,
        "steps": len(sections),
        "progress": round(100 * (index + 1) / len(sections)),
        "is_first": index == 0,
        "is_consent": section == CONSENT_SECTION,
        # body-map.js only where a map can show (a hidden "where?" too: an answer reveals it);
        # five of the eight sections have none, on the tablet and on a client's phone.
        "has_body_map": any(row.q.type == "body_regions" for row in rows),
        "answers_json": intake.answers,
        # Every field named, "" when it has no error: the template then finds each one at the
        # first try (a missing key costs Django's engine three failed lookups and a dir()).
        "sign_errors": dict.fromkeys(SIGNATURE_FIELD_IDS, "") | sign_errors,
        "sign_error_links": [
            {"field": SIGNATURE_FIELD_IDS[field], "message": message}
            for field, message in sign_errors.items()
        ],
        "carried": intake.kind == intake.Kind.UPDATE and section not in TODAY_SECTIONS,
        "known": _known_lines(catalogue, section, intake.answers, known),
    }
    if section == CONSENT_SECTION:
        context["consent"] = services.current_consent(intake.language)
        context["submission_token"] = uuid.uuid4()
        # After a refused submit the typed signature is shown again as the client left it.
        typed = posted is not None and _signing_by_typing(posted)
        context["signature_mode"] = "typed" if typed else "drawn"
        context["typed_name"] = (posted or {}).get("signature_typed_name", "")[:200]
        context["typed_confirmed"] = (posted or {}).get("signature_typed_confirm") == "yes"
        context["signing"] = _signing_context(request, intake, posted)
    return render(request, "visits/kiosk_section.html", context, status=status)


def _known_lines(catalogue, section, answers, known):
    """What the clinic already knows and so does not ask, shown read-only on its section."""
    lines = []
    if AGE in known and catalogue.by_id[AGE].section == section:
        lines.append(_("Age: %(age)s (from your date of birth)") % {"age": answers[AGE]})
    if FIRST_VISIT in known and catalogue.by_id[FIRST_VISIT].section == section:
        lines.append(
            _("First visit with us: yes (from our records)")
            if answers[FIRST_VISIT]
            else _("First visit with us: no, welcome back (from our records)")
        )
    return lines


def _visit_day(request):
    """The day of the visit: the booked one for a phone's intake link, else today."""
    state = kiosk.kiosk_state(request) or {}
    if state.get("remote"):
        link = PrevisitLink.objects.filter(pk=state["remote"]).only("visit_at").first()
        if link is not None:
            return timezone.localdate(link.visit_at)
    return timezone.localdate()


def _signing_context(request, intake, posted):
    """The parts of the consent step around the client's own signature: a minor's parent or
    guardian, and the release of information to the client's physician."""
    posted = posted or {}
    # Read with the intake (kiosk_intake(with_client=True)): no query for the client's record.
    return {
        "minor": services.is_minor(intake.client_date_of_birth, _visit_day(request)),
        "guardian_name": posted.get("guardian_name", "")[:200],
        "guardian_relationship": posted.get("guardian_relationship", ""),
        "guardian_typed": posted.get("guardian_signature_typed_confirm") == "yes",
        "relationships": Intake.GuardianRelationship.choices,
        "release": posted.get("release_consent") == "yes",
        "physician": posted.get("release_physician", intake.client_physician_name)[:200],
    }


def _unreadable(request) -> bool:
    """A NUL byte or a lone surrogate anywhere in the form: text no database should be given.

    Django decodes a form leniently (an encoded lone surrogate, %ED%A0%80, becomes U+FFFD),
    so a URL-encoded body is also read strictly as UTF-8."""
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            parse_qsl(request.body.decode("ascii"), errors="strict", max_num_fields=1000)
        except (UnicodeDecodeError, ValueError):
            return True
    return any(
        unsafe_text(key) or any(unsafe_text(value) for value in values)
        for key, values in request.POST.lists()
    )


# Each signature problem is shown next to its own field: "drawn" (the finger box), "typed_name"
# (the typed full name) or "typed_confirm" (the tick that the typed name is a signature).
SIGNATURE_MESSAGES = {
    "missing_signature": ("drawn", gettext_lazy("Please sign in the box with your finger.")),
    "empty_signature": ("drawn", gettext_lazy("Please sign in the box with your finger.")),
    "signature_both": (
        "typed_name",
        gettext_lazy("Please sign one way only: with your finger or by typing your name."),
    ),
    "typed_name_missing": ("typed_name", gettext_lazy("Please type your full name.")),
    "typed_name_too_short": (
        "typed_name",
        gettext_lazy("Please type your full name (at least 2 letters)."),
    ),
    "typed_name_too_long": (
        "typed_name",
        gettext_lazy("Your name can be at most 200 characters long."),
    ),
    "typed_name_bad_characters": (
        "typed_name",
        gettext_lazy(
            "Please use only letters, spaces, hyphens (-), apostrophes (’) and periods (.)."
        ),
    ),
    "typed_name_not_confirmed": (
        "typed_confirm",
        gettext_lazy("Please tick the box to confirm that your typed name is your signature."),
    ),
    "guardian_typed_name_missing": (
        "guardian_name",
        gettext_lazy("Please type the full name of the parent or guardian."),
    ),
    "guardian_typed_name_too_short": (
        "guardian_name",
        gettext_lazy("Please type the full name of the parent or guardian."),
    ),
    "guardian_typed_name_too_long": (
        "guardian_name",
        gettext_lazy("The name can be at most 200 characters long."),
    ),
    "guardian_typed_name_bad_characters": (
        "guardian_name",
        gettext_lazy(
            "Please use only letters, spaces, hyphens (-), apostrophes (’) and periods (.)."
        ),
    ),
    "guardian_relationship_missing": (
        "guardian_relationship",
        gettext_lazy("Please choose how you are related to the client."),
    ),
    "guardian_signature_missing": (
        "guardian_drawn",
        gettext_lazy(
            "The parent or guardian must sign: in the box, or by ticking that their typed name "
            "is their signature."
        ),
    ),
    "guardian_signature_both": (
        "guardian_drawn",
        gettext_lazy("Please sign one way only: with a finger or by typing the name."),
    ),
    "release_physician_missing": (
        "release_physician",
        gettext_lazy("Please type the name of your physician, or untick the box."),
    ),
}
SIGNATURE_FIELD_IDS = {
    "drawn": "signature-pad",
    "typed_name": "signature-typed-name",
    "typed_confirm": "signature-typed-confirm",
    "guardian_name": "guardian-name",
    "guardian_relationship": "guardian-relationship",
    "guardian_drawn": "guardian-signature-pad",
    "release_physician": "release-physician",
}


def signature_errors(codes, *, typed: bool) -> dict[str, str]:
    """{field: message} for signature error codes, in the active language. `typed`: the client
    was signing by typing (a missing signature is then asked for in the name field)."""
    errors: dict[str, str] = {}
    for code in codes:
        if code == "missing_signature" and typed:
            code = "typed_name_missing"
        fallback = "guardian_drawn" if code.startswith("guardian_") else "drawn"
        field, message = SIGNATURE_MESSAGES.get(
            code,
            (fallback, _("The signature could not be read. Please clear the box and sign again.")),
        )
        errors.setdefault(field, str(message))
    return errors


def _signing_by_typing(post) -> bool:
    # signature.js sets the mode; without JavaScript only the typed name can be given.
    mode = post.get("signature_mode") or ("drawn" if post.get("signature") else "typed")
    return mode == "typed" or bool(post.get("signature_typed_name", "").strip())


def _submit(request, intake, catalogue):
    """Sign and submit: (redirect, {}, 200) on success or when answers are missing, else
    (None, {field: message}, status): 422 when the form itself cannot be used (an unknown
    consent text, a broken token), 200 for a signature to fix. On success the tablet shows only
    "please hand it back"."""
    typed = _signing_by_typing(request.POST)
    field = "typed_name" if typed else "drawn"
    try_again = _("Something went wrong. Please tap “Sign and send” again.")
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
        consent_id = int(request.POST.get("consent", ""))
    except ValueError:
        return None, {field: try_again}, 422
    try:
        release = services.read_release(
            consent=request.POST.get("release_consent") == "yes",
            physician=request.POST.get("release_physician", "")[:1000],
        )
    except services.IntakeError as error:
        return None, signature_errors(error.codes, typed=typed), 200
    try:
        result = submit_and_screen(
            intake_id=intake.pk,
            submission_token=token,
            signature_data_url=request.POST.get("signature", "")[:300_000],
            typed_name=request.POST.get("signature_typed_name", "")[:1000],
            typed_name_confirmed=request.POST.get("signature_typed_confirm") == "yes",
            consent_id=consent_id,
            guardian_name=request.POST.get("guardian_name", "")[:1000],
            guardian_relationship=request.POST.get("guardian_relationship", "")[:40],
            guardian_signature_data_url=request.POST.get("guardian_signature", "")[:300_000],
            guardian_typed_confirmed=request.POST.get("guardian_signature_typed_confirm") == "yes",
            release=release,
            device=device_summary(
                remote=bool((kiosk.kiosk_state(request) or {}).get("remote")),
                user_agent=request.headers.get("user-agent", ""),
            ),
            visit_date=_visit_day(request),
        )
    except services.IntakeIncomplete as incomplete:
        sections, _evaluation = _flow(intake, catalogue, incomplete.evaluation)
        first = next(
            s
            for s in sections + catalogue.sections
            if any(catalogue.by_id[q].section == s for q in incomplete.evaluation.errors)
        )
        return redirect(reverse("kiosk:section", kwargs={"section": first}) + "?check=1"), {}, 200
    except services.IntakeError as error:
        if error.code == "unknown_consent":
            return None, {field: try_again}, 422
        return None, signature_errors(error.codes, typed=typed), 200
    kiosk.finish(request, language=result.intake.language)
    return redirect("kiosk:done"), {}, 200


@login_not_required
@require_POST
def save(request):
    """Autosave: JSON answers for one section in, per-question errors out. Never a 500.
    A closed form is a 409 whatever the body (the tablet then stops sending)."""
    state = kiosk.kiosk_state(request)
    if not state or state.get("done") or not state.get("token"):
        return _closed()
    try:
        if len(request.body) > MAX_SAVE_BODY:
            raise BadJSONBody("too much data", "too_large")
        payload = parse_json_body(request.body, max_bytes=MAX_SAVE_BODY)
        answers = payload["answers"]
        if not isinstance(answers, dict):
            raise TypeError
    except (BadJSONBody, KeyError, TypeError) as error:
        # Nothing is saved: the draft stays as it was, and the tablet keeps its own copy.
        # Only on this rare path is the draft read here; a good save reads it once, locked.
        draft = kiosk_intake(state["token"])
        if draft is None or not draft.is_draft:
            return _closed()
        code = error.code if isinstance(error, BadJSONBody) else "invalid_answers"
        unreadable = _("The answers could not be read.")
        message = _("Too much data.") if code == "too_large" else unreadable
        return JsonResponse({"error": message, "code": code}, status=400)
    # Values arrive as the form holds them: a string, or a list of strings for tick boxes.
    values = {
        qid: [
            item
            for item in (value if isinstance(value, list) else [value])
            if isinstance(item, str)
        ]
        for qid, value in answers.items()
    }
    try:
        saved = services.autosave(kiosk_token=state["token"], values=values)
    except services.IntakeError as error:
        if error.code != "intake_closed":
            raise
        return _closed()
    messages = {
        qid: error_message(error, saved.catalogue.by_id[qid])
        for qid, error in saved.evaluation.errors.items()
        if qid in saved.asked
    }
    return JsonResponse({"saved": True, "errors": messages})


def _closed() -> JsonResponse:
    return JsonResponse({"error": _("This form is closed.")}, status=409)


@login_not_required
@require_POST
def still_here(request):
    """The idle warning's "Continue": the kiosk session goes on. Only an open intake's session
    may extend itself; an ended or finished one is told so (409) and the page moves on."""
    state = kiosk.kiosk_state(request)
    intake = kiosk_intake(state.get("token")) if state and not state.get("done") else None
    if intake is None or not intake.is_draft:
        return JsonResponse({"error": _("This form is closed.")}, status=409)
    return JsonResponse({"expires_in": kiosk.still_here(request)})


@login_not_required
@require_GET
def done(request):
    state = kiosk.kiosk_state(request)
    if state is None:
        return redirect("kiosk:ended")
    if not state.get("done"):
        return redirect("kiosk:home")
    remote = bool(state.get("remote"))
    return render(
        request,
        "visits/kiosk_done.html",
        {"form": None if remote else StaffReturnForm(), "remote": remote},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def staff_return(request):
    """Staff take the tablet back with their own password; the kiosk session ends."""
    state = kiosk.kiosk_state(request)
    form = StaffReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        clinic = state.get("clinic") if state else None
        if (
            user is not None
            and has_role(user, *ALL_STAFF)
            and (clinic is None or user.clinic_id == clinic)
        ):
            client_id = state.get("client") if state else None
            request.session.flush()
            login(request, user)
            if client_id:
                return redirect("visits:client", public_id=client_id)
            return redirect("visits:today")
        form.add_error(None, _("That username and password did not match a staff member here."))
    return render(request, "visits/kiosk_staff.html", {"form": form})


@login_not_required
@require_GET
def ended(request):
    if kiosk.kiosk_state(request) is not None:
        return redirect("kiosk:home")
    # A phone's session (previsit/) ended: the client opens the link again, nothing to hand back.
    return render(request, "visits/kiosk_ended.html", {"remote": request.GET.get("remote") == "1"})
