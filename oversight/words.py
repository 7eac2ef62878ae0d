"""The words owners read instead of codes: decisions by the engine's own labels, categories and
rules by their human names. Decision words come from contraindications' `Decision` (one
definition, en/es); rule names from the rule set itself; only the category names, which the
rule files do not carry, are listed here."""

from contraindications.engine import Decision
from rules.selectors import active_or_none, compiled

CATEGORY_NAMES = {
    "abdominal": "Abdomen",
    "arthritis": "Arthritis",
    "back_pain_course": "Course of back pain",
    "back_red_flags": "Back pain warning signs",
    "bleeding": "Bleeding and blood thinners",
    "cancer": "Cancer",
    "cardiac": "Heart",
    "fracture": "Fractures",
    "general": "General health",
    "hot_stone": "Hot stones",
    "kidney": "Kidneys and urine",
    "medications": "Medicines",
    "osteoporosis": "Osteoporosis",
    "preferences": "Client preferences",
    "pregnancy": "Pregnancy",
    "skin": "Skin",
    "soft_tissue": "Soft tissue",
    "spine": "Spine",
    "surgery": "Surgery",
    "tcm_pattern": "TCM patterns",
    "vascular": "Blood vessels and clots",
    "system": "Screening system",
    "other": "Other",
}


def category_name(code: str) -> str:
    """ "kidney" -> "Kidneys and urine"; a category added later reads as its own words."""
    return CATEGORY_NAMES.get(code) or code.replace("_", " ").capitalize()


def decision_label(code: str) -> str:
    """ "refer_urgent" -> "Refer urgently" (the engine's label); an unknown code as it is."""
    decision = Decision.parse(code)
    return decision.label("en") if decision else code


def rule_titles(clinic) -> dict[str, str]:
    """{rule id: title} of the rule set the clinic uses (compiled once per process)."""
    version = active_or_none(clinic)
    if version is None:
        return {}
    _, ruleset = compiled(version)
    return {rule.id: rule.title for rule in ruleset.rules}


def rule_name(rule_id: str, titles: dict[str, str]) -> str:
    """ "Blood in the urine (KIDNEY-HEMATURIA)"; the id alone when the rule is not in use."""
    title = titles.get(rule_id)
    return f"{title} ({rule_id})" if title else rule_id


def rule_choices(titles: dict[str, str]) -> list[tuple[str, str]]:
    """The rule filter's choices, by name."""
    return sorted(((rule_id, rule_name(rule_id, titles)) for rule_id in titles), key=lambda c: c[1])
