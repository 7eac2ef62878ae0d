"""Rule-set workflows: storing a validated version in the installation's library and putting a
version in use, for the whole installation (`load_rules`) or for one clinic (its owner)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic
from audit.models import AuditEvent
from audit.services import record_event
from contraindications.engine import RuleSetError, load_catalogue, load_ruleset, ruleset_checksum
from rules.models import RuleSetActivation, RuleSetVersion
from rules.selectors import active_or_none


@dataclass(frozen=True)
class StoredRuleSet:
    version: RuleSetVersion
    created: bool
    activated: bool


def activate_for_clinic(*, clinic, version, user=None, ip: str | None = None, now=None):
    """Put `version` in use for new screenings of `clinic` only; recorded in its chain."""
    previous = active_or_none(clinic)
    activation = RuleSetActivation.objects.create(
        clinic=clinic,
        version=version,
        activated_by=user if user is not None and user.is_authenticated else None,
        activated_at=now or timezone.now(),
    )
    record_event(
        actor=user,
        clinic_id=clinic.pk,
        action=AuditEvent.Action.UPDATE,
        target=version,
        detail=(
            f"rule set {version.version} activated for this clinic"
            + (f" (replacing {previous.version})" if previous and previous != version else "")
        ),
        ip=ip,
    )
    return activation


def _put_in_use_everywhere(version, loaded_by):
    now = timezone.now()
    RuleSetActivation.objects.create(clinic=None, version=version, activated_at=now)
    for clinic in Clinic.objects.order_by("pk"):
        activate_for_clinic(clinic=clinic, version=version, user=loaded_by, now=now)


@transaction.atomic
def store_ruleset(
    *, rules_data, catalogue_data, source_name="", loaded_by=None, activate=True
) -> StoredRuleSet:
    """Validate a rule set against its catalogue and keep it in the installation's library; when
    new, make it the installation default and put it in use in every clinic.

    Only the command line (`load_rules`) calls this: a clinic's owner cannot add to the library,
    which every clinic reads. Raises RuleSetError / CatalogueError naming what is wrong. Loading
    the same content twice is a no-op; reusing a version number for different content is
    refused, because a decision must always be traceable to exactly one set of rules.
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
    if created:
        # Every clinic reads the library, so every clinic's chain records the load.
        for clinic_id in Clinic.objects.order_by("pk").values_list("pk", flat=True):
            record_event(
                actor=loaded_by,
                clinic_id=clinic_id,
                action=AuditEvent.Action.CREATE,
                target=version,
                detail=f"rule set {version.version} loaded into the installation's library",
            )
    activated = False
    # A version already stored is activated again only when nothing is in use: `load_rules` runs
    # on every container start and must not undo an owner's choice of another version.
    if activate and (created or active_or_none() is None):
        _put_in_use_everywhere(version, loaded_by)
        activated = True
    return StoredRuleSet(version=version, created=created, activated=activated)
