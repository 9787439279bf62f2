"""The architecture the folders promise: no import cycle, a solver without the ORM, every module documented."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "radio_sched"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (migrations' revisions aside: Alembic loads them)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "versions" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return ids


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules that one module's import statements name, imports inside functions too,
    not those under `if TYPE_CHECKING:` nor the implicit import of a parent package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_blocks(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_in_the_package():
    known = modules()
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_solver_loads_no_orm_and_no_web():
    code = ("import importlib, pkgutil, sys\n"
            "import radio_sched.scheduler as s\n"
            "for m in pkgutil.walk_packages(s.__path__, 'radio_sched.scheduler.'):\n"
            "    importlib.import_module(m.name)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'flask')\n"
            "             or m == 'radio_sched.core.models')\n"
            "print(len([m for m in sys.modules if m.startswith('radio_sched.scheduler.')]), bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split(maxsplit=1)
    assert int(out[0]) >= 15, "the scheduler's modules were not all imported"
    assert out[1].strip() == "[]"


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_module_opens_with_a_docstring():
    missing = [name for name, path in modules().items()
               if ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) is None]
    assert missing == []


def test_every_module_is_listed_in_the_architecture_doc():
    doc = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    unlisted = [name for name, path in modules().items()
                if f"`{path.relative_to(PACKAGE).as_posix()}`" not in doc]
    assert unlisted == []


def test_core_imports_nothing_outside_core():
    known = modules()
    outside = {name: sorted(d for d in imports_of(name, path, known)
                            if not d.startswith("radio_sched.core"))
               for name, path in known.items() if name.startswith("radio_sched.core")}
    assert {k: v for k, v in outside.items() if v} == {}
