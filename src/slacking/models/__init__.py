"""Registry of the study's networks: ``build(name, **kwargs)`` is how every other part of the
pipeline gets a model, so presets can name a network and its size as plain data.

Importing the package imports every module in it, and each registers its networks with
``@register(name)``; a new network therefore needs only a new module here.
``build(name)`` without keyword arguments gives the papers' paper-scale model, and
``load_model`` rebuilds a trained one from the record (``model_record``) in its model.pt.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

from ..integrity import load_torch

_REGISTRY: dict[str, Callable[..., torch.nn.Module]] = {}


def register(name: str):
    """Decorator registering a model class or factory under ``name``.

    Registering another object under a taken name is an error (two networks silently sharing a
    name would train the wrong model); re-registering the same definition, as happens when a
    module is imported twice, is allowed.
    """

    def decorator(factory: Callable[..., torch.nn.Module]):
        previous = _REGISTRY.get(name)
        if previous is not None and _qualified(previous) != _qualified(factory):
            raise ValueError(f"model name {name!r} is already registered to {_qualified(previous)}")
        _REGISTRY[name] = factory
        return factory

    return decorator


def available() -> list[str]:
    """Registered model names, sorted."""
    return sorted(_REGISTRY)


def build(name: str, **kwargs) -> torch.nn.Module:
    """The model registered as ``name``, built with ``kwargs`` (none: the paper-scale model).

    Keyword arguments are checked against the factory's signature first, so a typo in a preset
    names every offending key instead of surfacing as the first one Python happens to reject.
    """
    unknown, accepted = unknown_arguments(name, kwargs)
    if unknown:
        raise TypeError(
            f"model {name!r} got unknown keyword arguments {unknown}; "
            f"accepted: {', '.join(accepted) or 'none'}"
        )
    return _REGISTRY[name](**kwargs)


def unknown_arguments(name: str, kwargs: dict) -> tuple[list[str], list[str]]:
    """(the keys of ``kwargs`` that ``name``'s factory does not take, the ones it takes); the
    config check uses it to refuse a preset before any job builds the model."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown model {name!r}; registered: {', '.join(available())}")
    parameters = inspect.signature(_REGISTRY[name]).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return [], list(parameters)
    return sorted(set(kwargs) - set(parameters)), list(parameters)


def model_record(network: str, kwargs: dict, model: torch.nn.Module, iteration: int) -> dict:
    """What model.pt (and a snapshot) holds: enough for ``load_model`` to rebuild the network."""
    return {"network": network, "kwargs": kwargs, "iteration": iteration,
            "state_dict": model.state_dict()}  # fmt: skip


def load_model(path: Path, device: str | torch.device = "cpu") -> torch.nn.Module:
    """Rebuild a trained network from model.pt (or a snapshot) for evaluation."""
    saved = load_torch(path)
    model = build(saved["network"], **saved["kwargs"])
    model.load_state_dict(saved["state_dict"])
    return model.to(device).eval()


def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """Pad H and W at the bottom/right up to a multiple of ``multiple``.

    Reflection keeps image statistics at the border (zeros would look like a dark frame);
    inputs too small to reflect fall back to edge replication. Callers crop back to H, W.
    """
    height, width = x.shape[-2:]
    pad_h, pad_w = -height % multiple, -width % multiple
    if pad_h == 0 and pad_w == 0:
        return x
    mode = "reflect" if pad_h < height and pad_w < width else "replicate"
    return F.pad(x, (0, pad_w, 0, pad_h), mode=mode)


@torch.no_grad()
def kaiming_scaled(module: torch.nn.Module, scale: float) -> None:
    """BasicSR's ``default_init_weights``: Kaiming-normal conv weights times ``scale``, zero
    bias. A small scale keeps residual branches near zero at the start, so deep stacks without
    batch norm begin close to the identity and train stably."""
    for m in module.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight)
            m.weight.mul_(scale)
            if m.bias is not None:
                torch.nn.init.zeros_(m.bias)


def _qualified(obj) -> str:
    return f"{obj.__module__}.{getattr(obj, '__qualname__', repr(obj))}"


for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
