"""The order of screens a client goes through, and their titles in plain language."""

from django.utils.translation import gettext_lazy as _

from contraindications.engine import Catalogue

SECTION_TITLES = {
    "about_you": _("About you"),
    "visit_and_pain": _("Today's visit and any pain"),
    "symptoms": _("How you feel today"),
    "medications": _("Medicines"),
    "conditions_history": _("Health conditions and history"),
    "pregnancy": _("Pregnancy"),
    "preferences": _("Your preferences"),
    "consent": _("Consent and signature"),
}
# These describe today, so they are asked afresh at every visit, never carried over.
TODAY_SECTIONS = ("visit_and_pain", "symptoms", "consent")
CONSENT_SECTION = "consent"


def sections_for(intake, catalogue: Catalogue, *, missing: frozenset[str] = frozenset()):
    """The sections this intake shows, in order.

    An update where the client said nothing changed skips the carried-over sections, except
    one that still lacks a required answer (`missing`: sections with a missing answer).
    """
    if intake.kind == intake.Kind.UPDATE and intake.unchanged_since_previous:
        return tuple(s for s in catalogue.sections if s in TODAY_SECTIONS or s in missing)
    return tuple(catalogue.sections)
