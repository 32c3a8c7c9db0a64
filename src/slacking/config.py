"""Configuration checks that fail before any job runs, with one line naming the key.

The JSON schema (workflow/schemas/config.schema.yaml) says what each key may hold; the checks
here add what a schema cannot: names that must refer to other keys, and subset counts that the
embedded image pools can actually supply.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """A configuration value that the pipeline cannot run with."""


def _where(path) -> str:
    return ".".join(str(part) for part in path) or "<top level>"


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = _where(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        if allowed:
            return f"config error at {where}: unknown key {unknown} (allowed: {', '.join(allowed)})"
    if error.validator == "enum":
        return f"config error at {where}: {error.instance!r} is not one of {error.validator_value}"
    if error.validator == "oneOf":
        return f"config error at {where}: expected either url/checksum/filename or placed/hint"
    return f"config error at {where}: {error.message}"


def load_schema(path: str | Path) -> dict:
    return yaml.safe_load(Path(path).read_text())


def check_schema(config: dict, schema: dict) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(config))
    if error is not None:
        raise ConfigError(_schema_message(error))


def _require_known(names, allowed, key: str) -> None:
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ConfigError(
            f"config error at {key}: unknown {unknown} (allowed: {', '.join(sorted(allowed))})"
        )


def _registered_networks() -> list[str]:
    from .models import available

    return available()


def check_references(config: dict) -> None:
    categories = config["category_data"]
    _require_known(config["categories"], categories, "categories")
    _require_known(config["networks"], _registered_networks(), "networks")
    family = config["experiments"]["patch_count"]
    _require_known(family["networks"], config["networks"], "experiments.patch_count.networks")
    _require_known([family["rain"]], config["rain"]["ranges"], "experiments.patch_count.rain")
    _require_known(config["sharpness"]["categories"], categories, "sharpness.categories")
    for name, spec in config["rain"]["ranges"].items():
        even = [w for w in spec["widths"] if w % 2 == 0]
        if even:
            raise ConfigError(f"config error at rain.ranges.{name}.widths: {even} must be odd")
    low, high = config["rain"]["intensity"]
    if not 0 <= low <= high <= 1:
        raise ConfigError(
            f"config error at rain.intensity: need 0 <= low <= high <= 1, got {low, high}"
        )
    if config["data_source"] == "real" or config["test"]["rain"] == "rain100l":
        sources = config["datasets"]["sources"]
        needed = {}
        if config["data_source"] == "real":
            for category in config["categories"]:
                for split in ("train", "test"):
                    key = f"category_data.{category}.real.{split}.dataset"
                    needed[key] = categories[category]["real"][split]["dataset"]
        if config["test"]["rain"] == "rain100l":
            needed["test_rain.rain100l.dataset"] = config["test_rain"]["rain100l"]["dataset"]
        for key, dataset in needed.items():
            _require_known([dataset], sources, key)


def check_embedded_capacity(config: dict) -> None:
    """Counts above an embedded pool's capacity would mostly repeat the same content."""
    from .data.embedded import pool_capacity

    lfw_size = config["embedded"]["lfw_size"]
    wanted = {
        "train": (config["patches"]["size"], max(config["patches"]["counts"]), "patches.counts"),
        "test": (config["test"]["size"], config["test"]["count"], "test.count"),
    }
    for category in config["categories"]:
        for split, (size, count, key) in wanted.items():
            specs = config["category_data"][category]["embedded"][split]
            capacity = pool_capacity(specs, lfw_size, size)
            if count > capacity:
                raise ConfigError(
                    f"config error at {key}: {count} exceeds the embedded {category} {split} pool, "
                    f"which holds {capacity} patches of {size}x{size} at half-patch stride "
                    f"(allowed: at most {capacity}, or data_source: real)"
                )


def check_config(config: dict, schema_path: str | Path) -> None:
    """Raise ConfigError with a one-line message for the first problem found."""
    check_schema(config, load_schema(schema_path))
    check_references(config)
    if config["data_source"] == "embedded":
        check_embedded_capacity(config)
