"""The package's shape: every module imports, no import circles, stages stay small.

The import graph is read from the source (every `import`, lazy ones inside functions
too: a circle that only closes at run time is still a circle; only imports for type
annotations, under `if TYPE_CHECKING:`, are left out) and checked for cycles with
networkx.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import networkx as nx

import notegraph

PACKAGE = Path(notegraph.__file__).resolve().parent
MAX_LINES = 420  # "a file per responsibility, < ~400 lines"


def _modules() -> dict[str, Path]:
    found = {"notegraph": PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="notegraph."):
        rel = info.name.split(".")[1:]
        path = PACKAGE.joinpath(*rel)
        found[info.name] = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:` (annotations only, never run)."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The notegraph modules `name` imports (a package's `from x import sub` → x.sub)."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:
                    out.add(sub)
                elif base in modules:
                    out.add(base)
    out.discard(name)
    return out


def test_every_module_imports() -> None:
    for name in _modules():
        importlib.import_module(name)


def test_no_import_circles() -> None:
    modules = _modules()
    assert len(modules) > 40  # the walk found the package, not an empty folder
    g = nx.DiGraph()
    for name, path in modules.items():
        g.add_node(name)
        for target in _imports(name, path, modules):
            g.add_edge(name, target)
    assert g.number_of_edges() > 100
    cycles = sorted(sorted(c) for c in nx.simple_cycles(g))
    assert cycles == []


def test_modules_stay_small() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines())
             for name, path in _modules().items()}
    assert {n: s for n, s in sizes.items() if s > MAX_LINES} == {}
