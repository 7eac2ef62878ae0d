"""The three staff roles, kept as Django groups so owners can manage them in the admin.

A role is a group name; what a role may do is its permissions (see the data migration that
creates the groups) plus the view-level checks in `accounts.access`.
"""

from enum import StrEnum


class Role(StrEnum):
    FRONT_DESK = "Front desk"
    THERAPIST = "Therapist"
    OWNER = "Owner"


# Permissions given to each group by the `0002_roles` migration: codename strings
# "app_label.codename". Clinical detail is a custom permission on contraindications.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.FRONT_DESK: [
        "clients.add_client",
        "clients.change_client",
        "clients.view_client",
    ],
    Role.THERAPIST: [
        "clients.add_client",
        "clients.change_client",
        "clients.view_client",
    ],
    Role.OWNER: [
        "clients.add_client",
        "clients.change_client",
        "clients.view_client",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_clinic",
        "accounts.change_clinic",
        "audit.view_auditevent",
    ],
}


def roles_of(user) -> set[Role]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {role for role in Role if role.value in names}
        user._role_cache = cached
    return cached


def with_roles(user, names):
    """`user` with its roles already known from `names` (the group names read along with it)."""
    user._role_cache = {role for role in Role if role.value in set(names or ())}
    return user


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def sync_role_groups(**kwargs) -> None:
    """Make the three role groups exist with exactly their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([known[code] for code in codes if code in known])
