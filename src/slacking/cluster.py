"""Where each rule runs under a cluster executor (README, "Running on Slurm").

Three places: the GPU partition for the rules in ``GPU_RULES`` (they ask for ``gpu=`` from
config ``training.resources``), the submit host for every rule that takes seconds (no GPU,
runtime ``SHORT_RUNTIME``: tables, figures, report pages, links), and the default (CPU)
partition for everything else. The Snakefile checks the first and derives the second at every
parse; ``slurm/site-example*`` names each GPU rule (tests/test_cluster.py keeps them equal).

Standard library only: the Snakefile imports it on the submit host and in every job.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The rules that ask for a GPU: training and the sharpness runs' per-snapshot evaluation.
GPU_RULES = ("train_patch_count", "train_sharpness", "train_content_prior", "evaluate_snapshots")


def requests_gpu(rule: Any) -> bool:
    """Whether a Snakemake rule declares a ``gpu`` resource (its value comes from config)."""
    return "gpu" in rule.resources


def check_gpu_rules(rules: Iterable[Any]) -> None:
    """Stop with one line when the rules that ask for a GPU are not those of ``GPU_RULES``.

    A rule listed but not defined (a family left out of the workflow) is no error.
    """
    rules = list(rules)
    asking = {rule.name for rule in rules if requests_gpu(rule)}
    defined = {rule.name for rule in rules}
    problems = []
    if unlisted := sorted(asking - set(GPU_RULES)):
        problems.append(f"add {', '.join(unlisted)} (they ask for one)")
    if silent := sorted((set(GPU_RULES) & defined) - asking):
        problems.append(f"remove {', '.join(silent)} (they ask for none)")
    if problems:
        raise ValueError(
            "slacking.cluster.GPU_RULES lists the rules that ask for a GPU (the Slurm site "
            f"profiles send each to the GPU partition): {'; '.join(problems)}"
        )


def submit_host_rules(rules: Iterable[Any], short_runtime: int) -> list[str]:
    """The rules that take seconds, run on the submit host under a cluster executor: those
    without a GPU whose runtime is ``short_runtime`` minutes."""
    return [
        rule.name
        for rule in rules
        if not requests_gpu(rule) and rule.resources.get("runtime") == short_runtime
    ]
