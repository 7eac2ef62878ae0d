"""Rule sets in the database: finding the one in use and compiling each version once per
process (versions never change, so the cache never goes stale)."""

from contraindications.engine import (
    Catalogue,
    RuleSet,
    load_catalogue,
    load_ruleset,
)
from rules.models import RuleSetVersion

_COMPILED: dict[str, tuple[Catalogue, RuleSet]] = {}


class NoActiveRuleSet(Exception):
    code = "no_active_ruleset"

    def __init__(self):
        super().__init__("No rule set is loaded yet: run `python manage.py load_rules`.")


def compiled(version: RuleSetVersion) -> tuple[Catalogue, RuleSet]:
    """The catalogue and compiled rules of a stored version, built once per process."""
    entry = _COMPILED.get(version.checksum)
    if entry is None:
        catalogue = load_catalogue(version.catalogue)
        entry = (catalogue, load_ruleset(version.rules, catalogue))
        _COMPILED[version.checksum] = entry
    return entry


def compiled_if_loaded(checksum: str) -> tuple[Catalogue, RuleSet] | None:
    """The compiled version with this checksum if this process has built it already."""
    return _COMPILED.get(checksum)


def active_version() -> RuleSetVersion:
    version = (
        RuleSetVersion.objects.filter(activated_at__isnull=False).order_by("-activated_at").first()
    )
    if version is None:
        raise NoActiveRuleSet
    return version


def active_or_none() -> RuleSetVersion | None:
    try:
        return active_version()
    except NoActiveRuleSet:
        return None
