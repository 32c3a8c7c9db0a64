"""Per-job cost, measured. Every training and evaluation job writes a Snakemake benchmark
(``benchmark:``, ``<results>/benchmarks/jobs/<rule>/<job>.tsv``: wall seconds, CPU seconds of
its processes, peak memory); ``jobs_table`` joins those of a preset's jobs into
``<results>/benchmarks/jobs.csv`` and ``hours`` sums them into CPU-hours and GPU-hours per rule
group. The preset's hours, after ``snakemake results/benchmarks/jobs.csv``:

    python -m slacking.costs results/benchmarks/jobs.csv [other presets' jobs.csv ...]

``timed_jobs`` lists a config's jobs from the run table (``slacking.experiments``): the same
paths the rules write, so a benchmark left over from another config is never counted. Pure
functions of the config and the files, importable without torch.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd

from . import experiments
from .cluster import GPU_RULES  # they hold the training GPU (training.resources.gpu)
from .provenance import COMMENT, read_csv

# The rules that carry a ``benchmark:``, by group.
GROUPS = {
    "train_patch_count": "training",
    "train_sharpness": "training",
    "train_content_prior": "training",
    "function_denoising_train": "training",
    "evaluate": "evaluation",
    "evaluate_snapshots": "evaluation",
    "prior_reconstruction": "evaluation",
    "function_denoising_test": "evaluation",
}
# Training jobs log the device they trained on ("device cuda; ..."): slacking.training.
DEVICE_LINE = re.compile(r"^device (\w+)", re.MULTILINE)


def benchmark_path(rule: str, job: str) -> str:
    """A job's benchmark, relative to results_dir: ``benchmarks/jobs/<rule>/<job>.tsv``, where
    ``job`` is the run's path as its log and model name it (``resnet/natural/medium/n8``)."""
    return f"benchmarks/jobs/{rule}/{job}.tsv"


def _training_job(model: str, stacked: bool) -> tuple[str, str]:
    """(rule, job) of the training job that writes ``model`` (a run table ``model``)."""
    if model.startswith("function_denoising/models/"):
        return "function_denoising_train", Path(model).stem
    job = model.removeprefix("models/").removesuffix("/model.pt")
    if "/sharpness-" in job:
        return "train_sharpness", job
    if job.startswith("vqgan-"):
        return "train_content_prior", job
    if stacked:  # one job trains every count of a network, category and rain
        job = re.sub(r"/n\d+(-s\d+)?$", r"/stacked\1", job)
    return "train_patch_count", job


def _evaluation_job(metrics: str) -> tuple[str, str]:
    """(rule, job) of the evaluation job that writes ``metrics`` (``experiments.metrics_path``)."""
    if metrics.startswith("function_denoising/mse/"):
        return "function_denoising_test", Path(metrics).stem
    if metrics.startswith("metrics/sharpness/"):
        return "evaluate_snapshots", metrics.removeprefix("metrics/sharpness/").removesuffix(".csv")
    return "evaluate", metrics.removeprefix("metrics/").removesuffix(".csv")


def timed_jobs(config: dict) -> list[dict]:
    """Every training and evaluation job of ``config`` (its targets' families), once: ``rule``,
    ``group``, ``wildcards`` (the job's name), ``benchmark`` and ``log`` (the training log that
    names the device, else None), relative to results_dir, and ``gpus`` (the GPUs it asks for)."""
    stacked = bool(config["training"]["stack_counts"])
    found = [_training_job(model, stacked) for model in experiments.run_table(config)["model"]]
    tested = (
        experiments.metrics_path(run)
        for name in config["targets"]
        for run in experiments.family_runs(config, name)
    )
    found += [_evaluation_job(metrics) for metrics in tested]
    if "content_prior" in config["targets"]:  # the prior's own reconstruction PSNR
        found.append(("prior_reconstruction", "prior"))
    gpu = config["training"]["resources"]["gpu"]
    jobs = []
    for rule, job in dict.fromkeys(found):
        training = rule != "function_denoising_train" and GROUPS[rule] == "training"
        jobs.append(
            {
                "rule": rule,
                "group": GROUPS[rule],
                "wildcards": job,
                "benchmark": benchmark_path(rule, job),
                "log": f"logs/train/{job}.log" if training else None,
                "gpus": gpu if rule in GPU_RULES else 0,
            }
        )
    return jobs


def read_benchmark(path: str | Path) -> dict:
    """A Snakemake benchmark's wall seconds, CPU seconds and peak RSS (MB); NaN where the job
    ended before its first sample (Snakemake writes NA)."""
    row = pd.read_csv(path, sep="\t", na_values=["NA", "-"]).iloc[0]
    return {
        "seconds": float(row["s"]),
        "cpu_seconds": float(row["cpu_time"]),
        "max_rss_mb": float(row["max_rss"]),
    }


def logged_device(path: str | Path | None) -> str:
    """The device a training job's log says it last trained on ("cpu", "cuda"), or ""."""
    if path is None or not Path(path).exists():
        return ""
    devices = DEVICE_LINE.findall(Path(path).read_text(errors="replace"))
    return devices[-1] if devices else ""


def jobs_table(jobs: list[dict], results: str | Path) -> pd.DataFrame:
    """One row per job of ``timed_jobs``: rule, group, wildcards, seconds, cpu_seconds,
    max_rss_mb, device (from its log, where it names one) and gpus (the GPUs it used: its
    device when logged, else what it asked for)."""
    rows = []
    for job in jobs:
        device = logged_device(Path(results, job["log"]) if job["log"] else None)
        gpus = job["gpus"] if device in ("", "cuda") else 0
        if device == "cuda":
            gpus = max(gpus, 1)
        rows.append(
            {
                "rule": job["rule"],
                "group": job["group"],
                "wildcards": job["wildcards"],
                **read_benchmark(Path(results, job["benchmark"])),
                "device": device,
                "gpus": gpus,
            }
        )
    return pd.DataFrame(rows)


def hours(table: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Hours per ``by`` ("group" or "rule") and in total: jobs, wall hours (each job's seconds,
    summed), CPU-hours (the CPU seconds its processes used) and GPU-hours (wall seconds times the
    GPUs it used)."""
    frame = table.assign(
        wall_hours=table["seconds"] / 3600,
        cpu_hours=table["cpu_seconds"] / 3600,
        gpu_hours=table["seconds"] * table["gpus"] / 3600,
    )
    columns = ["wall_hours", "cpu_hours", "gpu_hours"]
    summed = frame.groupby(by, sort=False)[columns].sum()
    summed.insert(0, "jobs", frame.groupby(by, sort=False).size())
    summed.loc["total"] = [len(frame), *frame[columns].sum()]
    summed["jobs"] = summed["jobs"].astype(int)
    return summed


def preset_line(path: str | Path) -> str:
    """The provenance comment of a jobs.csv (which config made it), or its path alone."""
    with open(path) as handle:
        first = handle.readline().strip()
    return first.removeprefix(COMMENT).strip() if first.startswith(COMMENT) else ""


def report(path: str | Path, by: str = "group") -> str:
    """The hours of one preset's jobs.csv, as the command prints them."""
    summed = hours(read_csv(path), by)
    header = f"{path}" + (f" ({preset_line(path)})" if preset_line(path) else "")
    lines = [header, f"{by:<26}{'jobs':>6}{'wall h':>10}{'CPU h':>10}{'GPU h':>10}"]
    for name, row in summed.iterrows():
        lines.append(
            f"{name:<26}{row['jobs']:>6.0f}{row['wall_hours']:>10.3f}"
            f"{row['cpu_hours']:>10.3f}{row['gpu_hours']:>10.3f}"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m slacking.costs",
        description="CPU-hours and GPU-hours of each preset's training and evaluation jobs.",
    )
    parser.add_argument("tables", nargs="+", type=Path, help="results/benchmarks/jobs.csv")
    parser.add_argument("--by", choices=["group", "rule"], default="group")
    args = parser.parse_args(argv)
    print("\n\n".join(report(path, args.by) for path in args.tables))


if __name__ == "__main__":
    main()
