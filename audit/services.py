from audit.models import AuditEvent


def client_ip(request) -> str | None:
    """The address the request came from; REMOTE_ADDR is set by gunicorn from the proxy."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_event(*, actor, clinic_id, action, target, detail="", request=None) -> AuditEvent:
    """Append one audit event for `target` (any model instance with a clinic)."""
    object_id = getattr(target, "public_id", None) or target.pk
    return AuditEvent.objects.create(
        clinic_id=clinic_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=target._meta.label,
        object_id=str(object_id),
        detail=detail[:500],
        ip_address=client_ip(request),
    )
