"""Every refusal the domain raises shares one base: message, code, field.

Not a hand-kept list: the application's own source is read with `ast` (the top-level app
packages, found as tests/test_layers.py finds them; tests, migrations and .venv left out), and every
class named like a refusal (…Error, …Refused, …Conflict, …NotFound, …Tampered) or that is an
exception is imported and must subclass DomainError, unless ALLOWED says why it is not a
refusal a person is shown.
"""

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest

from accounts.errors import DomainError
from clients.models import Client
from clients.services import ClientEditConflict
from intake.services import IntakeError
from intake.signature import parse_signature
from oversight.lockouts import LockoutNotFound
from review.services import ReviewError
from rules.models import RuleSetVersion
from rules.services import ActivationRefused

ROOT = Path(__file__).resolve().parents[2]
# As in tests/test_layers.py: every top-level package is an app, except these.
NOT_APPS = {"tests", "loadtest", "scripts"}
REFUSAL_NAME = re.compile(r"(Error|Refused|Conflict|NotFound|Tampered)$")

# Exceptions that are not refusals shown to a person, each with its reason. Anything else that
# is an exception, or is named like one, must be a DomainError.
_ENGINE = (
    "the pure engine may import no app (tests/test_layers.py), so not accounts.errors; it "
    "carries its own `code`, and the Django callers (rules, intake, review, interop) catch it"
)
ALLOWED = {
    "contraindications.engine.errors.EngineError": _ENGINE,
    "contraindications.engine.errors.LogicError": _ENGINE,
    "contraindications.engine.errors.QuestionError": _ENGINE,
    "contraindications.engine.errors.CatalogueError": _ENGINE,
    "contraindications.engine.errors.AnswerError": _ENGINE,
    "contraindications.engine.errors.RuleSetError": _ENGINE,
    "contraindications.engine.errors.PlanError": _ENGINE,
    # Control flow of a benchmark: raised to roll its transaction back, caught right there.
    "benchmarks.intake_pages.Rollback": "benchmark control flow, caught where it is raised",
    # A malformed API request body, answered 400 as a FHIR/CDS Hooks outcome by interop's
    # views; a ValueError by contract of json parsing, never shown on a page.
    "config.jsonbody.BadJSONBody": "API transport error, answered 400 by the interop views",
    # Raised inside WeasyPrint's URL fetcher to refuse loading a resource into a PDF; WeasyPrint
    # catches it, and the fetcher records the refused address.
    "config.pdf_fetcher.RefusedResource": "WeasyPrint fetcher internals, caught by WeasyPrint",
    # The shape of a FHIR QuestionnaireResponse; interop.screening turns it into a
    # ScreenRequestError (a DomainError) with code "bad_items".
    "interop.mapping.BadResponse": "internal to interop, re-raised as ScreenRequestError",
    # A send that the SMS gateway did not take; recorded on the delivery ("SmsError: HTTP 503")
    # by previsit.delivery, not a refusal of anything the user did.
    "previsit.sms.SmsError": "gateway failure, recorded on the delivery, not a refusal",
    # A programming error: the ORM guard of append-only records; the services only create rows.
    "review.models.AppendOnlyError": "integrity guard against code that edits records",
    # A stored record names a catalogue version no rule set has: broken data, not a refusal.
    "rules.catalogues.UnknownCatalogue": "integrity failure of stored data, not a refusal",
}


def _app_modules(root: Path):
    """(dotted module name, path) of every Python file of every top-level app package."""
    for init in sorted(root.glob("*/__init__.py")):
        app = init.parent.name
        if app in NOT_APPS or app.startswith("."):
            continue
        for path in sorted(init.parent.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "tests" in parts or ".venv" in parts:
                continue
            if path.name == "conftest.py" or path.name.startswith("test_"):
                continue  # test code (the benchmarks' own tests), not the application
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join(parts), path


def _class_defs(body, outer=""):
    """(qualified name, node) of the classes of a module, nested ones too; the qualified name
    is None for a class defined inside a function (it cannot be imported by name)."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            name = f"{outer}.{node.name}" if outer else node.name
            yield (None if outer is None else name), node
            yield from _class_defs(node.body, None if outer is None else name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _class_defs(node.body, None)
        else:
            # if/try/with blocks at this level define names at this level.
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from _class_defs(getattr(node, field, ()), outer)


def _looks_like_an_exception(node: ast.ClassDef) -> bool:
    bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}
    return bool(REFUSAL_NAME.search(node.name)) or any(
        base.endswith(("Exception", "Error")) or base in {"Http404", "PermissionDenied"}
        for base in bases
    )


def exception_classes(root: Path):
    """Every class of the apps under `root` that is an exception or is named like one, as
    {"module.Class": the class}, and the exception-like classes defined inside functions."""
    found, hidden = {}, []
    for module_name, path in _app_modules(root):
        classes = list(_class_defs(ast.parse(path.read_text(encoding="utf-8")).body))
        if not classes:
            continue
        module = importlib.import_module(module_name)
        for qualname, node in classes:
            cls = module
            for part in (qualname or "").split("."):
                cls = getattr(cls, part, None) if qualname else None
            if cls is None:  # inside a function, or taken away by a metaclass (a model's Meta)
                if _looks_like_an_exception(node):
                    hidden.append(f"{module_name}: {node.name} (line {node.lineno})")
                continue
            is_exception = isinstance(cls, type) and issubclass(cls, BaseException)
            if is_exception or REFUSAL_NAME.search(node.name):
                found[f"{module_name}.{qualname}"] = cls
    return found, hidden


def outside_the_base(root: Path, allowed: dict[str, str]) -> list[str]:
    found, hidden = exception_classes(root)
    outside = [
        name
        for name, cls in sorted(found.items())
        if name not in allowed and not (isinstance(cls, type) and issubclass(cls, DomainError))
    ]
    return outside + [f"{name}: define it at module level" for name in hidden]


def test_every_exception_of_the_apps_is_a_domain_error_or_allowed_with_a_reason():
    assert outside_the_base(ROOT, ALLOWED) == []


def test_the_allow_list_names_only_exceptions_that_exist_and_are_not_domain_errors():
    found, _ = exception_classes(ROOT)
    stale = [name for name in ALLOWED if name not in found or issubclass(found[name], DomainError)]
    assert stale == []
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_walk_finds_the_ones_this_review_moved_to_the_base():
    found, _ = exception_classes(ROOT)
    for name in (
        "rules.services.ActivationRefused",
        "clients.services.ClientEditConflict",
        "oversight.lockouts.LockoutNotFound",
        "rules.selectors.NoActiveRuleSet",
        "rules.selectors.RuleSetTampered",
        "intake.services.IntakeError",
    ):
        assert issubclass(found[name], DomainError), name


def test_a_new_plain_exception_in_a_service_module_fails(tmp_path, monkeypatch):
    app = tmp_path / "probe_refusals_app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "services.py").write_text(
        "from accounts.errors import DomainError\n\n\n"
        "class XError(Exception):\n    pass\n\n\n"
        "class Quiet(ValueError):\n    pass\n\n\n"
        "class Fine(DomainError):\n    pass\n\n\n"
        "class NotAnException:\n    pass\n\n\n"
        "def later():\n    class LocalRefused(Exception):\n        pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert outside_the_base(tmp_path, {}) == [
            "probe_refusals_app.services.Quiet",
            "probe_refusals_app.services.XError",
            "probe_refusals_app.services: LocalRefused (line 21): define it at module level",
        ]
        assert outside_the_base(tmp_path, {"probe_refusals_app.services.XError": "r"}) == [
            "probe_refusals_app.services.Quiet",
            "probe_refusals_app.services: LocalRefused (line 21): define it at module level",
        ]
    finally:
        for name in [m for m in sys.modules if m.startswith("probe_refusals_app")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    ("error", "code", "field", "message"),
    [
        (
            ActivationRefused(RuleSetVersion(version="2.1.0", rule_count=40), ["SCIATICA"]),
            "rules_not_reviewed",
            None,
            "Rule set 2.1.0 cannot be activated: this clinic requires every rule to be reviewed "
            "by a clinician, and 1 of its 40 rules have no review (SCIATICA).",
        ),
        (
            ClientEditConflict(Client(version=3)),
            "edit_conflict",
            None,
            "Someone else changed this client while you were editing (now version 3).",
        ),
        (
            LockoutNotFound("hal"),
            "not_in_clinic",
            "username",
            "No one of this clinic's staff has the username 'hal'.",
        ),
    ],
)
def test_the_moved_refusals_keep_their_code_and_message(error, code, field, message):
    assert isinstance(error, DomainError)
    assert (error.code, error.codes, error.field) == (code, (code,), field)
    assert error.message == str(error) == message


def test_the_moved_refusals_keep_what_their_callers_read():
    version = RuleSetVersion(version="2.1.0", rule_count=40)
    refused = ActivationRefused(version, ["A", "B"])
    assert (refused.version, refused.unreviewed) == (version, ["A", "B"])
    current = Client(version=3)
    assert ClientEditConflict(current).current is current
    assert LockoutNotFound("hal").username == "hal"


def test_message_code_field_and_codes():
    error = ReviewError("Name the physician.", "clearance_needs_physician", "physician_name")
    assert (str(error), error.message, error.code, error.field) == (
        "Name the physician.",
        "Name the physician.",
        "clearance_needs_physician",
        "physician_name",
    )
    assert error.codes == ("clearance_needs_physician",)
    intake = IntakeError("bad", "bad_answers", codes=["a", "b"])
    assert (intake.code, intake.codes, intake.field) == ("bad_answers", ("a", "b"), None)


def test_a_caller_can_catch_the_base():
    with pytest.raises(DomainError) as caught:
        parse_signature("")
    assert caught.value.code == "missing_signature"
