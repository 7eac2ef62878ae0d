"""The Jinja2 environment for the few templates on a hot path (docs/ARCHITECTURE.md,
"Templates"). Undefined names fail loudly, as a typo in a template must not print nothing."""

from typing import Any

from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    options["undefined"] = StrictUndefined
    options.pop("autoescape", None)
    return Environment(autoescape=True, **options)  # as Django's own templates
