"""No import cycles between registry modules (issue 9): every ``import registry…`` and
``from registry… import`` in a module — at module level *and* inside functions — is an edge; the graph
must be acyclic.

Resolution: ``from registry.x import y`` is an edge to ``registry.x.y`` when that is a module, else to
``registry.x``; importing ``registry.a.b`` also runs the package ``registry.a`` (its ``__init__``), so that
is an edge too, unless it is a package of the importer itself (Python initialises that first; a
re-exporting ``__init__`` is not a cycle with its own modules). The root package ``registry`` is the
application factory (the composition root: its imports run inside ``create_app``, after every module is
importable), so the implicit edge to it is left out; an explicit ``from registry import …`` still counts.
"""
from __future__ import annotations

import ast
from pathlib import Path

import registry

ROOT = Path(registry.__file__).resolve().parent
PACKAGE = "registry"


def module_files() -> dict[str, Path]:
    modules = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _package_of(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The registry modules ``name`` imports anywhere in its body (with the packages they run)."""
    targets: set[str] = set()
    own_package = _package_of(name, path) + "."

    def add(target: str) -> None:
        while target and target not in modules:  # `import registry.x.Thing`-style: the nearest module
            target = target.rpartition(".")[0]
        if not target:
            return
        targets.add(target)
        parent = target.rpartition(".")[0]
        while parent and parent != PACKAGE:  # the packages whose __init__ runs on the way …
            if not own_package.startswith(parent + "."):  # … except the importer's own (initialised before it)
                targets.add(parent)
            parent = parent.rpartition(".")[0]

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name, path)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            if source != PACKAGE and not source.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                add(submodule if submodule in modules else source)
    targets.discard(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imported(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``[a, b, …, a]``, or None (iterative depth-first search)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    for start in sorted(graph):
        if colour[start] != WHITE:
            continue
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        colour[start] = GREY
        while stack:
            node, children = stack[-1]
            for child in children:
                if colour.get(child, BLACK) == GREY:
                    return path[path.index(child):] + [child]
                if colour.get(child) == WHITE:
                    colour[child] = GREY
                    stack.append((child, iter(sorted(graph[child]))))
                    path.append(child)
                    break
            else:
                colour[node] = BLACK
                stack.pop()
                path.pop()
    return None


def test_the_checker_names_a_cycle():
    graph = {"registry.a": {"registry.b"}, "registry.b": {"registry.c"}, "registry.c": {"registry.a"},
             "registry.d": {"registry.a"}}
    assert find_cycle(graph) == ["registry.a", "registry.b", "registry.c", "registry.a"]
    assert find_cycle({"registry.a": {"registry.b"}, "registry.b": set()}) is None


def test_imports_resolve_to_modules_and_packages(tmp_path):
    modules = module_files()
    source = tmp_path / "probe.py"
    source.write_text("from registry.services.filing import notices\n"
                      "def later():\n"
                      "    from registry.services.errors import DomainError\n"
                      "    import registry.views.members\n")
    assert imported("registry.probe", source, modules) == {
        "registry.services.filing.notices", "registry.services.filing", "registry.services",
        "registry.services.errors", "registry.views.members", "registry.views"}


def test_no_import_cycle_between_registry_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle)
