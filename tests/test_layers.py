"""The apps follow the data flow: each imports only the apps above it in LAYERS, never back.

Read from the source with `ast`, so an import hidden inside a function counts too. Migrations are
left out (they name models by string and belong to their app's history).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Upstream first. The engine imports no app; demo and benchmarks may use everything.
LAYERS = [
    "contraindications",  # the pure engine
    "accounts",  # clinics, staff, roles
    "config",  # settings, the client address, the database-down page
    "audit",  # the event log and row history
    "clients",  # who the client is
    "rules",  # rule-set and catalogue versions
    "intake",  # what the client told us, ending at a submitted intake
    "review",  # screenings, plans, decisions, clearances, PDFs
    "previsit",  # the intake sent to the client's phone before the visit
    "tablets",  # enrolled tablets that wait for the next client
    "visits",  # the front desk's day: submit then screen, the client page, the kiosk
    "interop",  # FHIR R4 API and the CDS Hooks service, for other systems
    "oversight",  # what owners see
    "ops",  # backup and restore
    "demo",  # the demo clinic
    "benchmarks",  # development only
]
# The composition roots: they name every app by design.
ROOTS = {"config/urls.py", "config/settings.py", "config/test_settings.py"}


def _python_files(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in relative and relative not in ROOTS:
            yield relative, path


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & set(LAYERS)


def test_every_app_imports_only_apps_upstream_of_it():
    backwards = []
    for position, app in enumerate(LAYERS):
        allowed = set(LAYERS[: position + 1])
        for relative, path in _python_files(app):
            for imported in sorted(_imported_apps(path) - allowed):
                backwards.append(f"{relative} imports {imported}")
    assert backwards == []


def test_the_engine_imports_no_app_and_intake_nothing_of_review():
    for app, forbidden in (("contraindications", set(LAYERS) - {"contraindications"}),
                           ("intake", {"review", "visits", "oversight", "demo"})):  # fmt: skip
        for relative, path in _python_files(app):
            assert not (_imported_apps(path) & forbidden), relative


def test_every_python_package_with_code_is_in_a_layer():
    # A new top-level app must take its place in the data flow.
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "loadtest", "scripts"}
    }
    assert packages == set(LAYERS)


def test_no_app_holds_more_than_a_third_of_the_application():
    lines = {
        app: sum(
            len(path.read_text(encoding="utf-8").splitlines()) for _, path in _python_files(app)
        )
        for app in LAYERS
    }
    total = sum(lines.values())
    assert max(lines.values()) <= total / 3, lines


# Tests that cross every app: the browser walks, the migration of an old database, and the
# attacks of the security review.
CROSS_CUTTING_TEST_DIRS = {"browser", "migrations", "security"}


def test_tests_mirror_the_apps():
    tests = Path(__file__).resolve().parent
    dirs = {p.name for p in tests.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert dirs - CROSS_CUTTING_TEST_DIRS <= set(LAYERS), "tests/<dir> must be named after an app"


# A call counts as an assertion when its name says so (assert_refused, pytest.raises, …).
_ASSERTING_CALLS = ("assert", "raises", "warns", "expect", "fail")


def _asserts(test: ast.AST) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", "")
            if any(word in name.lower() for word in _ASSERTING_CALLS):
                return True
    return False


def test_every_test_asserts_something():
    tests = Path(__file__).resolve().parent
    silent = [
        f"{path.relative_to(tests)}:{node.lineno} {node.name}"
        for path in sorted(tests.rglob("test_*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and not _asserts(node)
    ]
    assert silent == []


def test_the_assertion_check_finds_a_silent_test():
    silent = ast.parse("def test_x(client):\n    client.get('/')\n").body[0]
    checked = ast.parse("def test_y(client):\n    assert client.get('/').status_code == 200\n")
    assert not _asserts(silent)
    assert _asserts(checked.body[0])
