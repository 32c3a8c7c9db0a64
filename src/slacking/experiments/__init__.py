"""The experiments of the papers as data: one module per family, each owning its runs, its
targets, its report pages and its claims, and the run table that joins them.

A family is a module of this package with ``ORDER`` (its place in the claims and the report),
``CATEGORY`` (its report category), ``SOURCE`` (where the papers make its claims),
``CLAIM_TABLES`` (the tables its claims read, by name), ``PAGES`` (Markdown tables shown in
the report), optionally ``REPLICATED`` (its runs repeat per replicate seed, ``family_runs``),
and functions of the config:
- ``runs(config)``: the runs its tables evaluate, as dicts of ``network``, ``category`` (the
  test category), ``rain_range`` (the degradation), ``n`` and, where they differ from the
  defaults, ``train_category``, ``sharpness``, ``test`` ("seen": on its training rain),
  ``paired_test`` ("rain100l": on Rain100L's own pairs) or ``order``; a denoiser
  (degradation "noise") is tested on salt-and-pepper noise;
- ``untested_runs(config)`` (optional): runs trained but never evaluated on a metric (the
  content prior's pretraining, the networks of the qualitative figures);
- ``targets(config)``: what ``rule all`` builds for it;
- ``claims(tables, config)``: its claims (``slacking.claims.Claim``), from ``CLAIM_TABLES``.
Its rules, if it needs its own, live in ``workflow/rules/<family>.smk``, which the Snakefile
includes when it exists: adding a family touches its module and its rule file only
(docs/adding-an-experiment.md). ``run_table(config)`` is every training run of a preset, once,
with the families that use it, its schedule and the test sets it is evaluated on: exactly
the models the workflow trains (a test compares it with the DAG), written for users as
``results/runs.csv``.

Everything here is a pure function of the config, importable without torch (modules import
the heavy pieces inside the functions that need them); paths are relative to ``results_dir``.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

import pandas as pd

from . import content_prior, real_rain, synthesis, table3
from .schedule import schedule, vqgan_settings

# A run tested on Rain100L's own pairs (``paired_test`` "rain100l": Table III with real data), the
# name of that test set (slacking.data.testsets.RAIN100L_PAIRS, not imported: no numpy here).
RAIN100L, RAIN100L_PAIRS = "rain100l", "rain100l-pairs"

__all__ = ["content_prior", "real_rain", "synthesis", "table3", "schedule", "vqgan_settings"]


@cache
def families() -> tuple[str, ...]:
    """Every family module of this package, in ``ORDER``."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = import_module(f"{__name__}.{info.name}")
        if hasattr(module, "runs") and hasattr(module, "ORDER"):
            found.append((module.ORDER, info.name))
    return tuple(name for _, name in sorted(found))


def family(name: str):
    """The module of family ``name``."""
    if name not in families():
        raise ValueError(f"unknown experiment family {name!r}; known: {', '.join(families())}")
    return import_module(f"{__name__}.{name}")


def family_runs(config: dict, name: str) -> list[dict]:
    """The runs family ``name`` evaluates, in its tables' order: a family with
    ``REPLICATED = True`` (its claims are statistics over runs) repeats each run once per
    replicate seed of ``training.seeds``, the seed in the run's keys and paths."""
    module = family(name)
    if not getattr(module, "REPLICATED", False):
        return module.runs(config)
    seeds = config["training"]["seeds"]
    return [{**run, "seed": seed} for run in module.runs(config) for seed in seeds]


def replicate_suffix(run: dict) -> str:
    """The path suffix of a run's replicate seed: none for seed 0 (so a preset with the default
    ``training.seeds: [0]`` keeps its paths), "-s<seed>" for the others."""
    seed = run.get("seed", 0)
    return f"-s{seed}" if seed else ""


def replicate_seed(suffix: str) -> int:
    """The replicate seed of a path suffix (``replicate_suffix``)."""
    return int(suffix.removeprefix("-s") or 0)


def claim_tables(config: dict) -> dict[str, str]:
    """The tables the claims check reads: those of the families this preset builds."""
    return {
        key: path for name in config["targets"] for key, path in family(name).CLAIM_TABLES.items()
    }


def all_claims(tables: dict, config: dict) -> list:
    """Every claim, family by family; a family not among the preset's targets makes one NOT RUN
    line, and the figures no family reproduces close the list."""
    from ..claims import NOT_RUN, Claim, not_built_claims

    claims = []
    for name in families():
        # A family whose claims read no table (the qualitative figures) always says them.
        if name in config["targets"] or not family(name).CLAIM_TABLES:
            claims += family(name).claims(tables, config)
        else:
            readable = name.replace("_", " ")
            why = f"the {readable} experiment is not among this preset's targets"
            claim = f"every claim of the {readable} experiment"
            claims.append(Claim(family(name).SOURCE, claim, "", "", None, "", NOT_RUN, why))
    return claims + not_built_claims()


def trained_category(run: dict) -> str:
    return run.get("train_category", run["category"])


def model_path(run: dict) -> str:
    """Where a run's model.pt lies."""
    if "order" in run:
        return f"function_denoising/models/O{run['order']}.pt"
    if "sharpness" in run:
        return f"models/{run['network']}/sharpness-{run['sharpness']}/{run['rain_range']}/model.pt"
    return (
        f"models/{run['network']}/{trained_category(run)}/{run['rain_range']}/"
        f"n{run['n']}{replicate_suffix(run)}/model.pt"
    )


def metrics_path(run: dict) -> str:
    """Where a run's per-image metrics are: on its own category's test set, another's, or
    (``test`` "seen") on its training rain."""
    if "order" in run:
        return f"function_denoising/mse/O{run['order']}.csv"
    if "sharpness" in run:
        return f"metrics/sharpness/{run['network']}/{run['sharpness']}/{run['rain_range']}.csv"
    return (
        f"metrics/{tested_prefix(run)}{run['network']}/{trained_category(run)}/"
        f"{run['rain_range']}/n{run['n']}{replicate_suffix(run)}.csv"
    )


def examples_path(run: dict) -> str:
    """The rainy | output | clean strips written beside a run's metrics."""
    return "examples/" + metrics_path(run).removeprefix("metrics/").removesuffix(".csv")


def tested_prefix(run: dict) -> str:
    """The prefix of a run's metrics path that names its test set (``evaluated_on``)."""
    if run.get("test") == "seen":
        return "seen/"
    if run.get("paired_test") == RAIN100L:
        return f"{RAIN100L}/"
    if trained_category(run) != run["category"]:
        return f"on-{run['category']}/"
    return ""


def run_tested_on(config: dict, run: dict) -> tuple[str, str]:
    """(category, test set) a deraining or denoising run is evaluated on (``evaluated_on``)."""
    return evaluated_on(config, tested_prefix(run), trained_category(run), run["rain_range"])


def test_set(config: dict, run: dict) -> str:
    """Where a run is evaluated: "<category>/<test set>" (``run_tested_on``)."""
    if "order" in run:
        return "cosines"
    return "/".join(run_tested_on(config, run))


def evaluated_on(config: dict, tested: str, category: str, degradation: str) -> tuple[str, str]:
    """(category, test set) that a model trained on ``category`` is evaluated on, from the
    prefix of its metrics path (``metrics_path``): "" its own category's unseen test rain
    (salt-and-pepper noise for a denoiser), "seen/" its training rain on the same test
    backgrounds, "rain100l/" Rain100L's own rainy/clean pairs (Table III with real data),
    "on-<category>/" another category's unseen test rain."""
    if tested == "seen/":
        return category, f"seen-{degradation}"
    if tested == f"{RAIN100L}/":
        return category, RAIN100L_PAIRS
    if tested.startswith("on-"):
        return tested.removeprefix("on-").rstrip("/"), config["test"]["rain"]
    return category, "salt-pepper" if degradation == "noise" else config["test"]["rain"]


def test_set_config(config: dict, name: str) -> dict:
    """The config block that renders test set ``name`` (slacking.data.testsets): the training
    rain for "seen-<range>", the noise for "salt-pepper", else the test rain of that name."""
    if name.startswith("seen-"):
        return config["rain"]
    if name == RAIN100L_PAIRS:
        return config["test_rain"][RAIN100L]
    if name == "salt-pepper":
        return config["noise"]
    return config["test_rain"][name]


def run_table(config: dict) -> pd.DataFrame:
    """One row per training run of the preset's families (``config["targets"]``): its model,
    the families that use it, its degradation, count and schedule, and where it is tested."""
    rows: dict[str, dict] = {}
    for name in config["targets"]:
        module = family(name)
        tested = [(run, True) for run in family_runs(config, name)]
        untested = [(run, False) for run in getattr(module, "untested_runs", lambda c: [])(config)]
        for run, evaluated in tested + untested:
            model = model_path(run)
            row = rows.setdefault(model, _row(config, run, model))
            if name not in row["families"]:
                row["families"].append(name)
            if evaluated:
                where = test_set(config, run)
                if where not in row["tested_on"]:
                    row["tested_on"].append(where)
    table = pd.DataFrame(rows.values())
    for column in ("families", "tested_on"):
        table[column] = table[column].map(";".join)
    return table


def _row(config: dict, run: dict, model: str) -> dict:
    training = schedule(config, run)
    if "sharpness" in run:  # a class's patches come from every sharpness category
        category, n = "+".join(config["sharpness"]["categories"]), config["sharpness"]["count"]
    else:
        category, n = trained_category(run), run.get("n", "")
    return {
        "model": model,
        "families": [],
        "network": run["network"],
        "train_category": category,
        "degradation": run["rain_range"],
        "n": n,
        "sharpness": run.get("sharpness", ""),
        "order": run.get("order", ""),
        "seed": run.get("seed", 0),
        "training_seed": config["seed"] + run.get("seed", 0),
        "iterations": training["iterations"],
        "batch_size": training["batch_size"],
        "lr": training["lr"],
        "tested_on": [],
    }
