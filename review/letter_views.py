"""Letters: email a referral letter to the physician, the clinic's letterhead (owners) and the
signer's own name and credentials. Refusals (review/letters.py) are a 409 page that says what
to fill in, never an empty letter."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.access import CLINICAL_STAFF, role_required
from accounts.roles import Role
from config.client_ip import client_ip
from review.forms import CredentialsForm, LetterEmailForm, LetterheadForm
from review.letters import (
    LetterRefused,
    addressee,
    check_letter,
    email_letter,
    update_credentials,
    update_letterhead,
)
from review.pages import screening_page, submit


def refused(request, screening, error):
    """The page for a letter that cannot be made yet: why, and where to fix it."""
    return render(
        request,
        "review/letter_not_needed.html",
        {
            "screening": screening,
            "client": screening.client,
            "message": str(error),
            "code": error.code,
        },
        status=409,
    )


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET", "POST"])
@screening_page("referral letter email form")
def letter_email(request, screening):
    try:
        check_letter(screening=screening, signer=request.user)
    except LetterRefused as error:
        return refused(request, screening, error)
    to = addressee(screening)
    form = LetterEmailForm(request.POST or None, initial={"to": to.email, "paper": "letter"})
    sent = submit(
        request, form, email_letter, refusal=LetterRefused, screening=screening, sender=request.user
    )
    if sent.refusal is not None and sent.refusal.field is None:
        return refused(request, screening, sent.refusal)
    if sent.done:
        messages.success(
            request, f"The referral letter is on its way to {form.cleaned_data['to']}."
        )
        return redirect("review:screening", public_id=screening.public_id)
    return render(
        request,
        "review/letter_email.html",
        {"screening": screening, "client": screening.client, "to": to, "form": form},
    )


@role_required(Role.OWNER)
@require_http_methods(["GET", "POST"])
def letterhead(request):
    clinic = request.user.clinic
    form = LetterheadForm(
        request.POST or None,
        initial={"address": clinic.address, "phone": clinic.phone, "email": clinic.email},
    )
    if submit(
        request,
        form,
        update_letterhead,
        refusal=LetterRefused,
        clinic=clinic,
        changed_by=request.user,
    ).done:
        messages.success(request, "The clinic details were saved.")
        return redirect("review:letterhead")
    return render(request, "review/letterhead_form.html", {"clinic": clinic, "form": form})


@role_required(*CLINICAL_STAFF)
@require_http_methods(["GET", "POST"])
def credentials(request):
    user = request.user
    form = CredentialsForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "credentials": user.credentials,
        },
    )
    if request.method == "POST" and form.is_valid():
        update_credentials(user=user, ip=client_ip(request), **form.cleaned_data)
        messages.success(request, "Your name and credentials were saved.")
        return redirect("review:credentials")
    return render(request, "review/credentials_form.html", {"form": form})
