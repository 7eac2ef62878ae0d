"""Rule sets in the database: storing a validated version, finding the one in use, and
compiling each version once per process (versions never change, so the cache never goes stale).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from contraindications.engine import (
    Catalogue,
    RuleSet,
    RuleSetError,
    load_catalogue,
    load_ruleset,
    ruleset_checksum,
)
from contraindications.models import RuleSetVersion

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


@dataclass(frozen=True)
class StoredRuleSet:
    version: RuleSetVersion
    created: bool
    activated: bool


@transaction.atomic
def store_ruleset(
    *, rules_data, catalogue_data, source_name="", loaded_by=None, activate=True
) -> StoredRuleSet:
    """Validate a rule set against its catalogue and keep it; when new, make it the one in use.

    Raises RuleSetError / CatalogueError naming what is wrong. Loading the same content twice
    is a no-op; reusing a version number for different content is refused, because a decision
    must always be traceable to exactly one set of rules.
    """
    catalogue = load_catalogue(catalogue_data)
    ruleset = load_ruleset(rules_data, catalogue)
    checksum = ruleset_checksum(rules_data)
    existing = RuleSetVersion.objects.filter(version=ruleset.version).first()
    if existing is not None and existing.checksum != checksum:
        raise RuleSetError(
            f"rule set version {ruleset.version} is already loaded with different content; "
            "give the changed rule set a new version",
            "version_reused",
        )
    created = existing is None
    version = existing or RuleSetVersion.objects.create(
        version=ruleset.version,
        checksum=checksum,
        catalogue_version=catalogue.version,
        rules=rules_data,
        catalogue=catalogue_data,
        rule_count=len(ruleset.rules),
        source_name=source_name[:200],
        loaded_by=loaded_by,
    )
    activated = False
    # A version already stored is activated again only when nothing is in use: `load_rules` runs
    # on every container start and must not undo an owner's choice of another version.
    if activate and (created or active_or_none() is None):
        version.activated_at = timezone.now()
        version.save(update_fields=["activated_at"])
        activated = True
    return StoredRuleSet(version=version, created=created, activated=activated)


def active_or_none() -> RuleSetVersion | None:
    try:
        return active_version()
    except NoActiveRuleSet:
        return None
