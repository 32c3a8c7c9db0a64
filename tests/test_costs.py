"""Per-job cost (slacking.costs): every training and evaluation job writes a benchmark,
results/benchmarks/jobs.csv has one row per such job of the config, and the hours add up."""

import copy
import subprocess
import sys
from collections import Counter

import pandas as pd
import pytest
import yaml
from snakemake.utils import update_config

from conftest import ROOT, run_snakemake
from slacking import costs

# Two families with training and evaluation jobs of four rules, at toy sizes.
TINY = {
    "targets": ["rain_range", "function_denoising"],
    "categories": ["natural"],
    "patches": {"size": 32, "counts": [8]},
    "test": {"size": 32, "count": 2, "rain": "embedded"},
    "networks": {"resnet": {"num_feat": 4, "num_block": 1}},
    "training": {"iterations": 6, "batch_size": 2, "checkpoint_every": 3},
    "evaluation": {"examples": 1},
    "function_denoising": {
        "segments": 50,
        "network": {"channels": 4, "kernel_size": 5},
        "training": {"iterations": 5, "batch_size": 8},
    },
}


def dag_counts(*args) -> Counter:
    """Jobs per timed rule in a forced dry run of ``all``."""
    out = run_snakemake("-n", "--forceall", *args, "--quiet", "rules", "--", "all").stdout
    rows = (line.split() for line in out.splitlines())
    return Counter({r[0]: int(r[1]) for r in rows if len(r) == 2 and r[0] in costs.GROUPS})


def listed_counts(config: dict) -> Counter:
    return Counter(job["rule"] for job in costs.timed_jobs(config))


def merged(default_config, overlay):
    """The config Snakemake sees with ``overlay`` as a --configfile on the default."""
    config = copy.deepcopy(default_config)
    update_config(config, overlay)
    return config


@pytest.mark.parametrize("preset", [None, "stacked", "cpu-trend", "paper"])
def test_timed_jobs_are_the_dags_training_and_evaluation_jobs(preset, default_config, tmp_path):
    """The jobs the table reads are exactly the training and evaluation jobs `all` schedules:
    one per stacked job, one per replicate seed, no pretraining for an imported prior."""
    args, config = [], default_config
    if preset == "stacked":
        overlay = {"training": {"stack_counts": True}}
        path = tmp_path / "stacked.yaml"
        path.write_text(yaml.safe_dump(overlay))
        args, config = [f"--configfile={path}"], merged(default_config, overlay)
    elif preset:
        overlay = yaml.safe_load((ROOT / f"config/{preset}.yaml").read_text())
        args = [f"--configfile=config/{preset}.yaml"]
        config = merged(default_config, overlay)
    assert listed_counts(config) == dag_counts(*args)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The tiny config's jobs.csv, built from scratch (with a stale benchmark planted first)."""
    work = tmp_path_factory.mktemp("costs")
    results = work / "results"
    config = work / "tiny.yaml"
    config.write_text(yaml.safe_dump({**TINY, "results_dir": str(results)}))
    stale = results / "benchmarks/jobs/evaluate/unet/natural/medium/n8.tsv"
    stale.parent.mkdir(parents=True)
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time"
    stale.write_text(f"{header}\n9999.0\t2:46:39\t100\t100\t100\t100\t0\t0\t100\t9999.0\n")
    run_snakemake("--cores", "2", f"--configfile={config}", results / "benchmarks/jobs.csv")
    return config, results


def test_a_tiny_run_measures_every_training_and_evaluation_job(tiny_run, default_config):
    config, results = tiny_run
    table = pd.read_csv(results / "benchmarks/jobs.csv", comment="#")
    expected = dag_counts(f"--configfile={config}")
    assert set(expected) == {
        "train_patch_count",
        "evaluate",
        "function_denoising_train",
        "function_denoising_test",
    }
    assert Counter(table["rule"]) == expected  # one row per job, the stale file not among them
    assert not table.duplicated(["rule", "wildcards"]).any()
    for job in costs.timed_jobs(merged(default_config, yaml.safe_load(config.read_text()))):
        assert (results / job["benchmark"]).exists(), job
    assert (table["seconds"] > 0).all()
    assert (table["max_rss_mb"] > 0).all()
    assert set(table["group"]) == {"training", "evaluation"}
    # Training logs name their device: one GPU where it was CUDA, none on a CPU.
    training = table[table["rule"] == "train_patch_count"]
    assert set(training["device"]) in ({"cpu"}, {"cuda"})
    assert (training["gpus"] == (training["device"] == "cuda")).all()
    assert (table.loc[table["rule"] != "train_patch_count", "gpus"] == 0).all()


def test_hours_sum_the_jobs():
    table = pd.DataFrame(
        {
            "rule": ["train_patch_count", "train_patch_count", "evaluate", "evaluate_snapshots"],
            "group": ["training", "training", "evaluation", "evaluation"],
            "seconds": [3600.0, 1800.0, 360.0, 720.0],
            "cpu_seconds": [7200.0, 3600.0, 180.0, float("nan")],  # NA: ended before sampling
            "gpus": [1, 0, 0, 2],
        }
    )
    summed = costs.hours(table)
    assert summed.loc["training"].tolist() == [2, 1.5, 3.0, 1.0]
    assert summed.loc["evaluation"].tolist() == pytest.approx([2, 0.3, 0.05, 0.4])
    assert summed.loc["total"].tolist() == pytest.approx([4, 1.8, 3.05, 1.4])
    by_rule = costs.hours(table, by="rule")
    assert by_rule.loc["evaluate_snapshots", "gpu_hours"] == pytest.approx(0.4)
    assert list(by_rule.index) == [
        "train_patch_count",
        "evaluate",
        "evaluate_snapshots",
        "total",
    ]


def test_the_command_prints_the_tiny_runs_hours(tiny_run):
    _, results = tiny_run
    path = results / "benchmarks/jobs.csv"
    out = subprocess.run(
        [sys.executable, "-m", "slacking.costs", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    table = pd.read_csv(path, comment="#")
    total = out.splitlines()[-1].split()
    assert total[0] == "total" and int(total[1]) == len(table)
    assert float(total[3]) == pytest.approx(table["cpu_seconds"].sum() / 3600, abs=1e-3)
    assert "config sha256" in out.splitlines()[0]  # which preset it measured
