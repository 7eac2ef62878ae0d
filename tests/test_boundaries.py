"""Services never see the HTTP request: views pass who acted and from where (actor, ip)."""

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
