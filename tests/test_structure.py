"""The shape of the code: no import cycles, and a lazy import only where start-up needs it."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools" / "import_graph.py")
import_graph = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_graph)

# cli.py imports each command's modules inside the command (its docstring says why: `zongjie
# --help` and `zongjie new` must not load Jinja, markdown-it and the writers).
DOCUMENTED_BY_MODULE = {"zongjie.cli"}


def test_no_import_cycles_even_through_function_level_imports():
    edges, _ = import_graph.import_graph()
    assert import_graph.cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path):
    package = tmp_path / "zongjie"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from zongjie.b import g\n")
    (package / "b.py").write_text("def g():\n    from zongjie.a import f\n")
    edges, lazy = import_graph.import_graph(tmp_path)
    assert import_graph.cycles(edges) == [["zongjie.a", "zongjie.b"]]
    assert lazy == [("zongjie.b", 2, "zongjie.a")]


def test_every_function_level_import_says_why():
    _, lazy = import_graph.import_graph()
    modules = import_graph.modules()
    silent = []
    for module, line, target in lazy:
        if module in DOCUMENTED_BY_MODULE:
            continue
        lines = modules[module].read_text(encoding="utf-8").splitlines()
        nearby = lines[max(0, line - 4):line]
        if not any(re.search(r"#\s*\S", text) for text in nearby):
            silent.append(f"{module}:{line} → {target}")
    assert silent == [], "a function-level import needs a comment saying what it saves: " + ", ".join(silent)
