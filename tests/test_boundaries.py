"""Boundaries: services never see the HTTP request (views pass who acted and from where), and
template tags never read the database (views ask the selectors)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _service_files():
    for path in sorted(ROOT.rglob("services.py")):
        if ".venv" not in path.parts and "tests" not in path.relative_to(ROOT).parts:
            yield path
    # Modules that are services in all but name: they write the record.
    for extra in (
        "oversight/lockouts.py",
        "oversight/rulesets.py",
        "review/screening.py",
        "review/notes.py",
        "review/letters.py",
    ):
        yield ROOT / extra


def test_no_service_takes_a_request():
    offenders = []
    for path in _service_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
                if "request" in names:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert offenders == []


def test_mypy_is_strict_on_the_engine_and_every_service_module():
    """pyproject.toml's strict block names the engine and each service module, so a new one
    cannot slip in typed loosely (docs/ARCHITECTURE.md says mypy is strict on them)."""
    import tomllib

    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = next(o for o in mypy["overrides"] if "contraindications.engine.*" in o["module"])
    assert strict["disallow_untyped_defs"]
    assert strict["disallow_untyped_calls"]
    assert strict["disallow_any_generics"]
    services = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in _service_files()}
    assert "interop.services" in services  # the walk finds the apps' service modules
    assert sorted(services - set(strict["module"])) == []


def test_the_check_reads_the_service_files():
    files = {p.relative_to(ROOT).as_posix() for p in _service_files()}
    assert {"audit/services.py", "review/services.py", "clients/services.py"} <= files


def _template_tag_files():
    for path in sorted(ROOT.rglob("templatetags/*.py")):
        if ".venv" not in path.parts and path.name != "__init__.py":
            yield path


def test_no_template_tag_reads_the_database():
    # Views ask the selectors; tags only format what they are given.
    offenders = []
    for path in _template_tag_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and (node.module.endswith((".models", ".selectors")) or node.module == "django.db")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: imports {node.module}")
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .objects")
    assert offenders == []


def test_the_tag_check_reads_the_tag_files():
    assert {p.name for p in _template_tag_files()} >= {"client_format.py", "kiosk.py"}


# --- The stored screening result is read through the engine's types -----------------------------
# `Screening.result` is what the database stores: the engine's `Screening.to_dict()`. Everyone
# outside the engine reads it as `Screening.outcome` (typed findings, constraints, decision), so
# the shape has one reader, `contraindications.engine.Screening.from_dict`.

# Keys only a screening result (or one of its findings) has. "decision", "constraints" and
# "clinical_summary" are also a rule document's keys (rules/ruledoc.py reads those), so they
# are caught only when read from `.result`.
RESULT_KEYS = frozenset(
    {"findings", "matched", "session_possible", "ruleset_checksum", "clearance_applied"}
)
_MAPPING_READS = frozenset({"get", "items", "keys", "values", "__getitem__"})


def _result_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for each place `source` reads a stored screening result as a dict."""
    found = []

    def on_result(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "result"

    def result_key(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Constant) and node.value in RESULT_KEYS:
            return str(node.value)
        return None

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if on_result(node.value):
                found.append((node.lineno, ".result[...]"))
            elif key := result_key(node.slice):
                found.append((node.lineno, f"[{key!r}]"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MAPPING_READS
        ):
            if on_result(node.func.value):
                found.append((node.lineno, f".result.{node.func.attr}()"))
            elif node.func.attr == "get" and node.args and (key := result_key(node.args[0])):
                found.append((node.lineno, f".get({key!r})"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("result__")
        ):
            found.append((node.lineno, f"lookup {node.value!r}"))  # a query into the JSON
    return found


def _outside_the_engine():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not ({".venv", "tests", "migrations", "contraindications"} & set(parts)):
            yield path


def test_no_module_outside_the_engine_reads_a_stored_result_as_a_dict():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in _outside_the_engine()
        for line, what in _result_reads(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_template_reads_a_stored_result():
    # A template gets what the presenters made from `Screening.outcome`, never the JSON.
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.is_file()
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.result\b", text)
    ]
    assert offenders == []


def test_the_result_check_finds_each_kind_of_read():
    bad = """
screening.result["findings"]
screening.result.get("constraints", {})
s.result.items()
[f["rule_id"] for f in findings if f["matched"]]
finding.get("matched") or {}
Screening.objects.values_list("pk", "result__findings")
"""
    assert sorted(line for line, _ in _result_reads(bad)) == [2, 3, 4, 5, 6, 7]
    fine = """
screening.outcome.findings
{"findings": [], "decision": "proceed"}
context["findings"] = groups
row["rule_id"]
rule.get("constraints") or {}
plan.check_result["violations"]
"""
    assert _result_reads(fine) == []


def test_the_result_check_reads_the_apps():
    files = {p.relative_to(ROOT).as_posix() for p in _outside_the_engine()}
    assert {"oversight/rulesets.py", "review/presenters.py", "interop/cds.py"} <= files
    assert not any(f.startswith(("contraindications/", "tests/")) for f in files)


# Where a view records a read by hand: the record is known only inside the view (an export of
# a filtered list, a replay asked for with ?months=). Every other read is `@audited_read`.
HAND_RECORDED_READS = {
    ("oversight/views.py", "_record_export"),
    ("oversight/views.py", "ruleset_detail"),
}


def test_views_record_reads_with_the_decorator():
    found = set()
    for path in sorted(ROOT.rglob("*views*.py")):
        if ".venv" in path.parts or "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "record_read":
                        found.add((path.relative_to(ROOT).as_posix(), node.name))
    assert found == HAND_RECORDED_READS
