"""The package's import graph has no cycles and points downwards only: every module of
src/slacking is parsed (never imported), each import of another slacking module, at the top or
inside a function, is an edge, and no edge may close a cycle or climb to a higher layer.

Imports by a name computed at run time (``importlib.import_module``) are not seen: so
``slacking.models`` loads every network module at its end (the registry), and those modules
import ``register`` from it, which is defined by then.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = "slacking"
SOURCE = ROOT / "src" / PACKAGE

#: Module-name prefixes (relative to ``slacking``; "" is the package itself), lowest layer first.
#: A module may import its own layer and the layers below it; the longest matching prefix wins.
LAYERS: list[tuple[str, ...]] = [
    # Foundations: files, digests, locks, copies to the GPU, metrics, results bundles, what a
    # config may name (catalog) and where rules run (cluster). Import no other layer.
    ("", "atomic", "integrity", "provenance", "metrics", "complexity", "sharpness",
     "host_to_device", "run_lock", "statistics", "bundle", "catalog", "cluster"),
    # What the networks see: training and test rain, the degradations (rain or noise), data.
    # ``degradations`` sits here, beside the rain it picks from, rather than above the models:
    # it needs nothing from them, and ``data.testsets`` draws its salt-and-pepper test noise
    # from it.
    ("rain", "degradations", "data"),
    ("models",),
    # ``config`` checks a config with what will consume it (the network catalog, the rain
    # parameters, the embedded pools' shapes; imported inside its checks, none needing torch,
    # since every `snakemake` call runs them), so it sits above them, not among the foundations.
    ("config",),
    # Training and evaluating runs.
    ("training", "stacked", "train_job", "evaluation", "function_denoising", "validity"),
    # Tables and figures of the results.
    ("content_prior", "table3", "tables", "function_denoising_tables", "plotting"),
    ("claims",),
    # An experiment family may use anything.
    ("experiments",),
    # Per-job costs, listed from the run table.
    ("costs",),
]  # fmt: skip


def module_name(path: Path, source: Path = SOURCE, package: str = PACKAGE) -> str:
    parts = [package, *path.relative_to(source).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(source: Path = SOURCE, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    return {module_name(p, source, package): p for p in sorted(source.rglob("*.py"))}


def imported(name: str, path: Path, known: set[str], package: str = PACKAGE) -> set[str]:
    """The package's modules that module ``name`` (file ``path``) imports, anywhere in it.

    ``from X import y`` names module ``X.y`` when that is a module, else ``X`` itself."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                base = ".".join([*base, node.module] if node.module else base)
            else:
                base = node.module or ""
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # A name that is no module (a function, a class) stands for the module defining it.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.partition(".")[0] == package and target != name:
                found.add(target)
    return found


def import_graph(source: Path = SOURCE, package: str = PACKAGE) -> dict[str, set[str]]:
    found = modules(source, package)
    return {name: imported(name, path, set(found), package) for name, path in found.items()}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) through each strongly connected group of modules that
    has one (Tarjan's algorithm, then a path back to the group's first module)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)

    cycles = []
    for group in groups:
        start, members = group[0], set(group)
        if len(group) == 1 and start not in graph.get(start, ()):
            continue
        # Shortest path from start back to start within the group (breadth first).
        previous: dict[str, str] = {}
        frontier = [start]
        while start not in previous:
            following = []
            for node in frontier:
                for target in sorted(graph.get(node, ())):
                    if target in members and target not in previous:
                        previous[target] = node
                        following.append(target)
            frontier = following
        path = [start]
        while len(path) == 1 or path[-1] != start:
            path.append(previous[path[-1]])
        cycles.append(path[::-1])
    return sorted(cycles)


def layer_of(name: str, layers=LAYERS, package: str = PACKAGE) -> int | None:
    relative = name.removeprefix(package).removeprefix(".")
    matches = [
        (len(prefix), level)
        for level, prefixes in enumerate(layers)
        for prefix in prefixes
        if relative == prefix or (prefix and relative.startswith(prefix + "."))
    ]
    return max(matches)[1] if matches else None


def upward_imports(graph: dict[str, set[str]], layers=LAYERS, package=PACKAGE) -> list[str]:
    """``a -> b`` for every import of a module ``b`` of a higher layer than ``a``'s (a module
    without a layer is reported by ``test_every_module_has_a_layer`` instead)."""
    level = {
        name: layer_of(name, layers, package) for name in {*graph, *set().union(*graph.values())}
    }
    return [
        f"{name} (layer {level[name]}) -> {target} (layer {level[target]})"
        for name, targets in sorted(graph.items())
        for target in sorted(targets)
        if None not in (level[name], level[target]) and level[target] > level[name]
    ]


# -- the package -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_graph_sees_the_package(graph):
    assert len(graph) > 40
    assert {"slacking.degradations", "slacking.models.vqgan"} <= graph["slacking.training"]
    # A relative import inside a function is an edge too.
    assert "slacking.catalog" in graph["slacking.config"]


def test_every_module_has_a_layer(graph):
    unplaced = [name for name in graph if layer_of(name) is None]
    assert unplaced == [], f"modules in no layer (add them to LAYERS): {unplaced}"


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_module_imports_a_higher_layer(graph):
    upward = upward_imports(graph)
    assert upward == [], "imports of a higher layer:\n" + "\n".join(upward)


# -- the checks themselves ---------------------------------------------------------------------


def test_cycle_finder_on_a_hand_made_graph():
    acyclic = {"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"a"}}
    assert find_cycles(acyclic) == []
    tangled = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"a"}}
    assert find_cycles(tangled) == [["a", "b", "c", "a"], ["e", "e"]]
    two = {"x": {"y"}, "y": {"x", "z"}, "z": {"y"}}
    assert find_cycles(two) == [["x", "y", "x"]]


def test_layer_check_on_a_hand_made_graph():
    layers = [("low", ""), ("mid",), ("top", "low.up")]
    graph = {"p.low": {"p.mid"}, "p.mid": {"p.low", "p.low.up"}, "p.low.up": {"p.top"}}
    assert layer_of("p.low.up", layers, "p") == 2  # the longest prefix wins
    assert layer_of("p.lowish", layers, "p") is None  # prefixes end at a dot
    assert layer_of("p", layers, "p") == 0
    assert upward_imports(graph, layers, "p") == [
        "p.low (layer 0) -> p.mid (layer 1)",
        "p.mid (layer 1) -> p.low.up (layer 2)",
    ]
    assert upward_imports({"p.low.up": {"p.top"}, "p.mid": {"p.low"}}, layers, "p") == []


def test_imports_are_resolved_like_python_does(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from . import a\n",
        "a.py": "import pkg.sub.c\nfrom pkg import b\n",
        "b.py": "def f():\n    from .sub import c, helper\n",
        "sub/__init__.py": "from .c import helper\nfrom .. import a\n",
        "sub/c.py": "from ..b import f\nfrom os import path\n",
    }
    for name, text in files.items():
        (package / name).write_text(text)
    assert import_graph(package, "pkg") == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.c", "pkg.b"},
        "pkg.b": {"pkg.sub.c", "pkg.sub"},
        "pkg.sub": {"pkg.sub.c", "pkg.a"},
        "pkg.sub.c": {"pkg.b"},
    }
    assert find_cycles(import_graph(package, "pkg")) == [["pkg.a", "pkg.b", "pkg.sub", "pkg.a"]]
