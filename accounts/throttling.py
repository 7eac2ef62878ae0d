"""The username django-axes records for a login attempt (AXES_USERNAME_CALLABLE)."""

# Usernames are at most 150 characters (Django's limit); whatever else is typed into the login
# form is cut there before the throttling records it, so no input can overflow its table.
USERNAME_MAX_LENGTH = 150


def login_username(request, credentials=None) -> str:
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "")[:USERNAME_MAX_LENGTH]
