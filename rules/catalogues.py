"""Which question catalogue an intake is asked and read with.

A new intake uses the catalogue of the rule set in use, so the questions asked are exactly the
ones the rules read; before any rule set is loaded, the catalogue shipped in fixtures/.
An intake keeps the catalogue version it was started with.
"""

from django.db.models import Subquery

from contraindications.engine import Catalogue, load_default_catalogue
from rules.models import RuleSetVersion
from rules.selectors import compiled, compiled_if_loaded


class UnknownCatalogue(Exception):
    code = "unknown_catalogue"


def _active_versions():
    return RuleSetVersion.objects.filter(activated_at__isnull=False).order_by("-activated_at")


def active_checksum_subquery() -> Subquery:
    """The checksum of the rule set in use (NULL before any is loaded), to read in the same
    query as the intake: the kiosk then needs no query of its own to find the catalogue."""
    return Subquery(_active_versions().values("checksum")[:1])


def current_catalogue() -> Catalogue:
    # Only the version's identity: its rules and catalogue JSON are large, and compiled() has
    # them in memory already (they load on first use).
    version = _active_versions().only("pk", "version", "checksum", "catalogue_version").first()
    if version is not None:
        return compiled(version)[0]
    return load_default_catalogue()


_NOT_READ = object()


def _current(active_checksum) -> Catalogue:
    if active_checksum is _NOT_READ:
        return current_catalogue()
    if active_checksum is None:
        return load_default_catalogue()
    entry = compiled_if_loaded(active_checksum)
    # Not built in this process yet: read and compile it (once).
    return entry[0] if entry is not None else current_catalogue()


def catalogue_for(catalogue_version: str, *, active_checksum=_NOT_READ) -> Catalogue:
    """The catalogue `catalogue_version` names. `active_checksum`: the rule set in use as the
    caller read it with `active_checksum_subquery()` (None: none is loaded yet)."""
    catalogue = _current(active_checksum)
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
