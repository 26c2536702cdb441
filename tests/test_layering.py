"""The layers point one way: probes -> engine -> widgets -> app -> CLI. Nothing
imports a layer above its own, and the headless path (probes, engine, the
CLI's check) never loads Textual: CI and `pinlab probe` work without the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["probes", "workshop.engine", "widgets", "workshop.app", "workshop.cli"]
TOP_FILES = {"workshop/cli.py": "workshop.cli", "workshop/probe_cmd.py": "workshop.cli"}


def _layer_of(module: str) -> int | None:
    for i, name in enumerate(LAYERS):
        if module == name or module.startswith(name + "."):
            return i
    if module == "workshop.probe_cmd":
        return LAYERS.index("workshop.cli")
    return None


def _sources() -> list[tuple[Path, int]]:
    out = []
    for path in sorted(ROOT.glob("**/*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv", "tests", "scripts")):
            continue
        module = TOP_FILES.get(rel) or rel.removesuffix(".py").replace("/", ".")
        layer = _layer_of(module.removesuffix(".__init__"))
        if layer is not None:
            out.append((path, layer))
    return out


def test_no_layer_imports_a_layer_above_it() -> None:
    wrong = []
    sources = _sources()
    assert len(sources) > 40
    for path, layer in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                target = _layer_of(name)
                if target is not None and target > layer:
                    wrong.append(f"{path.relative_to(ROOT)} ({LAYERS[layer]}) imports {name}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_headless_path_does_not_import_textual() -> None:
    engine = sorted(
        p.relative_to(ROOT).as_posix().removesuffix(".py").replace("/", ".")
        for p in (ROOT / "workshop" / "engine").glob("*.py")
    )
    probes = sorted(
        "probes." + p.stem for p in (ROOT / "probes").glob("*.py") if p.stem != "__init__"
    )
    code = (
        "import sys, importlib\n"
        f"for m in {engine + probes + ['workshop.cli', 'workshop.probe_cmd']!r}:\n"
        "    importlib.import_module(m)\n"
        "from workshop import cli\n"
        "cli._parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _imports() -> dict[str, set[str]]:
    """Every module of pinlab and the pinlab modules it imports, wherever in
    the file (a lazy import or one for type checking still ties the two)."""
    modules = {
        (TOP_FILES.get(rel) or rel.removesuffix(".py").replace("/", ".")).removesuffix(
            ".__init__"
        ): path
        for path, _ in _sources()
        if (rel := path.relative_to(ROOT).as_posix())
    }
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[module] |= {n for n in names if n in modules and n != module}
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the modules around it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        path.pop()
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_circle() -> None:
    """Modules import one way inside a layer too: no module reaches itself."""
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) is None
    circle = _circle(_imports())
    assert circle is None, " -> ".join(circle or [])
