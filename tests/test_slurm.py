"""`snakemake --profile slurm` on a real single-node Slurm cluster that the test starts.

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


def snakemake_slurm(config, env, *extra):
    """The README's command, on the tiny config, with fast status checks, no account and squeue
    for status (this cluster has no accounting database)."""
    return [
        sys.executable, "-m", "snakemake", "--profile", "slurm", f"--configfile={config}",
        "--slurm-init-seconds-before-status-checks", "2", "--slurm-no-account",
        "--slurm-status-command", "squeue", *extra,
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
