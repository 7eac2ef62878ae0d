"""Boundaries: services never see the HTTP request (views pass who acted and from where), and
template tags never read the database (views ask the selectors)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _service_files():
    for path in sorted(ROOT.rglob("services.py")):
        if ".venv" not in path.parts and "tests" not in path.relative_to(ROOT).parts:
            yield path
    for extra in ("oversight/lockouts.py", "oversight/rulesets.py", "review/screening.py"):
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
