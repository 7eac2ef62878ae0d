"""Error types. Every error carries a stable machine-readable ``code``.

Codes let the web layer map failures to messages or HTTP responses without
parsing English text.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class for engine errors."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class LogicError(EngineError):
    """A condition in the logic language is malformed."""


class QuestionError(EngineError):
    """An error about one question of the catalogue; ``question_id`` names it when known."""

    def __init__(self, message: str, code: str, question_id: str | None = None) -> None:
        super().__init__(message, code)
        self.question_id = question_id


class CatalogueError(QuestionError):
    """The question catalogue is malformed."""


class AnswerError(QuestionError):
    """A client's answers do not fit the catalogue."""


class RuleSetError(EngineError):
    """The rule set is malformed; ``rule_id`` names the offending rule when known."""

    def __init__(self, message: str, code: str, rule_id: str | None = None) -> None:
        super().__init__(message, code)
        self.rule_id = rule_id


class PlanError(EngineError):
    """A session plan is malformed; ``field`` names the offending field."""

    def __init__(self, message: str, code: str, field: str | None = None) -> None:
        super().__init__(message, code)
        self.field = field
