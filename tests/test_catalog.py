"""slacking.catalog reads the model registry's source without torch; it must say what the
registry says, since the config check trusts it before any job builds a model."""

import inspect

import pytest

from slacking import catalog, models


def test_catalog_names_every_registered_network():
    shipped = [name for name in models.available() if name in catalog.networks()]
    assert catalog.available() == shipped  # test modules may register more at runtime
    assert {"resnet", "unet", "swinir", "spdnet", "rcdnet", "vqgan", "toy1d"} <= set(shipped)


@pytest.mark.parametrize("name", catalog.available())
def test_catalog_arguments_are_the_constructors(name):
    parameters = inspect.signature(models._REGISTRY[name]).parameters
    assert catalog.networks()[name] == list(parameters)
    assert catalog.unknown_arguments(name, {"num_fet": 8}) == (["num_fet"], list(parameters))


def test_unknown_network_is_named():
    with pytest.raises(ValueError, match="unknown model 'resnett'"):
        catalog.unknown_arguments("resnett", {})
