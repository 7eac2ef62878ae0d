"""Rule sets in the database: finding the one a clinic uses and compiling each version once per
process (versions never change, so the cache never goes stale)."""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, Q

from accounts.errors import DomainError
from contraindications.engine import (
    Catalogue,
    RuleSet,
    catalogue_checksum,
    load_catalogue,
    load_ruleset,
)
from rules.models import ClinicRulePolicy, RuleReview, RuleSetActivation, RuleSetVersion

_COMPILED: dict[str, tuple[Catalogue, RuleSet]] = {}


class NoActiveRuleSet(DomainError):
    """No rule set to screen with: nothing is screened, and staff see "screening pending"."""

    def __init__(self):
        super().__init__(
            "No rule set is loaded yet: run `python manage.py load_rules`.", "no_active_ruleset"
        )


class RuleSetTampered(NoActiveRuleSet):
    """A stored version's rules no longer match the checksum they were loaded with."""

    def __init__(self, version: str):
        DomainError.__init__(
            self,
            f"Rule set {version} in the database does not match its checksums: its rules or "
            "questions were changed after loading. Nothing is asked or screened with it; "
            "restore it from a backup.",
            "ruleset_tampered",
        )


def compiled(version: RuleSetVersion) -> tuple[Catalogue, RuleSet]:
    """The catalogue and compiled rules of a stored version, built once per process."""
    entry = _COMPILED.get(version.checksum)
    if entry is None:
        catalogue = load_catalogue(version.catalogue)
        entry = (catalogue, load_ruleset(version.rules, catalogue))
        if (
            entry[1].checksum != version.checksum
            or catalogue_checksum(version.catalogue) != version.catalogue_checksum
        ):
            # Rules or questions changed in the database after loading (the table refuses
            # UPDATE, but its owner can switch that off): never ask or screen with what nobody
            # loaded.
            raise RuleSetTampered(version.version)
        _COMPILED[version.checksum] = entry
    return entry


def compiled_if_loaded(checksum: str) -> tuple[Catalogue, RuleSet] | None:
    """The compiled version with this checksum if this process has built it already."""
    return _COMPILED.get(checksum)


def compiled_catalogues() -> list[Catalogue]:
    """The catalogues this process has compiled so far."""
    return [catalogue for catalogue, _rules in _COMPILED.values()]


def compile_rule_sets_in_use() -> int:
    """Compile now every version a clinic screens with (each clinic's latest activation and the
    installation default's), so that no request pays for it; returns how many. Run by each
    gunicorn worker before its first request (gunicorn.conf.py)."""
    in_use = (
        RuleSetActivation.objects.order_by("clinic_id", "-activated_at", "-id")
        .distinct("clinic_id")
        .values("version_id")
    )
    versions = RuleSetVersion.objects.filter(pk__in=in_use)
    for version in versions:
        compiled(version)
    return len(versions)


def _clinic_id(clinic):
    return getattr(clinic, "pk", clinic)


def latest_activation(clinic=None) -> RuleSetActivation | None:
    """The clinic's latest activation, else the installation default (clinic None: the default)."""
    # The rules and catalogue (about 90 KB of JSON) are left in the database: a process
    # compiles each version once (`compiled`), so a screening needs only the checksum.
    activations = (
        RuleSetActivation.objects.select_related("version")
        .defer("version__rules", "version__catalogue")
        .order_by("-activated_at", "-id")
    )
    clinic_id = _clinic_id(clinic)
    if clinic_id is None:
        return activations.filter(clinic__isnull=True).first()
    # One query: the clinic's own activations sort before the installation default's.
    return (
        activations.filter(Q(clinic_id=clinic_id) | Q(clinic__isnull=True))
        .order_by(F("clinic_id").asc(nulls_last=True), "-activated_at", "-id")
        .first()
    )


def active_version(clinic=None) -> RuleSetVersion:
    """The rule set `clinic` (a Clinic or its id) screens with; without one, the installation
    default (the newest version `load_rules` put in use)."""
    activation = latest_activation(clinic)
    if activation is None:
        raise NoActiveRuleSet
    return activation.version


def version_read_along(version_id: int | None, checksum: str | None) -> RuleSetVersion | None:
    """The rule set in use as a caller read it within its own query
    (`rules.catalogues.active_version_id_subquery` and `active_checksum_subquery`), so that a
    screening needs no query of its own to find it: None when none is in use, or when this
    process has not compiled it yet (the caller then reads it with `active_version`). Only
    the id and checksum are loaded; any other field is read on first use, like a deferred one."""
    if version_id is None or checksum is None or compiled_if_loaded(checksum) is None:
        return None
    return RuleSetVersion.from_db(DEFAULT_DB_ALIAS, ["id", "checksum"], [version_id, checksum])


def active_or_none(clinic=None) -> RuleSetVersion | None:
    try:
        return active_version(clinic)
    except NoActiveRuleSet:
        return None


# --- Clinical review ----------------------------------------------------------------------------


def reviews_by_rule(version: RuleSetVersion) -> dict[str, list[RuleReview]]:
    """Every clinician's review of `version`'s rules, by rule id (one query)."""
    by_rule: dict[str, list[RuleReview]] = {}
    for review in RuleReview.objects.filter(version=version).order_by("reviewed_on", "id"):
        by_rule.setdefault(review.rule_id, []).append(review)
    return by_rule


def unreviewed_rule_ids(version: RuleSetVersion) -> list[str]:
    """The rules of `version` no clinician has reviewed, in rule-set order."""
    reviewed = set(
        RuleReview.objects.filter(version=version).values_list("rule_id", flat=True).distinct()
    )
    return [r["id"] for r in version.rules.get("rules", []) if r["id"] not in reviewed]


def requires_review(clinic) -> bool:
    """Whether `clinic` only activates rule sets whose every rule has a clinician's review."""
    return ClinicRulePolicy.objects.filter(
        clinic_id=_clinic_id(clinic), require_review=True
    ).exists()
