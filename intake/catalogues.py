"""Which question catalogue an intake is asked and read with.

A new intake uses the catalogue of the rule set in use, so the questions asked are exactly the
ones the rules read; before any rule set is loaded, the catalogue shipped in fixtures/.
An intake keeps the catalogue version it was started with.
"""

from contraindications.engine import Catalogue, load_default_catalogue
from contraindications.models import RuleSetVersion
from contraindications.rulesets import compiled


class UnknownCatalogue(Exception):
    code = "unknown_catalogue"


def current_catalogue() -> Catalogue:
    # Only the version's identity: its rules and catalogue JSON are large, and compiled() has
    # them in memory already (they load on first use).
    version = (
        RuleSetVersion.objects.filter(activated_at__isnull=False)
        .order_by("-activated_at")
        .only("pk", "version", "checksum", "catalogue_version")
        .first()
    )
    if version is not None:
        return compiled(version)[0]
    return load_default_catalogue()


def catalogue_for(catalogue_version: str) -> Catalogue:
    catalogue = current_catalogue()
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
