"""The import rules of README's architecture section, checked on every module in listening/.

Features, lowest first; each may import only those to its left and the bottom modules:

    organisations → accounts → intake → themes → assembly → report → privacy → follow → pages

Bottom modules (extensions, config, audit, signals, jobs, security …) import no feature. The app
factory (listening/__init__.py) and the top-level CLI (cli.py, demo.py) wire the features
together and may import any of them. Imports inside functions count too; importlib is banned.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from listening.audit import FEATURES  # the features, lowest layer first: one list

ROOT = Path(__file__).resolve().parents[1] / "listening"
TOP = {"listening", "listening.cli", "listening.demo"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {
    _module_name(path): path
    for path in sorted(ROOT.rglob("*.py"))
    if "static" not in path.relative_to(ROOT).parts
}


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(
            package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
        )
    else:
        base = node.module or ""
    found = []
    for alias in node.names:
        child = f"{base}.{alias.name}"
        found.append(child if child in MODULES else base)
    return found


def imports_of(module: str) -> set[str]:
    """Every listening module that `module` imports, anywhere in its body."""
    path = MODULES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, path, node))
    return {name for name in found if name == "listening" or name.startswith("listening.")}


GRAPH = {module: imports_of(module) - {module} for module in MODULES}


def layer(module: str) -> int | None:
    """A feature's position (0 = lowest); -1 for a bottom module; None for the top."""
    if module in TOP:
        return None
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FEATURES:
        return FEATURES.index(parts[1])
    return -1


def test_the_graph_sees_the_modules_and_their_imports():
    assert "listening.intake.operations" in MODULES
    assert "listening.audit" in GRAPH["listening.intake.operations"]


def test_no_module_imports_a_higher_layer():
    wrong = []
    for module, targets in GRAPH.items():
        own = layer(module)
        if own is None:
            continue
        for target in targets:
            theirs = layer(target)
            if theirs is None or theirs > own or (own == -1 and theirs != -1):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_import_cycle():
    seen: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        if seen.get(module) == "done":
            return
        if seen.get(module) == "open":
            cycle = trail[trail.index(module) :] + [module]
            pytest.fail("import cycle: " + " → ".join(cycle))
        seen[module] = "open"
        for target in sorted(GRAPH[module]):
            if target in GRAPH:
                visit(target, trail + [target])
        seen[module] = "done"

    for module in sorted(GRAPH):
        visit(module, [module])


def _dynamic_imports(path: Path) -> list[str]:
    """`import importlib`, `from importlib import import_module`, `__import__(…)`; not metadata."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name == "importlib" for a in node.names):
            found.append("import importlib")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("importlib"):
            found.extend(a.name for a in node.names if a.name != "metadata")
        elif isinstance(node, ast.Name) and node.id == "__import__":
            found.append("__import__")
    return found


def test_no_importlib():
    users = {m: _dynamic_imports(path) for m, path in MODULES.items() if _dynamic_imports(path)}
    assert users == {}
