"""Therapist review pages. Clinical detail is for therapists and owners only; every read of it
and every PDF export is written to the audit trail."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import CLINICAL_STAFF, role_required
from audit.models import AuditEvent
from config.client_ip import client_ip
from config.jsonbody import BadJSONBody, parse_json_body
from review import letter_views, pdf
from review.forms import ClearanceForm, PlanForm, ReferralForm
from review.letters import LetterRefused
from review.pages import screening_page, submit
from review.presenters import intake_answers, note_view, plan_lines, review_view, today_rows
from review.selectors import (
    clearance_covers,
    latest_plan,
    screening_notes,
    screening_records,
)
from review.services import (
    ReviewError,
    check_plan_for,
    describe_check,
    parse_plan,
    record_clearance,
    record_referral_decision,
    save_plan,
)

DEFAULT_PLAN = {"modalities": ["swedish"], "pressure": 3, "duration_minutes": 60}


@role_required(*CLINICAL_STAFF)
@require_GET
def today(request):
    return render(request, "review/today.html", {"rows": today_rows(request.user)})


@role_required(*CLINICAL_STAFF)
@require_GET
@screening_page("clinical detail")
def screening_detail(request, screening):
    records = screening_records(screening)
    plan, referral, clearances = records.plan, records.referral, records.clearances
    review = review_view(screening, planned_regions=plan.regions if plan else ())
    cleared = frozenset(rid for c in clearances for rid in c.rule_ids)
    notes, last = screening_notes(screening)
    return render(
        request,
        "review/screening_detail.html",
        {
            "review": review,
            "screening": screening,
            "client": screening.client,
            "plan": plan,
            "plan_lines": plan_lines(plan) if plan else [],
            "referral": referral,
            "clearances": clearances,
            "superseded": clearance_covers(screening.outcome, cleared),
            "letter_rule_ids": pdf.letter_rule_ids(
                screening=screening, referral=referral, cleared=cleared
            ),
            "history": records.history,
            "last_note": note_view(last) if last else None,
            "notes": [note_view(n) for n in notes],
            "intake_answers": intake_answers(screening),
        },
    )


def _plan_context(screening, form, check=None):
    plan = None
    regions = form["regions"].value() or ()
    return {
        "screening": screening,
        "client": screening.client,
        "review": review_view(screening, planned_regions=regions),
        "form": form,
        "check": check,
        "plan": plan,
    }


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET", "POST"])
@screening_page("plan editor", methods=("GET", "POST"))
def plan_edit(request, screening):
    check = None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            plan = parse_plan(form.plan_data())
            result = check_plan_for(screening=screening, plan=plan)
            if "use_nearest" in request.POST and result.nearest_plan is not None:
                # The one-tap fix without JavaScript: show the form again with the nearest plan.
                form = PlanForm(initial=PlanForm.initial_from(result.nearest_plan.to_dict()))
                check = describe_check(
                    screening=screening,
                    check=check_plan_for(screening=screening, plan=result.nearest_plan),
                )
                return render(
                    request,
                    "review/plan_form.html",
                    _plan_context(screening, form, check),
                )
            try:
                save_plan(
                    screening=screening,
                    plan=plan,
                    created_by=request.user,
                    override_reason=form.cleaned_data["override_reason"],
                    ip=client_ip(request),
                )
            except ReviewError as error:
                form.add_error(error.field, str(error))
                check = describe_check(screening=screening, check=result)
            else:
                messages.success(request, "The plan was saved.")
                return redirect("review:screening", public_id=screening.public_id)
    else:
        previous = latest_plan(screening)
        initial = previous.to_engine_dict() if previous else DEFAULT_PLAN
        form = PlanForm(initial=PlanForm.initial_from(initial))
        check = describe_check(
            screening=screening, check=check_plan_for(screening=screening, plan=parse_plan(initial))
        )
    return render(request, "review/plan_form.html", _plan_context(screening, form, check))


@role_required(*CLINICAL_STAFF)
@require_POST
@screening_page("plan check", methods=("POST",))
def plan_check(request, screening):
    """JSON in (a plan), JSON out (violations with their rules, and the nearest compliant plan)."""
    try:
        data = parse_json_body(request.body or b"{}")
        if not isinstance(data, dict):
            raise ReviewError("A plan must be a JSON object.", "invalid_plan")
        plan = parse_plan(data)
    except BadJSONBody as error:
        return JsonResponse({"error": {"code": error.code, "message": str(error)}}, status=400)
    except ReviewError as error:
        return JsonResponse({"error": {"code": error.code, "message": str(error)}}, status=400)
    check = check_plan_for(screening=screening, plan=plan)
    return JsonResponse(describe_check(screening=screening, check=check))


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET", "POST"])
@screening_page("referral decision form")
def referral(request, screening):
    review = review_view(screening)
    client = screening.client
    initial = {
        "referred_to": ", ".join(filter(None, [client.physician_name, client.physician_practice])),
        "urgency": "emergency" if review.has_urgent else "within_week",
        "method": "letter",
    }
    form = ReferralForm(request.POST or None, findings=review.actionable_findings, initial=initial)
    if submit(
        request, form, record_referral_decision, screening=screening, decided_by=request.user
    ).done:
        messages.success(request, "The decision was recorded.")
        return redirect("review:screening", public_id=screening.public_id)
    return render(
        request,
        "review/referral_form.html",
        {"screening": screening, "client": client, "review": review, "form": form},
    )


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET", "POST"])
@screening_page("clearance form")
def clearance(request, screening):
    review = review_view(screening)
    form = ClearanceForm(
        request.POST or None,
        findings=review.clearable_findings,
        initial={"physician_name": screening.client.physician_name},
    )
    cleared = submit(request, form, record_clearance, screening=screening, recorded_by=request.user)
    if cleared.done:
        messages.success(
            request, "The clearance was recorded and the intake was screened again with it."
        )
        return redirect("review:screening", public_id=cleared.result.screening.public_id)
    return render(
        request,
        "review/clearance_form.html",
        {"screening": screening, "client": screening.client, "review": review, "form": form},
    )


def _pdf_response(document):
    response = HttpResponse(document.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _paper(request, default):
    paper = request.GET.get("paper", default)
    return paper if paper in pdf.PAPER_SIZES else default


@role_required(*CLINICAL_STAFF)
@require_GET
@screening_page("session summary PDF", action=AuditEvent.Action.EXPORT, for_pdf=True)
def summary_pdf(request, screening):
    document = pdf.summary_pdf(screening=screening, paper=_paper(request, "a4"))
    return _pdf_response(document)


@role_required(*CLINICAL_STAFF)
@require_GET
@screening_page("referral letter PDF", action=AuditEvent.Action.EXPORT, for_pdf=True)
def letter_pdf(request, screening):
    try:
        document = pdf.referral_letter_pdf(
            screening=screening, signer=request.user, paper=_paper(request, "letter")
        )
    except LetterRefused as error:
        return letter_views.refused(request, screening, error)
    return _pdf_response(document)
