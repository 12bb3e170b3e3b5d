"""The layer check: a package imports only packages at or below its own layer, and no modules
import each other in a circle. Imports inside functions count too.

    python tests/layers.py            # exit 1 and a list of the faults, if any

`make lint` runs it. The layers, lowest first, are the subpackages of `jihua_kit/`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LAYERS = (
    "core", "params", "tables", "rules", "explanations", "simulation", "sheets",
    "course", "room", "decks", "classes", "cli",
)  # fmt: skip
KIT = Path(__file__).resolve().parents[1] / "jihua_kit"


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Every jihua_kit module `path` imports, at the top or inside a function."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m == root.name or m.startswith(root.name + ".")}


def graph(root: Path = KIT) -> dict[str, set[str]]:
    """{module: the kit's modules it imports}, over every .py file under `root`."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    return {m: {i for i in imports_of(p, root) if i in files and i != m} for m, p in files.items()}


def layer(module: str, root_name: str = "jihua_kit") -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def upward(g: dict[str, set[str]]) -> list[str]:
    """Imports from a lower layer into a higher one."""
    out = []
    for mod, deps in sorted(g.items()):
        here = layer(mod)
        for dep in sorted(deps):
            there = layer(dep)
            if here is not None and there is not None and there > here:
                out.append(f"{mod} ({LAYERS[here]}) imports {dep} ({LAYERS[there]})")
    return out


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def faults(root: Path = KIT) -> list[str]:
    """Every layer fault and circle under `root`, as readable lines."""
    g = graph(root)
    packages = sorted(p.name for p in root.iterdir() if (p / "__init__.py").exists())
    out = [f"package {p} is not in LAYERS" for p in packages if p not in LAYERS]
    out += upward(g)
    out += ["import circle: " + " -> ".join(c) for c in circles(g)]
    return out


if __name__ == "__main__":
    found = faults(Path(sys.argv[1]) if len(sys.argv) > 1 else KIT)
    for line in found:
        print(line)
    print(f"layers: {len(found)} fault(s)" if found else "layers: clean")
    sys.exit(1 if found else 0)
