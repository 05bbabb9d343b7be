"""The project's import graph points one way (docs/ARCHITECTURE.md, "Layers"): no cycle but a services module with its
own tasks module; core/ imports nothing of the project; no app imports config/; the case kernel imports no flow and
no domain app. Imports written inside functions count too: they are dependencies all the same."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED = {"tests", "bench", "scripts", "migrations", ".venv", "node_modules", "var"}
# The case kernel: it reads the registry and never imports a flow module or a domain app.
KERNEL = {
    "workflows.kinds",
    "workflows.permissions",
    "workflows.selectors",
    "workflows.services",
    "workflows.web",
    "workflows.reminders",
    "workflows.nodes",
    "workflows.views",
    "workflows.api",
    "workflows.case_api",
    "workflows.serializers",
}
DOMAIN = ("applications", "agreements", "partners", "selection", "grants", "learning", "incoming", "migration")
FLOWS = ("workflows.mobility", "workflows.agreement")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED for part in relative.parts):
            continue
        name = ".".join(relative.with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    tops = {name.split(".")[0] for name in modules}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for target in targets:
                if target.split(".")[0] not in tops:
                    continue
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
        for target in graph[node]:
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

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_cycle_but_a_services_module_with_its_own_tasks_module():
    for component in _cycles(_graph()):
        app = component[0].split(".")[0]
        services, tasks = sorted(component) if len(component) == 2 else ("", "")
        # a services module, or one module of a services package, with its own tasks module
        assert services.startswith(f"{app}.services") and tasks == f"{app}.tasks", component


def test_core_imports_nothing_of_the_project_and_nobody_imports_config():
    graph = _graph()
    for name, targets in graph.items():
        if name.startswith("core"):
            assert all(t.startswith("core") for t in targets), (name, targets)
        if not name.startswith("config"):
            assert not any(t.startswith("config") for t in targets), (name, targets)


def test_the_case_kernel_imports_no_flow_and_no_domain_app():
    graph = _graph()
    for name in KERNEL:
        for target in graph[name]:
            assert not target.startswith(DOMAIN), (name, target)
            assert target not in FLOWS, (name, target)


# Services every kind of case uses (the outbox, stored documents): they know no kind of case, so the kernel may use
# them and they import neither the kernel nor a domain app.
LEAVES = ("notifications", "documents")


def test_the_shared_services_are_leaves():
    graph = _graph()
    for name, targets in graph.items():
        if name.startswith(LEAVES):
            assert not any(t.startswith(("workflows", *DOMAIN)) for t in targets), (name, targets)
