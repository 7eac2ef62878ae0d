"""Read-only queries on clients. Clinic scoping lives here and nowhere else."""

import re
from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404

from clients.models import Client


def clients_visible_to(user):
    """Every client query a staff page runs starts here: the user's own clinic only."""
    if not user.is_authenticated or user.clinic_id is None:
        return Client.objects.none()
    return Client.objects.for_clinic(user.clinic_id)


def get_client_for(user, public_id) -> Client:
    """The client with this public id in the user's clinic, or 404 (never 403: no hint)."""
    return get_object_or_404(client_for(user), public_id=public_id)


# What most pages that show a client read with it: the clinic and the record's authors.
_WITH_CLIENT = ("clinic", "created_by", "updated_by")


def client_for(user):
    """The clients `user` may see, each with what most pages that show one read."""
    return clients_visible_to(user).select_related(*_WITH_CLIENT)


def clinic_clients(clinic_id):
    """A clinic's clients as client_for gives them, for a compiled query that takes the clinic's
    id (its caller has checked the user's clinic, as clients_visible_to does)."""
    return Client.objects.for_clinic(clinic_id).select_related(*_WITH_CLIENT)


def _parse_date(text: str) -> date | None:
    for pattern in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{1,2})/(\d{1,2})/(\d{4})"):
        match = re.fullmatch(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if pattern.startswith(r"(\d{4})") else (parts[2], *parts[:2])
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def search_clients(*, user, query: str = "", include_archived: bool = False):
    """Clients matching a name, a phone number (digits) or a date of birth."""
    clients = clients_visible_to(user)
    if not include_archived:
        clients = clients.active()
    query = query.strip()
    if not query:
        return clients
    as_date = _parse_date(query)
    if as_date is not None:
        return clients.filter(date_of_birth=as_date)
    condition = Q()
    for word in query.split():
        condition &= Q(legal_name__icontains=word) | Q(preferred_name__icontains=word)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 4:
        condition |= Q(phone__contains=digits)
    return clients.filter(condition)


def possible_duplicates(*, clinic_id, legal_name: str, date_of_birth, exclude_pk=None):
    """Clients of the clinic with the same name and date of birth (case-insensitive)."""
    matches = Client.objects.for_clinic(clinic_id).filter(
        legal_name__iexact=legal_name.strip(), date_of_birth=date_of_birth
    )
    if exclude_pk is not None:
        matches = matches.exclude(pk=exclude_pk)
    return matches
