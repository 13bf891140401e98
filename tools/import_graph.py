#!/usr/bin/env python3
"""zongjie's import graph, as Python runs it: cycles and function-level imports.

    python tools/import_graph.py            # cycles (exit 1 if any) and every lazy import

Every `import` statement of a zongjie module counts, at module level or inside a function,
except those under `if TYPE_CHECKING:` (annotations only, never run). A cycle hidden by a
function-level import is still a cycle: the two modules cannot be understood apart.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def modules(src: Path = SRC) -> dict[str, Path]:
    found = {}
    for path in sorted((src / "zongjie").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    # `from zongjie.numbers import format` imports the submodule format
    return [f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target for alias in node.names]


def _run_time_imports(body: list[ast.stmt], inside_function: bool = False):
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, inside_function
        for field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                nested = inside_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                yield from _run_time_imports([c for c in children if isinstance(c, (ast.stmt, ast.excepthandler))], nested)


def import_graph(src: Path = SRC) -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Edges between zongjie modules, and the function-level imports (module, line, target)."""
    known = modules(src)
    edges: dict[str, set[str]] = defaultdict(set)
    lazy = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, inside_function in _run_time_imports(tree.body):
            for target in _targets(module, path, node, known):
                if target in known and target != module:
                    edges[module].add(target)
                if inside_function and target.startswith("zongjie") and (module, node.lineno, target) not in lazy:
                    lazy.append((module, node.lineno, target))
    return edges, lazy


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    edges, lazy = import_graph()
    found = cycles(edges)
    for component in found:
        print("cycle:", " → ".join(component))
    print(f"{sum(len(t) for t in edges.values())} imports between {len(modules())} modules; {len(found)} cycles")
    print(f"function-level imports of zongjie modules: {len(lazy)}")
    for module, line, target in lazy:
        print(f"  {module}:{line} → {target}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
