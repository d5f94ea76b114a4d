"""The house rules the layout promises: no import cycle in `analytics`, and a production command line
that never loads the lab (fake Security Center, RTSP test server, demo, benchmark)."""

import ast
import subprocess
import sys
from pathlib import Path

from analytics.assets import REPO_ROOT


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports_at_load(path: Path, known: set[str]) -> set[str]:
    """The analytics modules `path` imports when it is loaded (imports inside functions run later)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found |= {name for name in names if name in known}
    return found


def _import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in (REPO_ROOT / "analytics").rglob("*.py")}
    return {name: _imports_at_load(path, set(paths)) - {name} for name, path in paths.items()}


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    done: set[str] = set()

    def visit(module: str, stack: list[str]) -> list[str] | None:
        if module in stack:
            return [*stack[stack.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph[module]):
            if cycle := visit(imported, [*stack, module]):
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        if cycle := visit(module, []):
            return cycle
    return None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert _a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _a_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_analytics_modules() -> None:
    graph = _import_graph()
    assert "analytics.config.camera" in graph and graph["analytics.skills.registry"], (
        "the walk found no imports"
    )
    assert _a_cycle(graph) is None, f"import cycle: {' -> '.join(_a_cycle(graph) or [])}"


def test_the_production_command_line_loads_nothing_from_the_lab() -> None:
    # The modules loaded by `genetec-bridge run --help`, read from sys.modules at exit: stricter than
    # -X importtime, which does not list modules loaded through importlib.
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['genetec-bridge', 'run', '--help']\n"
        "try:\n    runpy.run_module('genetec_bridge.cli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    loaded = result.stdout.splitlines()
    assert "genetec_bridge.commands.run" in loaded and "genetec_bridge.app" in loaded, (
        "no product module seen"
    )
    assert [name for name in loaded if name.startswith("genetec_bridge.lab")] == []


def test_genetec_bridge_help_lists_production_commands_only() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genetec_bridge.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "run" in result.stdout and "check-config" in result.stdout
    for lab_command in ("fake-websdk", "demo", "bench"):
        assert lab_command not in result.stdout


def test_the_lab_has_its_own_entry() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genetec_bridge.lab.cli", "--help"], capture_output=True, text=True, check=True
    )
    for lab_command in ("fake-websdk", "demo", "bench"):
        assert lab_command in result.stdout
