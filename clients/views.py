"""Client pages. Searches are POSTed and kept in the session: names never go into URLs or logs."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import ALL_STAFF, role_required
from clients.forms import ClientForm, ClientSearchForm
from clients.selectors import get_client_for, search_clients
from clients.services import (
    ClientEditConflict,
    archive_client,
    create_client,
    restore_client,
    update_client,
)
from config.client_ip import client_ip

PAGE_SIZE = 25
SEARCH_SESSION_KEY = "client_search"


@role_required(*ALL_STAFF)
@require_http_methods(["GET", "POST"])
def client_list(request):
    if request.method == "POST":
        if "clear" in request.POST:
            request.session.pop(SEARCH_SESSION_KEY, None)
            return redirect("clients:list")
        form = ClientSearchForm(request.POST)
        if form.is_valid():
            request.session[SEARCH_SESSION_KEY] = form.cleaned_data
            return redirect("clients:list")
    else:
        form = ClientSearchForm(initial=request.session.get(SEARCH_SESSION_KEY, {}))
    search = request.session.get(SEARCH_SESSION_KEY, {})
    clients = search_clients(
        user=request.user,
        query=search.get("q", ""),
        include_archived=search.get("include_archived", False),
    )
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/client_list.html",
        {"form": form, "page": page, "searching": bool(search.get("q"))},
    )


@role_required(*ALL_STAFF)
@require_http_methods(["GET", "POST"])
def client_create(request):
    form = ClientForm(request.POST or None, clinic_id=request.user.clinic_id)
    if request.method == "POST" and form.is_valid():
        client = create_client(
            clinic_id=request.user.clinic_id,
            created_by=request.user,
            ip=client_ip(request),
            **form.model_fields(),
        )
        messages.success(request, f"{client.display_name} was added.")
        return redirect("visits:client", public_id=client.public_id)
    return render(
        request, "clients/client_form.html", {"form": form, "creating": True}, status=_status(form)
    )


@role_required(*ALL_STAFF)
@require_http_methods(["GET", "POST"])
def client_edit(request, public_id):
    client = get_client_for(request.user, public_id)
    form = ClientForm(request.POST or None, instance=client, clinic_id=request.user.clinic_id)
    if request.method == "POST" and form.is_valid():
        try:
            update_client(
                client=client,
                expected_version=form.cleaned_data["version"],
                updated_by=request.user,
                ip=client_ip(request),
                **form.model_fields(),
            )
        except ClientEditConflict as conflict:
            return _edit_conflict(request, conflict.current)
        messages.success(request, "Changes saved.")
        return redirect("visits:client", public_id=client.public_id)
    return render(
        request, "clients/client_form.html", {"form": form, "client": client}, status=_status(form)
    )


def _status(form) -> int:
    # A refused form (a value too long, a missing name, a possible duplicate) is a 422, so
    # scripts and tests can tell it from a page shown to be filled in.
    return 422 if form.is_bound and form.errors else 200


def _edit_conflict(request, current):
    """Show what the other person saved and keep this editor's input in the form.

    The form now carries the current version: saving it again is a deliberate choice to
    replace their values with these.
    """
    fields = ClientForm.Meta.fields
    saved = {name: getattr(current, name) for name in fields}  # before the form writes onto it
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = ClientForm(data, instance=current, clinic_id=request.user.clinic_id)
    form.is_valid()  # shows the editor's own values, and any field errors, again
    yours = {name: form.cleaned_data.get(name, data.get(name, "")) for name in fields}
    choices = {"preferred_language": dict(current._meta.get_field("preferred_language").choices)}
    their_changes = [
        {
            "label": form.fields[name].label,
            "theirs": choices.get(name, {}).get(saved[name], saved[name]),
            "yours": choices.get(name, {}).get(yours[name], yours[name]),
        }
        for name in fields
        if yours[name] != saved[name]
    ]
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": current, "conflict": True, "their_changes": their_changes},
        status=409,
    )


@role_required(*ALL_STAFF)
@require_POST
def client_archive(request, public_id):
    client = get_client_for(request.user, public_id)
    if "restore" in request.POST:
        restore_client(client=client, restored_by=request.user, ip=client_ip(request))
        messages.success(request, f"{client.display_name} is active again.")
    else:
        archive_client(client=client, archived_by=request.user, ip=client_ip(request))
        messages.success(request, f"{client.display_name} was archived.")
    return redirect("visits:client", public_id=client.public_id)
