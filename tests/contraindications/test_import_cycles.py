"""No import cycles inside the engine, counting every import: module level, inside
functions and under ``if TYPE_CHECKING``. A cycle hidden in a function is still a cycle."""

import ast
from pathlib import Path

import pytest

import contraindications

ROOT = Path(contraindications.__file__).parent
PACKAGE = "contraindications"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _resolve(module: str, is_pkg: bool, node: ast.ImportFrom) -> list[str]:
    if node.level:
        base = module.split(".") if is_pkg else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    # `from pkg import mod` may name a submodule: count it as an import of that module too.
    return [target, *(f"{target}.{a.name}" for a in node.names)]


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    files = {_module_name(p, root): p for p in root.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                targets = _resolve(name, _is_package(path), node)
            else:
                continue
            edges.update(t for t in targets if t in files and t != name)
        graph[name] = edges
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by depth-first search (each reported once per entry point)."""
    cycles, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def _engine_graph() -> dict[str, set[str]]:
    # The package __init__ re-exports everything; its edges are not part of a cycle
    # between modules (importing engine.x always runs engine/__init__ first anyway).
    graph = import_graph()
    return {
        m: {t for t in edges if t != f"{PACKAGE}.engine"}
        for m, edges in graph.items()
        if m != PACKAGE
    }


def test_engine_has_no_import_cycle():
    assert find_cycles(_engine_graph()) == []


def test_the_graph_sees_function_level_and_relative_imports():
    graph = import_graph()
    assert f"{PACKAGE}.engine.rules" in graph[f"{PACKAGE}.engine.screening"]
    assert f"{PACKAGE}.engine.index" in graph[f"{PACKAGE}.engine.rules"]


@pytest.mark.parametrize("where", ["top", "function", "type_checking"])
def test_a_cycle_is_caught_wherever_the_import_is(tmp_path, where):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import x\n")
    body = {
        "top": "from .a import y\n",
        "function": "def f():\n    from .a import y\n    return y\n",
        "type_checking": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import y\n"
        ),
    }[where]
    (pkg / "b.py").write_text(body)
    graph = import_graph(pkg)
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
