"""Session notes: a therapist of the clinic signs a SOAP note and adds addenda; owners read
them; the front desk never sees them. Every page that shows a note is an audited read; the
services audit every note and addendum signed."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import CLINICAL_STAFF, role_required
from accounts.roles import Role, has_role
from audit.reads import audited_read
from review.forms import AddendumForm, SessionNoteForm
from review.notes import add_addendum, sign_note
from review.pages import screening_page, submit
from review.presenters import note_view, review_view
from review.selectors import get_note_for, latest_plan


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("form_token", ""))
    except ValueError:
        return None


def _double_tap(submitted) -> bool:
    """The same form sent twice (its token already signed): answered with its own page."""
    return submitted.refusal is not None and submitted.refusal.code == "already_signed"


def _already(request, message, **context):
    """The 409 page for a double tap: `note` (an addendum) or `screening` (a note) to go back to."""
    return render(
        request, "review/note_already_signed.html", {"message": message, **context}, status=409
    )


def _note_page(request, note, form, *, status=200):
    """The note with its addenda, and the addendum form (`form`, None for an owner)."""
    return render(
        request,
        "review/note_detail.html",
        {
            "note": note,
            "view": note_view(note),
            "client": note.client,
            "screening": note.screening,
            "form": form,
            "form_token": request.POST.get("form_token") or uuid.uuid4(),
        },
        status=status,
    )


def _note_read(request, public_id):
    note = get_note_for(request.user, public_id)
    return note.client, f"session note {note.public_id}"


@role_required(Role.THERAPIST)
@require_http_methods(["GET", "POST"])
@screening_page("session note form")
def note_new(request, screening):
    plan = latest_plan(screening)
    if request.method == "POST":
        form = SessionNoteForm(request.POST)
        signed = submit(
            request,
            form,
            sign_note,
            screening=screening,
            signed_by=request.user,
            form_token=_token(request),
        )
        if _double_tap(signed):
            return _already(request, str(signed.refusal), screening=screening)
        if signed.done:
            messages.success(request, "The session note was signed.")
            return redirect("review:note", public_id=signed.result.public_id)
    else:
        initial = {"pressure": 3, "regions": []}
        if plan:
            initial = {"pressure": plan.pressure, "regions": plan.regions}
        form = SessionNoteForm(initial=initial)
    regions = form["regions"].value() or ()
    return render(
        request,
        "review/note_form.html",
        {
            "screening": screening,
            "client": screening.client,
            "review": review_view(screening, planned_regions=regions),
            "plan": plan,
            "form": form,
            "form_token": request.POST.get("form_token") or uuid.uuid4(),
        },
    )


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET"])
@audited_read("session note", target=_note_read)
def note_detail(request, public_id):
    note = get_note_for(request.user, public_id)
    form = AddendumForm() if has_role(request.user, Role.THERAPIST) else None
    return _note_page(request, note, form)


@role_required(Role.THERAPIST)
@require_POST
def note_addendum(request, public_id):
    note = get_note_for(request.user, public_id)
    form = AddendumForm(request.POST)
    added = submit(
        request, form, add_addendum, note=note, author=request.user, form_token=_token(request)
    )
    if _double_tap(added):
        return _already(request, str(added.refusal), note=note)
    if added.done:
        messages.success(request, "The addendum was added.")
        return redirect("review:note", public_id=note.public_id)
    return _note_page(request, note, form, status=400)
