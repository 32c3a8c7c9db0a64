"""`snakemake --profile slurm` on a real single-node Slurm cluster that the test starts, with
two partitions (`cpu`, the default, and `gpu`): the generic profile alone, and with each site
example (README, "Running on Slurm"), checked from `scontrol`'s record of every job.

Marked `slurm` (deselected by default, run by .ci/run): it installs Debian's slurm-wlm and munge
when missing, which needs root.
"""

import re
import subprocess
import sys
import time

import pytest
import yaml

from conftest import ROOT
from slacking.cluster import GPU_RULES
from slurm_cluster import cluster

pytestmark = pytest.mark.slurm

TINY = {
    "targets": ["patch_count"],
    "categories": ["natural"],
    "patches": {"size": 32, "counts": [4, 8]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "networks": {"resnet": {"num_feat": 8, "num_block": 1}},
    "experiments": {"patch_count": {"networks": ["resnet"], "rain": "medium"}},
    "training": {
        "iterations": 20,
        "batch_size": 4,
        "checkpoint_every": 10,
        "resources": {"threads": 1, "gpu": 1, "mem_mb": 1000, "runtime": 10},
    },
}


@pytest.fixture(scope="module")
def slurm_env(tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("slurm")) as env:
        yield env


def tiny_config_file(tmp_path, **training):
    results = tmp_path / "results"
    config = {**TINY, "results_dir": str(results)}
    config["training"] = {**TINY["training"], **training}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    return path, results


def snakemake_slurm(config, env, *extra, profiles=("slurm",)):
    """The README's command, on the tiny config, with fast status checks and squeue for status
    (this cluster has no accounting database); no account unless a site profile gives one."""
    account = [] if len(profiles) > 1 else ["--slurm-no-account"]
    return [
        sys.executable, "-m", "snakemake", *(f"--profile={p}" for p in profiles),
        f"--configfile={config}", "--slurm-init-seconds-before-status-checks", "2",
        "--slurm-status-command", "squeue", *account, *extra,
    ]  # fmt: skip


def scontrol_job(job_id, env) -> str:
    return subprocess.run(
        ["scontrol", "show", "job", job_id], env=env, capture_output=True, text=True, check=True
    ).stdout


def training_logs(results):
    return sorted((results / "logs/train").rglob("*.log"))


def test_profile_runs_the_workflow_with_gpu_requests(tmp_path, slurm_env):
    config, results = tiny_config_file(tmp_path)
    run = subprocess.run(
        snakemake_slurm(config, slurm_env, f"{results}/figures/fig4.pdf"),
        cwd=ROOT, env=slurm_env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert (results / "figures/fig4.pdf").stat().st_size > 0
    logs = training_logs(results)
    assert len(logs) == 2  # counts 4 and 8
    for log in logs:
        text = log.read_text()
        job_id = re.search(r"SLURM_JOB_ID=(\d+)", text).group(1)
        assert "CUDA_VISIBLE_DEVICES=0" in text, text
        record = scontrol_job(job_id, slurm_env)
        assert re.search(r"TresPerJob=\S*gpu\S*:1", record), record
        assert "JobState=COMPLETED" in record


def _running_training_job(env) -> str | None:
    queue = subprocess.run(
        ["squeue", "-h", "-t", "RUNNING", "-o", "%i %k"], env=env, capture_output=True, text=True
    ).stdout
    for line in queue.splitlines():
        job_id, _, comment = line.partition(" ")
        if "train_patch_count" in comment:
            return job_id
    return None


def test_a_cancelled_training_job_resumes_from_its_checkpoint(tmp_path, slurm_env):
    config, results = tiny_config_file(tmp_path, iterations=6000, checkpoint_every=50)
    model_dir = results / "models/resnet/natural/medium/n8"
    target = model_dir / "model.pt"
    output_path = tmp_path / "snakemake.out"
    with open(output_path, "w") as output:
        process = subprocess.Popen(
            snakemake_slurm(config, slurm_env, str(target)),
            cwd=ROOT, env=slurm_env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        checkpoints = model_dir / "checkpoints"
        while not (checkpoints.exists() and any(checkpoints.glob("iter_*.pt"))):
            assert time.monotonic() < deadline, "no checkpoint appeared"
            assert process.poll() is None, output_path.read_text()
            time.sleep(0.5)
        job_id = _running_training_job(slurm_env)
        assert job_id is not None
        subprocess.run(["scancel", job_id], env=slurm_env, check=True)
        process.wait(timeout=900)
    finally:
        if process.poll() is None:  # let Snakemake cancel its own jobs on the way out
            process.terminate()
            process.wait(timeout=60)
    output = output_path.read_text()
    assert process.returncode == 0, output  # the profile's retry finished the job
    assert target.exists()
    assert "CANCELLED" in scontrol_job(job_id, slurm_env)
    log = training_logs(results)[0].read_text()
    resumed = re.search(r"resumed from \S+ at iteration (\d+)", log)
    assert resumed and int(resumed.group(1)) >= 50, log
    iterations = [
        int(line.split(",")[0]) for line in (model_dir / "train.csv").read_text().split()[1:]
    ]
    assert iterations == list(range(1, 6001))  # each iteration logged once across both attempts


# The site examples on the two-partition cluster: Figs. 4/10 and the sharpness family (three of
# the four GPU rules; the content prior's training is the fourth) with every table and figure.
TINY_SITE = {
    **TINY,
    "targets": ["patch_count", "sharpness"],
    "sharpness": {"categories": ["natural"], "count": 4, "max_candidates": 5000},
    "experiments": {
        **TINY["experiments"],
        "sharpness": {"network": "resnet", "iterations": 10, "snapshot_every": 5},
    },
}
# What that DAG submits: the rules that take minutes. Its tables, figures and report pages
# (patch_count_table, data_figure, sharpness_table, claims, table_page, ...) run on the submit
# host; complexity_table reads every category's largest patch set, so it is submitted.
SUBMITTED = {
    "embedded_pool", "patches", "sharpness_sets", "test_set", "complexity_table",
    "train_patch_count", "train_sharpness", "evaluate", "evaluate_snapshots",
}  # fmt: skip


def site_config_file(tmp_path, overlay):
    results = tmp_path / "results"
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump({**overlay, "results_dir": str(results)}))
    return path, results


def job_records(env) -> dict[str, dict[str, str]]:
    """Every job slurmctld still holds (MinJobAge keeps finished ones), by job id."""
    out = subprocess.run(
        ["scontrol", "-o", "show", "job"], env=env, capture_output=True, text=True, check=True
    ).stdout
    records = (dict(re.findall(r"(\S+?)=(\S*)", line)) for line in out.splitlines())
    return {record["JobId"]: record for record in records if "JobId" in record}


def submitted_jobs(command, env, timeout=900):
    """Run ``command``; returns its output and the records of the jobs it submitted, each with
    the rule named in its comment (the plugin writes ``rule_<name>[_wildcards_...]``)."""
    before = set(job_records(env))
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=timeout)  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    jobs = [record for job_id, record in job_records(env).items() if job_id not in before]
    for record in jobs:
        record["rule"] = re.match(r"rule_(\w+?)(?:_wildcards_|$)", record["Comment"]).group(1)
    return output, jobs


def dag_counts(output) -> dict[str, int]:
    """Jobs per rule, from the first job-stats table of a Snakemake run's output."""
    table = output.split("Job stats:", 1)[1].split("total", 1)[0]
    rows = (line.split() for line in table.splitlines())
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}


def test_the_site_example_sends_gpu_rules_to_gpu_and_the_rest_to_cpu(tmp_path, slurm_env):
    """slurm/site-example as a site copies it (account, cpu default, gpu partition, a100): the
    `--gpus` route. Only this cluster's missing accounting database is worked around, with
    squeue for status; the plugin cannot validate the account and submits it as given."""
    config, results = site_config_file(tmp_path, TINY_SITE)
    output, jobs = submitted_jobs(
        snakemake_slurm(config, slurm_env, "all", profiles=("slurm", "slurm/site-example")),
        slurm_env,
    )
    assert (results / "figures/fig4.pdf").exists() and (results / "tables/sharpness.csv").exists()
    counts = dag_counts(output)
    submitted = {}
    for record in jobs:
        submitted[record["rule"]] = submitted.get(record["rule"], 0) + 1
        assert record["JobState"] == "COMPLETED", record
        assert record["Account"] == "myproject", record
        gpu_rule = record["rule"] in GPU_RULES
        assert record["Partition"] == ("gpu" if gpu_rule else "cpu"), record
        assert (record.get("TresPerJob") == "gres:gpu:a100:1") == gpu_rule, record
    # Each job of those rules submitted once, and nothing else: no table, figure or page.
    assert submitted == {rule: counts[rule] for rule in SUBMITTED}, (submitted, counts)
    local = set(counts) - SUBMITTED
    assert {"patch_count_table", "patch_count_figure", "complexity_figure", "data_figure",
            "sharpness_table", "sharpness_figure", "sharpness_examples_figure", "claims",
            "table_page"} <= local  # fmt: skip
    assert {rule for rule in submitted if rule in GPU_RULES} == {
        "train_patch_count", "train_sharpness", "evaluate_snapshots",
    }  # fmt: skip
    for log in training_logs(results):
        assert "CUDA_VISIBLE_DEVICES=0" in log.read_text(), log


def test_the_gres_site_example_gives_the_job_its_gpu(tmp_path, slurm_env):
    """slurm/site-example-gres: `--gres=gpu:a100:1` instead of `--gpus`, in the gpu partition,
    and the training job sees the GPU Slurm gave it."""
    config, results = site_config_file(tmp_path, TINY)
    target = results / "models/resnet/natural/medium/n4/model.pt"
    profiles = ("slurm", "slurm/site-example-gres")
    _, jobs = submitted_jobs(
        snakemake_slurm(config, slurm_env, str(target), profiles=profiles), slurm_env
    )
    assert target.exists()
    assert sorted(record["rule"] for record in jobs) == [
        "embedded_pool", "patches", "train_patch_count",
    ]  # fmt: skip
    for record in jobs:
        assert record["JobState"] == "COMPLETED", record
        training = record["rule"] == "train_patch_count"
        assert record["Partition"] == ("gpu" if training else "cpu"), record
        assert (record.get("TresPerNode") == "gres:gpu:a100:1") == training, record
        assert "gpu" not in record.get("TresPerJob", ""), record  # no --gpus beside it
    (trainer,) = (record for record in jobs if record["rule"] == "train_patch_count")
    (log,) = training_logs(results)
    text = log.read_text()
    assert f"SLURM_JOB_ID={trainer['JobId']}" in text, text
    assert re.search(rf"SLURM_JOB_ID={trainer['JobId']} \S* CUDA_VISIBLE_DEVICES=0", text), text
