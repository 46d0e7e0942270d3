"""The shape of ``serve/``: packages by job, arrows one way, no circle and none hidden.

Read from the source with :mod:`ast` (nothing is imported), every ``import`` counted wherever
it stands, so an import moved into a function to dodge a circle is still an arrow here. The
sources are parsed in a fresh interpreter (this file run as a script): in a pytest process
where hypothesis has moved the recursion limit, CPython 3.11.7's ``ast.parse`` can fail with
"AST constructor recursion depth mismatch".
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cytoowl

SERVE = Path(cytoowl.__file__).parent / "serve"
ROOT = "cytoowl.serve"
#: serve/'s packages from the bottom up: each may import its own modules and the packages
#: of the layers below it, never one beside or above it. ``app`` (the module) wires them.
LAYERS: list[set[str]] = [
    {"errors"},
    {"protocol"},
    {"workers"},
    {"store"},
    {"browse", "query", "validation", "http"},
    {"app"},
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SERVE.rglob("*.py")):
        parts = path.relative_to(SERVE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((ROOT, *parts))] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(module imported, whether the import is inside a function) for every cytoowl.serve
    import of a module."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    local: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    local.add(id(inner))
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        for target in targets:
            while target and target not in MODULES and target.startswith(ROOT + "."):
                target = target.rpartition(".")[0]
            if target in MODULES:
                out.append((target, id(node) in local))
    return out


def _graph() -> dict[str, list[tuple[str, bool]]]:
    return {name: _imports(name, path) for name, path in MODULES.items()}


def _constants(name: str) -> list[str]:
    """The modules that assign ``name`` at their top level."""
    return [
        module
        for module, path in MODULES.items()
        if any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            for node in ast.parse(path.read_text()).body
        )
    ]


def _read_in_a_fresh_interpreter() -> dict:
    out = subprocess.run(
        [sys.executable, __file__], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return json.loads(out)


if __name__ == "__main__":
    print(json.dumps({"graph": _graph(), "owners": {"QUERIES": _constants("QUERIES")}}))
    sys.exit(0)

READ = _read_in_a_fresh_interpreter()
GRAPH: dict[str, list[tuple[str, bool]]] = {
    module: [(target, local) for target, local in edges] for module, edges in READ["graph"].items()
}


def _package(module: str) -> str | None:
    rest = module.removeprefix(ROOT).lstrip(".")
    return rest.split(".")[0] if rest else None


def _layer(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def test_every_module_is_in_a_package_with_a_layer() -> None:
    packages = {_package(m) for m in MODULES} - {None}
    assert packages <= set().union(*LAYERS), packages - set().union(*LAYERS)


def test_no_import_of_serve_inside_a_function() -> None:
    """A function-local import is how a circle hides; serve/ has none of its own modules."""
    hidden = [(m, target) for m, edges in GRAPH.items() for target, local in edges if local]
    assert hidden == []


def test_packages_import_only_layers_below() -> None:
    wrong = []
    for module, edges in GRAPH.items():
        source = _package(module)
        for target, _ in edges:
            goal = _package(target)
            if source is None or goal is None or goal == source:
                continue
            if _layer(goal) >= _layer(source):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_no_circle_between_modules() -> None:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target, _ in GRAPH[module]:
            if target == module or state.get(target) == 2:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            circle = visit(target)
            if circle:
                return circle
        path.pop()
        state[module] = 2
        return None

    for module in MODULES:
        if module not in state:
            circle = visit(module)
            assert circle is None, " -> ".join(circle or [])


@pytest.mark.parametrize("name", ["QUERIES"])
def test_no_two_modules_export_the_same_constant(name: str) -> None:
    owners = READ["owners"][name]
    assert len(owners) <= 1, owners


ANALYSIS_PACKAGES = ("liana", "cellphonedb", "scanpy", "anndata")


def test_the_server_never_loads_the_analysis_packages() -> None:
    """The server app and cytoowl itself load none of the ``analysis`` extra (nor pandas for
    ``import cytoowl``): checked in a fresh interpreter, so transitive imports count too."""
    code = (
        "import sys, json, cytoowl; bare = sorted(sys.modules);"
        "import cytoowl.serve.app, cytoowl.cli;"
        "print(json.dumps({'bare': bare, 'server': sorted(sys.modules)}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    loaded = json.loads(out)
    top = {name.split(".")[0] for name in loaded["server"]}
    assert not top & set(ANALYSIS_PACKAGES), top & set(ANALYSIS_PACKAGES)
    assert not {"pandas", "rdflib"} & {name.split(".")[0] for name in loaded["bare"]}
