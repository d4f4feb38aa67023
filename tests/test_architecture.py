"""The shape of services/: no FastAPI in it, and its packages stacked in layers, never in a circle.

docs/architecture.md has the table of packages and what each may import; these tests read that
table, so the document and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import graphlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "services"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
WEB_FRAMEWORKS = ("fastapi", "starlette")
# What "the foundation" means in the table: the top-level modules every package stands on.
FOUNDATION = frozenset({"settings", "db", "errors", "logs", "models", "mail"})
MAX_TOP_LEVEL = 16
MAX_MODULES = 12


def _modules() -> Iterator[Path]:
    """Every module of services/ but its own __init__.py (a docstring and nothing else)."""
    yield from sorted(p for p in SERVICES.rglob("*.py") if p != SERVICES / "__init__.py")


def _name(path: Path) -> str:
    """The dotted module name of a file of services/."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imported_modules(source: str) -> set[str]:
    """Every module an import in the source names, function-local imports included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_graph() -> dict[str, set[str]]:
    """Which modules of services/ import which others."""
    sources = {_name(path): path.read_text() for path in _modules()}
    return {
        name: {other for other in imported_modules(source) if other in sources} - {name}
        for name, source in sources.items()
    }


def import_graph() -> dict[str, set[str]]:
    """Which parts of services/ (packages and top-level modules) import which others."""
    graph: dict[str, set[str]] = {}
    for name, others in module_graph().items():
        unit = name.split(".")[1]
        graph.setdefault(unit, set()).update(o.split(".")[1] for o in others)
        graph[unit].discard(unit)
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One circle of imports in the graph, or None when it has none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def documented_imports() -> dict[str, set[str]]:
    """The "may import" column of docs/architecture.md's table of services/, by unit."""
    allowed: dict[str, set[str]] = {}
    for line in ARCHITECTURE.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`services/"):
            continue
        units = re.findall(r"`services/(\w+)", cells[0])
        may = set(re.findall(r"`(\w+)`", cells[2]))
        if "the foundation" in cells[2]:
            may |= FOUNDATION
        for unit in units:
            allowed[unit] = may
    return allowed


def test_no_service_module_imports_a_web_framework() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules()
        for name in sorted(imported_modules(path.read_text()))
        if name.split(".")[0] in WEB_FRAMEWORKS
    ]
    assert not offenders, "services/ never imports FastAPI or Starlette:\n" + "\n".join(offenders)


def test_service_packages_never_import_each_other_in_a_circle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "services/ imports in a circle: " + " -> ".join(cycle or [])


def test_no_two_modules_import_each_other_even_inside_a_function() -> None:
    cycle = find_cycle(module_graph())
    assert cycle is None, "modules import each other in a circle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "circle"),
    [
        ({"door": {"events"}, "events": {"auth"}, "auth": set()}, False),
        ({"door": {"events"}, "events": {"door"}}, True),
        ({"door": {"people"}, "people": {"sync"}, "sync": {"door"}}, True),
    ],
)
def test_find_cycle_sees_circles_of_any_length(graph: dict[str, set[str]], circle: bool) -> None:
    assert (find_cycle(graph) is not None) == circle


def test_every_import_between_packages_is_one_the_architecture_allows() -> None:
    allowed = documented_imports()
    graph = import_graph()
    assert set(graph) == set(allowed), "docs/architecture.md's table and services/ name other parts"
    extra = {
        f"services/{unit} imports {other}"
        for unit, others in graph.items()
        for other in others - allowed[unit]
    }
    assert not extra, "imports docs/architecture.md does not allow:\n" + "\n".join(sorted(extra))


def test_services_is_a_short_list_of_small_packages() -> None:
    top = [p for p in SERVICES.iterdir() if p.name != "__pycache__"]
    assert len(top) <= MAX_TOP_LEVEL, sorted(p.name for p in top)
    for package in (p for p in top if p.is_dir()):
        modules = [m for m in package.glob("*.py") if m.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES, f"{package.name} has {len(modules)} modules"
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
        assert docstring and "\n" not in docstring, (
            f"{package.name}/__init__.py: a one-line docstring"
        )
