"""Pure-Python contraindication engine for pre-session massage screening.

No Django, no database, no clock. Frozen dataclasses in, frozen dataclasses out.
"""

from .catalogue import (
    Answers,
    Catalogue,
    Choice,
    Question,
    Text,
    load_catalogue,
    validate_answers,
    visible_questions,
)
from .constraints import Constraints, make_constraints, merge_constraints
from .defaults import (
    CATALOGUE_PATH,
    FIXTURES_DIR,
    RULE_CASES_DIR,
    RULESET_PATH,
    load_default_catalogue,
    load_default_ruleset,
)
from .errors import AnswerError, CatalogueError, EngineError, LogicError, PlanError, RuleSetError
from .grouping import group_by_cause, grouped_findings
from .logic import Condition, compile_condition
from .plan_check import Plan, PlanCheck, Violation, check_plan
from .policy import INCOMPLETE_INTAKE, INVALID_ANSWERS, screen_answers
from .rules import Rule, RuleSet, Source, catalogue_checksum, load_ruleset, ruleset_checksum
from .screening import EVALUATION_ERROR, Finding, Screening, screen
from .vocabulary import (
    ACUPOINTS,
    ESSENTIAL_OILS,
    MODALITIES,
    POSITIONS,
    PRESSURE_LEVELS,
    REGIONS,
    Acupoint,
    Decision,
    item_name,
)

__all__ = [
    "ACUPOINTS",
    "CATALOGUE_PATH",
    "ESSENTIAL_OILS",
    "EVALUATION_ERROR",
    "FIXTURES_DIR",
    "INCOMPLETE_INTAKE",
    "INVALID_ANSWERS",
    "MODALITIES",
    "POSITIONS",
    "PRESSURE_LEVELS",
    "REGIONS",
    "RULESET_PATH",
    "RULE_CASES_DIR",
    "Acupoint",
    "AnswerError",
    "Answers",
    "Catalogue",
    "CatalogueError",
    "Choice",
    "Condition",
    "Constraints",
    "Decision",
    "EngineError",
    "Finding",
    "LogicError",
    "Plan",
    "PlanCheck",
    "PlanError",
    "Question",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Screening",
    "Source",
    "Text",
    "Violation",
    "catalogue_checksum",
    "check_plan",
    "compile_condition",
    "group_by_cause",
    "grouped_findings",
    "item_name",
    "load_catalogue",
    "load_default_catalogue",
    "load_default_ruleset",
    "load_ruleset",
    "make_constraints",
    "merge_constraints",
    "ruleset_checksum",
    "screen",
    "screen_answers",
    "validate_answers",
    "visible_questions",
]
