"""What a config may name, known without importing torch: the networks and their arguments.

Every `snakemake` call (and every Slurm job, which re-parses the workflow) checks the config
before planning. Importing the model registry for that would load torch, so the check reads
the registry's own source instead: each ``@register("name")`` on a class (its ``__init__``)
or a factory function in ``slacking/models``. tests/test_catalog.py keeps the two in step.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

MODELS = Path(__file__).parent / "models"

# The degradations that are not rain (slacking.degradations): never the name of a rain range.
NOISE = "noise"
CLEAN = "clean"
RESERVED = (NOISE, CLEAN)


def _registered_name(node: ast.AST) -> str | None:
    """The name in a ``@register("name")`` decorator of ``node``, if it has one."""
    for decorator in getattr(node, "decorator_list", []):
        if (
            isinstance(decorator, ast.Call)
            and getattr(decorator.func, "id", None) == "register"
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
        ):
            return decorator.args[0].value
    return None


def _arguments(function: ast.FunctionDef, skip_self: bool) -> list[str] | None:
    """Keyword-passable parameter names; None when the function takes **kwargs (any name)."""
    if function.args.kwarg is not None:
        return None
    positional = [*function.args.posonlyargs, *function.args.args]
    names = [a.arg for a in positional[1 if skip_self else 0 :]]
    return names + [a.arg for a in function.args.kwonlyargs]


def _signature(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.FunctionDef):
        return _arguments(node, skip_self=False)
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return _arguments(item, skip_self=True)
    return []  # a class without __init__ of its own: nn.Module's, which takes nothing


@cache
def networks() -> dict[str, list[str] | None]:
    """Registered network name -> the constructor's argument names (None: any name)."""
    found = {}
    for path in sorted(MODELS.glob("*.py")):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            name = _registered_name(node)
            if name is not None:
                found[name] = _signature(node)
    return found


def available() -> list[str]:
    """Registered network names, sorted (as ``slacking.models.available``)."""
    return sorted(networks())


def unknown_arguments(name: str, kwargs: dict) -> tuple[list[str], list[str]]:
    """(the keys of ``kwargs`` that ``name``'s constructor does not take, the ones it takes)."""
    if name not in networks():
        raise ValueError(f"unknown model {name!r}; registered: {', '.join(available())}")
    accepted = networks()[name]
    if accepted is None:
        return [], []
    return sorted(set(kwargs) - set(accepted)), accepted
