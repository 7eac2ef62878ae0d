"""The one place a read of clinical detail becomes an audit event.

Views say what they show with `@audited_read(...)`; views whose target is known only inside the
view (exports of a filtered list) call `record_read`; the admin uses `AuditedReadAdmin`. Writes
keep their events inside the services. Only a rendered page counts as a read: a redirect, a
refusal or a 404 records nothing.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import admin

from accounts.models import Clinic
from audit.models import AuditEvent
from audit.services import record_event
from config.client_ip import client_ip


@dataclass(frozen=True)
class Actor:
    """Who did something and from where: what a service needs of a request, and no more."""

    user: object
    ip: str | None

    @classmethod
    def of(cls, request) -> "Actor":
        return cls(request.user, client_ip(request))


def record_read(request, *, target, what, note="", action=AuditEvent.Action.VIEW, clinic_id=None):
    """Record that the request's user read (or exported) `target`."""
    return record_event(
        actor=request.user,
        clinic_id=clinic_id if clinic_id is not None else _clinic_id(target),
        action=action,
        target=target,
        detail=f"{what} ({note})" if note else what,
        ip=client_ip(request),
    )


def _clinic_id(target):
    return target.pk if isinstance(target, Clinic) else target.clinic_id


def audited_read(what, *, target=None, action=AuditEvent.Action.VIEW, methods=("GET",)):
    """Record a read after the view has rendered it (status 200).

    `target(request, **view_kwargs)` returns the record read, or `(record, note)`; it runs only
    after the view succeeded, so it may use the same clinic-scoped selector the view used. A
    view that has already loaded the record through that selector leaves the same value on
    `request.audited_target` instead (and passes no `target`), which saves the second query.
    A rendered page with neither is an error, never a read left unrecorded.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method in methods and response.status_code == 200:
                found = getattr(request, "audited_target", None)
                if found is None:
                    if target is None:
                        raise RuntimeError(f"{view.__name__} rendered without its audit target")
                    found = target(request, *args, **kwargs)
                record, note = found if isinstance(found, tuple) else (found, "")
                record_read(request, target=record, what=what, note=note, action=action)
            return response

        return wrapper

    return decorator


class AuditedReadAdmin(admin.ModelAdmin):
    """Admin mixin: the change list and every change view of a clinical model are reads."""

    audit_what = "admin"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200 and request.user.clinic_id:
            record_read(
                request,
                target=request.user.clinic,
                what=f"{self.audit_what} list (admin)",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                record_read(request, target=obj, what=f"{self.audit_what} (admin)")
        return response
