"""Rule-set workflows: storing a validated version in the installation's library and putting a
version in use, for the whole installation (`load_rules`) or for one clinic (its owner)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.errors import DomainError
from accounts.models import Clinic
from audit.services import record_change, record_creation
from contraindications.engine import (
    RuleSetError,
    catalogue_checksum,
    load_catalogue,
    load_ruleset,
    ruleset_checksum,
)
from rules.models import ClinicRulePolicy, RuleReview, RuleSetActivation, RuleSetVersion
from rules.selectors import active_or_none, requires_review, unreviewed_rule_ids


class ActivationRefused(DomainError):
    """The clinic requires every rule reviewed by a clinician and this version has rules
    without a review. Carries the version and the unreviewed rules, for the page and the tests;
    its code is "rules_not_reviewed"."""

    def __init__(self, version: RuleSetVersion, unreviewed: list[str]) -> None:
        self.version, self.unreviewed = version, unreviewed
        shown = ", ".join(unreviewed[:5]) + (" …" if len(unreviewed) > 5 else "")
        super().__init__(
            f"Rule set {version.version} cannot be activated: this clinic requires every rule to "
            f"be reviewed by a clinician, and {len(unreviewed)} of its {version.rule_count} rules "
            f"have no review ({shown}).",
            "rules_not_reviewed",
        )


class ReviewError(DomainError, ValueError):
    """A clinician's review of a rule that cannot be recorded."""


@dataclass(frozen=True)
class StoredRuleSet:
    version: RuleSetVersion
    created: bool
    activated: bool


def check_activation(
    *, clinic: Clinic, version: RuleSetVersion, user: Any = None, ip: str | None = None
) -> None:
    """Refuse (ActivationRefused) a version with unreviewed rules for a clinic that requires
    reviews. The refusal is recorded in the clinic's chain before the exception is raised, so
    a caller must not wrap this in a transaction that the exception rolls back."""
    if not requires_review(clinic):
        return
    missing = unreviewed_rule_ids(version)
    if missing:
        _record_activation(
            clinic,
            version,
            user,
            ip,
            f"activation of rule set {version.version} refused: {len(missing)} rules "
            "without a clinician's review, and this clinic requires every rule reviewed",
        )
        raise ActivationRefused(version, missing)


def activate_for_clinic(
    *,
    clinic: Clinic,
    version: RuleSetVersion,
    user: Any = None,
    ip: str | None = None,
    now: Any = None,
) -> RuleSetActivation:
    """Put `version` in use for new screenings of `clinic` only; recorded in its chain.

    Raises ActivationRefused (recorded) when the clinic requires every rule reviewed and some
    rule of `version` is not. Call it outside a transaction that the refusal would roll back.
    """
    check_activation(clinic=clinic, version=version, user=user, ip=ip)
    with transaction.atomic():
        return _activate(clinic=clinic, version=version, user=user, ip=ip, now=now)


def _activate(
    *, clinic: Clinic, version: RuleSetVersion, user: Any, ip: str | None, now: Any
) -> RuleSetActivation:
    previous = active_or_none(clinic)
    activation = RuleSetActivation.objects.create(
        clinic=clinic,
        version=version,
        activated_by=user if user is not None and user.is_authenticated else None,
        activated_at=now or timezone.now(),
    )
    _record_activation(
        clinic,
        version,
        user,
        ip,
        f"rule set {version.version} activated for this clinic"
        + (f" (replacing {previous.version})" if previous and previous != version else ""),
    )
    return activation


def _record_activation(
    clinic: Clinic, version: RuleSetVersion, user: Any, ip: str | None, detail: str
) -> None:
    """An activation, or its refusal, in the clinic's chain."""
    record_change(version, by=user, clinic_id=clinic.pk, detail=detail, ip=ip)


def _record_added_to_library(target: Any, *, by: Any, detail: str) -> None:
    """Every clinic reads the library, so every clinic's chain records what is added to it."""
    for clinic_id in Clinic.objects.order_by("pk").values_list("pk", flat=True):
        record_creation(target, by=by, clinic_id=clinic_id, detail=detail)


def _put_in_use_everywhere(version: RuleSetVersion, loaded_by: Any) -> None:
    now = timezone.now()
    clinics = [(clinic, active_or_none(clinic)) for clinic in Clinic.objects.order_by("pk")]
    RuleSetActivation.objects.create(clinic=None, version=version, activated_at=now)
    for clinic, previous in clinics:
        try:
            check_activation(clinic=clinic, version=version, user=loaded_by)
        except ActivationRefused:
            # The clinic keeps the version it used (the refusal is in its chain), also when
            # that was the installation default, which has just changed.
            if previous is not None and active_or_none(clinic) != previous:
                _activate(clinic=clinic, version=previous, user=loaded_by, ip=None, now=now)
            continue
        _activate(clinic=clinic, version=version, user=loaded_by, ip=None, now=now)


def set_review_requirement(
    *, clinic: Clinic, required: bool, user: Any, ip: str | None = None
) -> ClinicRulePolicy:
    """Turn on or off the clinic's rule that only fully reviewed rule sets may be activated."""
    policy, _ = ClinicRulePolicy.objects.get_or_create(clinic=clinic)
    if policy.require_review != required:
        policy.require_review = required
        policy.save(update_fields=["require_review", "changed_at"])
        record_change(
            policy,
            by=user,
            detail=(
                "rule sets now need every rule reviewed by a clinician before activation"
                if required
                else "rule sets no longer need a clinician's review of every rule to be activated"
            ),
            ip=ip,
        )
    return policy


@transaction.atomic
def record_rule_review(
    *,
    version: RuleSetVersion,
    rule_id: str,
    reviewer: str,
    credential: str,
    reviewed_on: date,
    note: str = "",
    recorded_by: Any = None,
) -> RuleReview:
    """Append a clinician's review of one rule of `version`; recorded in every clinic's chain,
    since every clinic reads the library."""
    rule_ids = {rule["id"] for rule in version.rules.get("rules", [])}
    if rule_id not in rule_ids:
        raise ReviewError(f"rule set {version.version} has no rule {rule_id!r}", "unknown_rule")
    reviewer, credential = reviewer.strip(), credential.strip()
    if not reviewer or not credential:
        raise ReviewError("a review names the reviewer and their credential", "reviewer_missing")
    if reviewed_on > timezone.localdate():
        raise ReviewError("a review cannot be dated in the future", "review_in_future")
    review = RuleReview.objects.create(
        version=version,
        rule_id=rule_id,
        reviewer=reviewer[:200],
        credential=credential[:200],
        reviewed_on=reviewed_on,
        note=note.strip(),
    )
    _record_added_to_library(
        review,
        by=recorded_by,
        detail=(
            f"rule {rule_id} of rule set {version.version} reviewed by {review.reviewer} "
            f"({review.credential}) on {reviewed_on:%Y-%m-%d}"
        ),
    )
    return review


def import_reviews(*, version: RuleSetVersion, data: dict[str, Any]) -> int:
    """Add the reviews a rule set's fixture carries (fixtures/rules/reviews.json) that are not
    stored yet; returns how many were added. The file names the rule-set version it reviews."""
    if data.get("ruleset_version") != version.version:
        raise ReviewError(
            f"the reviews file is for rule set {data.get('ruleset_version')!r}, "
            f"not {version.version}",
            "reviews_for_other_version",
        )
    added = 0
    for entry in data.get("reviews", []):
        reviewed_on = date.fromisoformat(entry["reviewed_on"])
        if RuleReview.objects.filter(
            version=version,
            rule_id=entry["rule_id"],
            reviewer=entry["reviewer"],
            reviewed_on=reviewed_on,
        ).exists():
            continue
        record_rule_review(
            version=version,
            rule_id=entry["rule_id"],
            reviewer=entry["reviewer"],
            credential=entry["credential"],
            reviewed_on=reviewed_on,
            note=entry.get("note", ""),
        )
        added += 1
    return added


@transaction.atomic
def store_ruleset(
    *,
    rules_data: dict[str, Any],
    catalogue_data: dict[str, Any],
    source_name: str = "",
    loaded_by: Any = None,
    activate: bool = True,
    reviews_data: dict[str, Any] | None = None,
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
        catalogue_checksum=catalogue_checksum(catalogue_data),
        rule_count=len(ruleset.rules),
        source_name=source_name[:200],
        loaded_by=loaded_by,
    )
    if created:
        _record_added_to_library(
            version,
            by=loaded_by,
            detail=f"rule set {version.version} loaded into the installation's library",
        )
    if reviews_data is not None:
        # Before activation: a clinic that requires reviews counts the ones the file carries.
        import_reviews(version=version, data=reviews_data)
    activated = False
    # A version already stored is activated again only when nothing is in use: `load_rules` runs
    # on every container start and must not undo an owner's choice of another version.
    if activate and (created or active_or_none() is None):
        _put_in_use_everywhere(version, loaded_by)
        activated = True
    return StoredRuleSet(version=version, created=created, activated=activated)
