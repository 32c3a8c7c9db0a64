"""Configuration checks that fail before any job runs, with one line naming the key.

The JSON schema (workflow/schemas/config.schema.yaml) says what each key may hold; the checks
here add what a schema cannot: finite numbers, names that must refer to other keys, network
arguments the constructors accept, the machine's devices, and subset counts that the embedded
image pools can actually supply.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
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


def _leaves(node, where: str = ""):
    """(key path, value) of every value below ``node``, list items as ``key[index]``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{where}[{index}]")
    else:
        yield where, node


def check_finite(config: dict) -> None:
    """YAML's .nan and .inf pass the schema's bounds (NaN compares false), then break a job."""
    for where, value in _leaves(config):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"config error at {where}: {value} is not a finite number")


def check_iterations(config: dict) -> None:
    """A run asking for absurdly many iterations (1.0e+30 is an integer to the schema) would
    never end."""
    largest = config["limits"]["max_iterations"]
    for where, value in _leaves(config):
        named = where.rpartition(".")[2] == "iterations"
        if named and isinstance(value, (int, float)) and value > largest:
            raise ConfigError(
                f"config error at {where}: {value} exceeds limits.max_iterations ({largest}); "
                f"raise limits.max_iterations to run this long"
            )


def check_network_arguments(networks: dict) -> None:
    """A misspelt size argument would otherwise fail only when the first job builds the model."""
    from .catalog import unknown_arguments

    for name, kwargs in networks.items():
        unknown, accepted = unknown_arguments(name, kwargs)
        if unknown:
            raise ConfigError(
                f"config error at networks.{name}.{unknown[0]}: not an argument of {name} "
                f"(accepted: {', '.join(accepted) or 'none'})"
            )


def check_device(device: str) -> None:
    """A device this machine lacks would fail only when the first training job starts."""
    if device in ("auto", "cpu"):
        return
    import torch  # here, not at the top: importing slacking.config needs no torch

    count = torch.cuda.device_count()
    if int(device.partition(":")[2] or 0) >= count:
        has = f"CUDA devices cuda:0 to cuda:{count - 1}" if count else "no CUDA device"
        raise ConfigError(
            f"config error at training.device: {device!r} but this machine has {has}; "
            f"auto (the default) picks CUDA when present"
        )


def _require_known(names, allowed, key: str) -> None:
    unknown = [name for name in names if name not in allowed]
    if unknown:
        allowed = ", ".join(map(str, sorted(allowed)))
        raise ConfigError(f"config error at {key}: unknown {unknown} (allowed: {allowed})")


def check_references(config: dict) -> None:
    from .catalog import available

    categories = config["category_data"]
    _require_known(config["categories"], categories, "categories")
    _require_known(config["networks"], available(), "networks")
    check_network_arguments(config["networks"])
    _check_experiments(config)
    _require_known(config["sharpness"]["categories"], categories, "sharpness.categories")
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
    _check_function_denoising(config["function_denoising"])
    claims = config["claims"]
    _require_known(claims["complexity_order"], categories, "claims.complexity_order")
    # Not required among `categories`: without it, its claim says NOT RUN and why.
    _require_known([claims["transfer_outlier"]], categories, "claims.transfer_outlier")
    _require_known(
        [claims["function_denoising_unseen_noise"]],
        config["function_denoising"]["test_noises"],
        "claims.function_denoising_unseen_noise",
    )


def _check_experiments(config: dict) -> None:
    from .catalog import available

    """Every network, category and rain range an experiment family names must be defined."""
    known = {
        "network": config["networks"],
        "networks": config["networks"],
        "baselines": config["networks"],
        "category": config["category_data"],
        "test_category": config["category_data"],
        "rain": config["rain"]["ranges"],
        "ranges": config["rain"]["ranges"],
    }
    for family, settings in config["experiments"].items():
        for key, allowed in known.items():
            if key in settings:
                names = settings[key] if isinstance(settings[key], list) else [settings[key]]
                _require_known(names, allowed, f"experiments.{family}.{key}")
    table3 = config["experiments"]["table3"]
    for index, row in enumerate(table3["rows"]):
        _require_known(
            [row["rain"]], config["rain"]["ranges"], f"experiments.table3.rows[{index}].rain"
        )
        _require_known(row["paper"], available(), f"experiments.table3.rows[{index}].paper")
    if len(table3["counts"]) != len(table3["rows"]):
        raise ConfigError(
            f"config error at experiments.table3.counts: {len(table3['counts'])} counts for "
            f"{len(table3['rows'])} rows; give one patch count per row"
        )
    _require_known(table3["fig1_rows"], range(len(table3["rows"])), "experiments.table3.fig1_rows")
    sharpness = config["experiments"]["sharpness"]
    limits = [  # (value, key, the largest allowed, what sets it)
        (table3["example_image"], "table3.example_image", config["evaluation"]["examples"] - 1,
         "evaluation.examples - 1"),
        (sharpness["strip_image"], "sharpness.strip_image", config["test"]["count"] - 1,
         "test.count - 1"),
        (sharpness["snapshot_every"], "sharpness.snapshot_every", sharpness["iterations"],
         "experiments.sharpness.iterations"),
        (config["experiments"]["content_prior"]["example_image"], "content_prior.example_image",
         config["evaluation"]["examples"] - 1, "evaluation.examples - 1"),
    ]  # fmt: skip
    _check_content_prior(config)
    for value, key, largest, source in limits:
        # Checked before any job runs: these would otherwise fail only after training.
        if value > largest:
            raise ConfigError(
                f"config error at experiments.{key}: {value} is larger than {source} ({largest})"
            )


def _check_content_prior(config: dict) -> None:
    """The content prior needs its VQGAN's widths, a checkpoint dataset that exists, and rain
    range names that do not shadow the other degradations' names."""
    from .catalog import RESERVED

    family = config["experiments"]["content_prior"]
    for target in ("content_prior", "real_rain"):  # Fig. 20 shows the fine-tuned prior too
        if target in config["targets"] and "vqgan" not in config["networks"]:
            raise ConfigError(
                f"config error at networks: the {target} target needs networks.vqgan "
                "(the content prior's autoencoder)"
            )
    checkpoint = family["prior"]["checkpoint"]
    if checkpoint:
        _require_known(
            [checkpoint["dataset"]],
            config["datasets"]["sources"],
            "experiments.content_prior.prior.checkpoint.dataset",
        )
    clashes = sorted(set(RESERVED) & set(config["rain"]["ranges"]))
    if clashes:
        raise ConfigError(
            f"config error at rain.ranges: {clashes} name other degradations "
            f"({', '.join(RESERVED)}); rename the rain range"
        )


def _check_function_denoising(toy: dict) -> None:
    key = "function_denoising"
    _require_known([order for order, _ in toy["four_panel"]], toy["orders"], f"{key}.four_panel")
    for _, noise in toy["four_panel"]:
        if noise >= len(toy["test_noises"]):
            raise ConfigError(
                f"config error at {key}.four_panel: noise index {noise} is not in test_noises "
                f"(allowed: 0 to {len(toy['test_noises']) - 1})"
            )
    if toy["train_noise"] not in toy["test_noises"]:
        raise ConfigError(
            f"config error at {key}.test_noises: must include the training noise "
            f"{toy['train_noise']} (the red-titled panels of Figs. 11-14)"
        )
    stated = set()
    for index, row in enumerate(toy["paper_mse"]):
        where = f"{key}.paper_mse.{index}"
        _require_known([row["train_order"], row["test_order"]], toy["orders"], where)
        _require_known([row["noise"]], toy["test_noises"], f"{where}.noise")
        setting = (row["train_order"], row["test_order"], tuple(row["noise"]))
        if setting in stated:
            raise ConfigError(f"config error at {where}: a second value for the same setting")
        stated.add(setting)
    if toy["segment_points"] > toy["curve_points"]:
        raise ConfigError(
            f"config error at {key}.segment_points: {toy['segment_points']} exceeds "
            f"curve_points (allowed: at most {toy['curve_points']})"
        )


@contextmanager
def _reported_under(where):
    """Turn a parameter class's ValueError into a ConfigError at the key ``where(field)`` names
    (the classes prefix their messages with the field at fault)."""
    try:
        yield
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        raise ConfigError(f"config error at {where(field)}: {reason}") from None


def check_rain(config: dict) -> None:
    """Training and test rain are checked by the classes that render them, before any job."""
    from .rain.params import TestRainParams, rain_range_from_config

    rain = config["rain"]
    for name, spec in rain["ranges"].items():

        def where(field, name=name, spec=spec):
            return f"rain.ranges.{name}.{field}" if field in spec else f"rain.{field}"

        with _reported_under(where):
            rain_range_from_config(rain, name)
    embedded = config["test_rain"]["embedded"]
    with _reported_under(
        lambda field: f"test_rain.embedded.{field}" if field in embedded else "test_rain.embedded"
    ):
        TestRainParams.from_config(embedded)


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


def check_config(config: dict, schema_path: str | Path, families=None) -> None:
    """Raise ConfigError with a one-line message for the first problem found.

    ``families``: the experiment families that exist (slacking.experiments.families(), passed
    in because that package sits above this one), which ``targets`` may name. The device is
    checked apart (``check_device``), only where jobs run on this machine: a cluster's submit
    host often has no GPU while its nodes do.
    """
    check_finite(config)
    check_schema(config, load_schema(schema_path))
    if families is not None:
        _require_known(config["targets"], families, "targets")
    check_iterations(config)
    check_references(config)
    check_rain(config)
    if config["data_source"] == "embedded":
        check_embedded_capacity(config)
