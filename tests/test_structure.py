"""The shape of the code: imports inside ftcost run one way.

Read from the source with `ast`, so the rules hold for code no test happens to execute.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ftcost

PACKAGE = Path(ftcost.__file__).parent


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package's __init__)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top or inside a function, except those under `if TYPE_CHECKING:`."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if _type_checking_only(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the ftcost modules it imports.

    A function-local import counts like one at the top: deferring an import only hides a cycle from the
    interpreter, the two modules still depend on each other. `from a import b` is an edge to `a.b` when that
    is a module, else to `a`. Importing `x.y.z` runs `x.y`'s `__init__` first, so that is an edge too, except
    from inside `x.y` itself (Python has begun that package before any of its modules).
    """
    modules = _modules(root)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        edges = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in modules}
                continue
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    edges.add(f"{base}.{alias.name}")
                elif base in modules:
                    edges.add(base)
        for target in list(edges):
            parts = target.split(".")
            for package in (".".join(parts[:i]) for i in range(1, len(parts))):
                if package in modules and not (name == package or name.startswith(package + ".")):
                    edges.add(package)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as a path round the cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_path_round(sorted(component), graph))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _path_round(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One way round a component, start to start, so the message says which import to cut."""
    members, start = set(component), component[0]
    path, seen = [start], {start}
    while True:
        here = path[-1]
        if start in graph[here] and len(path) > 1:
            return path + [start]
        step = next((w for w in sorted(graph[here] & members) if w not in seen), start)
        if step == start:
            return path + [start]
        path.append(step)
        seen.add(step)


def test_the_graph_sees_top_level_and_deferred_imports():
    graph = import_graph()
    assert "ftcost.pricing.checks" in graph["ftcost.pricing.store"]  # the loader runs the cross-file rules
    assert "ftcost.pricing.rows" in graph["ftcost.pricing.checks"]
    assert "ftcost.pricing.store" not in graph["ftcost.pricing.checks"]


def test_cycles_are_found_through_deferred_imports(tmp_path):
    pkg = tmp_path / "demo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from demo import b\n")
    (pkg / "b.py").write_text("def f():\n    from demo.a import x\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from demo import a\n")
    graph = import_graph(pkg)
    assert cycles(graph) == [["demo.a", "demo.b", "demo.a"]]
    assert graph["demo.c"] == set()  # type-only imports do not run


#: Cycles that are known and not yet cut: none since ftcost.views loads its page modules on first use (the report
#: and the Plan view once imported each other through the package's __init__).
KNOWN: list[set[str]] = []


def test_no_import_cycle_inside_ftcost():
    found = [c for c in cycles(import_graph()) if not any(set(c) <= known for known in KNOWN)]
    assert not found, "import cycles (move what both sides need into a module below them): " + "; ".join(
        " → ".join(c) for c in found
    )


def _function_local_imports(path: Path):
    """(line, statement) of every import inside a function or method, under `if TYPE_CHECKING:` or not."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield node.lineno, node


def unexplained_local_imports(files) -> list[str]:
    """Function-local imports with no comment saying why: on the same line, on the line above, or above the
    group of imports it belongs to (consecutive import lines share one comment)."""
    found = []
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        local = {line for line, _ in _function_local_imports(path)}
        for line in sorted(local):
            above = line - 1
            while above in local:  # one comment explains a group of imports
                above -= 1
            same = lines[line - 1]
            if "#" in same.split("import", 1)[1] or (above >= 1 and lines[above - 1].strip().startswith("#")):
                continue
            found.append(f"{path.relative_to(REPO_ROOT)}:{line}: {same.strip()}")
    return found


REPO_ROOT = PACKAGE.parents[1]


def _code_files() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((REPO_ROOT / "ui").rglob("*.py"))
    app = REPO_ROOT / "app.py"
    return files + ([app] if app.exists() else [])


def test_a_local_import_says_why(tmp_path):
    ok = tmp_path / "ok.py"
    ok.write_text(
        "def f():\n    # optional dependency: only this call needs it\n    import a\n    import b\n"
        "def g():\n    import c  # deferred: heavy\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\ndef f():\n    x = 1\n    import a\n")
    global REPO_ROOT
    saved, REPO_ROOT = REPO_ROOT, tmp_path
    try:
        assert unexplained_local_imports([ok]) == []
        assert unexplained_local_imports([bad]) == ["bad.py:5: import a"]
    finally:
        REPO_ROOT = saved


def test_every_function_local_import_has_a_reason():
    """Imports belong at the top; one stays inside a function only for a reason a comment gives (an optional or
    heavy dependency, start-up time)."""
    found = unexplained_local_imports(_code_files())
    assert not found, "move these imports to the top of the module, or say why they stay:\n" + "\n".join(found)


def test_no_page_leaves_a_bare_expression_for_streamlits_magic():
    """.streamlit/config.toml switches magic off (it rewrites every page's AST on each run): that is only
    harmless while no page relies on it, i.e. holds no bare expression other than a docstring or a call."""
    assert "magicEnabled = false" in (REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    found = []
    for path in [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "ui").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            body = getattr(node, "body", None)
            for i, statement in enumerate(body if isinstance(body, list) else []):
                if not isinstance(statement, ast.Expr) or isinstance(
                    statement.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)
                ):
                    continue
                docstring = (
                    i == 0 and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)
                )
                if not docstring:
                    found.append(f"{path.name}:{statement.lineno}")
    assert found == [], f"bare expressions that magic would have displayed: {found}"
