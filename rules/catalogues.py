"""Which question catalogue an intake is asked and read with.

A new intake uses the catalogue of the rule set its clinic uses, so the questions asked are
exactly the ones the rules read; before any rule set is loaded, the catalogue shipped in fixtures/.
An intake keeps the catalogue version it was started with.
"""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from contraindications.engine import Catalogue, load_default_catalogue
from rules.models import RuleSetActivation, RuleSetVersion
from rules.selectors import active_or_none, compiled, compiled_if_loaded


class UnknownCatalogue(Exception):
    code = "unknown_catalogue"


def _latest(activations, field: str):
    return Subquery(activations.order_by("-activated_at", "-id").values(field)[:1])


def _in_use(field: str, clinic_ref: str) -> Coalesce:
    return Coalesce(
        _latest(RuleSetActivation.objects.filter(clinic_id=OuterRef(clinic_ref)), field),
        _latest(RuleSetActivation.objects.filter(clinic__isnull=True), field),
    )


def active_checksum_subquery(clinic_ref: str = "clinic_id") -> Coalesce:
    """The checksum of the rule set the row's clinic (`clinic_ref`) uses: its own latest
    activation, else the installation default (NULL before any is loaded), read in the same
    query as the intake: the kiosk then needs no query of its own to find the catalogue."""
    return _in_use("version__checksum", clinic_ref)


def active_version_id_subquery(clinic_ref: str = "clinic_id") -> Coalesce:
    """The id of that same rule set (`rules.selectors.version_read_along` takes both)."""
    return _in_use("version_id", clinic_ref)


def current_catalogue(clinic=None) -> Catalogue:
    """The catalogue of the rule set `clinic` uses (without one, the installation default's)."""
    version = active_or_none(clinic)
    if version is not None:
        return compiled(version)[0]
    return load_default_catalogue()


_NOT_READ = object()


def _current(active_checksum, clinic) -> Catalogue:
    if active_checksum is _NOT_READ:
        return current_catalogue(clinic)
    if active_checksum is None:
        return load_default_catalogue()
    entry = compiled_if_loaded(active_checksum)
    # Not built in this process yet: read and compile it (once).
    return entry[0] if entry is not None else current_catalogue(clinic)


def catalogue_for(catalogue_version: str, *, clinic=None, active_checksum=_NOT_READ) -> Catalogue:
    """The catalogue `catalogue_version` names. `active_checksum`: the rule set in use as the
    caller read it with `active_checksum_subquery()` (None: none is loaded yet)."""
    catalogue = _current(active_checksum, clinic)
    if catalogue.version == catalogue_version:
        return catalogue
    stored = (
        RuleSetVersion.objects.filter(catalogue_version=catalogue_version)
        .order_by("-loaded_at")
        .first()
    )
    if stored is not None:
        return compiled(stored)[0]
    default = load_default_catalogue()
    if default.version == catalogue_version:
        return default
    raise UnknownCatalogue(catalogue_version)
