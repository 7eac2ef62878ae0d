"""What the review pages (views, letter_views, note_views) share: a page about one screening as
an audited read, and a posted form handed to the service that does its work."""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from accounts.errors import DomainError
from audit.reads import audited_read
from config.client_ip import client_ip
from review.selectors import get_screening_for
from review.services import ReviewError


def _screening_read_of(screening):
    return screening.client, f"screening {screening.public_id}"


def screening_page(what, *, for_pdf=False, **audit):
    """A page (or a PDF) about one screening, recorded as a read of it (`what`, and `audit` for
    audited_read): the view is called with the screening of the user's clinic (a 404 for any
    other), loaded once for the page and its audit event."""

    def decorator(view):
        @audited_read(what, **audit)
        @wraps(view)
        def wrapper(request, public_id):
            screening = get_screening_for(request.user, public_id, for_pdf=for_pdf)
            request.audited_target = _screening_read_of(screening)
            return view(request, screening)

        return wrapper

    return decorator


@dataclass(frozen=True)
class Submitted:
    """What became of a form: `done`, with what the service returned as `result`; or not (not
    posted, not valid, or the service refused: then `refusal`, already on the form)."""

    done: bool
    result: Any = None
    refusal: DomainError | None = None


def submit(request, form, service, *, refusal=ReviewError, **arguments) -> Submitted:
    """A valid POSTed form goes to `service` with `arguments`, the client's IP and the form's
    cleaned data. A `refusal` the service raises is put on the form's field (None: the whole
    form), so the page shows it; a view that answers some refusals with a page of their own
    looks at `Submitted.refusal`."""
    if request.method != "POST" or not form.is_valid():
        return Submitted(done=False)
    try:
        result = service(**arguments, ip=client_ip(request), **form.cleaned_data)
    except refusal as error:
        form.add_error(error.field, str(error))
        return Submitted(done=False, refusal=error)
    return Submitted(done=True, result=result)
