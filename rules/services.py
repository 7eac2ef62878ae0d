"""Rule-set workflows: storing a validated version and putting it in use."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from contraindications.engine import RuleSetError, load_catalogue, load_ruleset, ruleset_checksum
from rules.models import RuleSetVersion
from rules.selectors import active_or_none


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
