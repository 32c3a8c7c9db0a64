"""Fault injection: nothing lost, nothing executed.

Each fault is injected into real training jobs (child processes running the code the workflow's
train rule runs, and once Snakemake itself). After each, either the final model is identical to
an uninterrupted run's, or the job failed with the documented message and nothing was deleted
or executed. The run ends with the line ``faults: N injected, N survived, 0 lost``.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
import yaml

from conftest import FAULTS, ROOT, run_snakemake
from slacking.atomic import save_npy
from slacking.integrity import load_torch
from test_integrity import flip_tensor_bytes, plant_code_executing_file

pytestmark = pytest.mark.faults

LONG = {"iterations": 1500, "checkpoint_every": 50}
CHILD = f"""
import json, sys
from pathlib import Path
import torch
sys.path.insert(0, {str(ROOT / "tests")!r})
from test_training import settings
from slacking.train_job import open_job_log, train_job
torch.set_num_threads(1)
run_dir, patches, overrides = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.stderr = open_job_log(Path(run_dir).parent / (Path(run_dir).name + ".log"), [run_dir])
train_job(settings(**overrides), [patches], [run_dir])
"""


def fault(injected: int = 1):
    """Count ``injected`` faults now; the returned callable counts them survived."""
    FAULTS["injected"] += injected

    def survived():
        FAULTS["survived"] += injected

    return survived


def start(run_dir, patches, **overrides):
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(run_dir), str(patches), json.dumps(overrides)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def train(run_dir, patches, **overrides):
    """Run a training job to its end; returns (exit code, its attempts.log text)."""
    code = start(run_dir, patches, **overrides).wait(timeout=300)
    return code, (run_dir / "attempts.log").read_text()


def logged_iteration(run_dir) -> int:
    try:
        last = (run_dir / "train.csv").read_text().splitlines()[-1]
        return int(last.split(",")[0])
    except (OSError, IndexError, ValueError):
        return 0


def interrupt(run_dir, patches, at: int, sig=signal.SIGTERM, **overrides):
    """Start a job and send ``sig`` once its log passes iteration ``at``."""
    child = start(run_dir, patches, **overrides)
    deadline = time.monotonic() + 120
    while logged_iteration(run_dir) < at and child.poll() is None:
        assert time.monotonic() < deadline, "the job never reached the iteration"
        time.sleep(0.005)
    child.send_signal(sig)
    return child.wait(timeout=120)


def weights(run_dir):
    return load_torch(run_dir / "model.pt")["state_dict"]


def same_weights(run_dir, reference) -> bool:
    final = weights(run_dir)
    return final.keys() == reference.keys() and all(
        torch.equal(final[k], reference[k]) for k in reference
    )


def snapshot(directory):
    """Every file below ``directory`` with its bytes: to show nothing was deleted or changed."""
    return {
        p.relative_to(directory): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def patches(work):
    path = work / "patches.npy"
    save_npy(path, np.random.default_rng(0).integers(0, 256, (16, 24, 24, 3), dtype=np.uint8))
    return path


@pytest.fixture(scope="module")
def reference(work, patches):
    code, _ = train(work / "reference", patches, **LONG)
    assert code == 0
    return weights(work / "reference")


@pytest.fixture(scope="module")
def interrupted(work, patches):
    """A run stopped by SIGTERM past its third checkpoint (it has checkpoints 150 and later)."""
    run = work / "interrupted"
    assert interrupt(run, patches, at=160, **LONG) != 0
    assert len(list((run / "checkpoints").glob("iter_*.pt"))) == 2
    return run


def copy_of(run, tmp_path):
    shutil.copytree(run, tmp_path / "run")
    return tmp_path / "run"


def test_kills_at_ten_random_iterations_resume_to_the_same_weights(work, patches, reference):
    survived = fault(10)
    rng = np.random.default_rng(2026)
    run = work / "killed"
    for k in range(10):
        sig = signal.SIGKILL if rng.random() < 0.5 else signal.SIGTERM
        at = 120 * (k + 1) + int(rng.integers(0, 60))
        code = interrupt(run, patches, at=at, sig=sig, **LONG)
        assert code != 0, f"kill {k}: the job ended before {sig.name} at iteration {at}"
    code, log = train(run, patches, **LONG)
    assert code == 0
    assert log.count("=== attempt") == 11
    assert same_weights(run, reference)
    rows = [int(line.split(",")[0]) for line in (run / "train.csv").read_text().splitlines()[1:]]
    assert rows == list(range(1, LONG["iterations"] + 1))  # no gap, no duplicate
    assert not list(run.rglob(".*.tmp.pt"))  # a killed writer's temporary files are gone
    survived()


DAMAGE = {
    "truncated": lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]),
    "random bytes": lambda path: path.write_bytes(os.urandom(path.stat().st_size)),
    "zeros": lambda path: path.write_bytes(bytes(path.stat().st_size)),
    "flipped tensor bytes": flip_tensor_bytes,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_newest_checkpoint_falls_back_to_the_older_one(
    interrupted, patches, reference, tmp_path, damage
):
    survived = fault()
    run = copy_of(interrupted, tmp_path)
    newest = max((run / "checkpoints").glob("iter_*.pt"))
    DAMAGE[damage](newest)
    code, log = train(run, patches, **LONG)
    assert code == 0
    assert "skipping damaged checkpoint" in log
    assert newest.with_name(newest.name + ".corrupt").exists()  # kept for inspection
    assert same_weights(run, reference)
    survived()


@pytest.mark.parametrize("whole_file", [True, False], ids=["random file", "random data bytes"])
def test_a_damaged_patch_file_stops_the_job_and_deletes_nothing(
    interrupted, patches, tmp_path, whole_file
):
    survived = fault()
    run = copy_of(interrupted, tmp_path)
    damaged = tmp_path / "patches.npy"
    shutil.copy(patches, damaged)
    shutil.copy(patches.with_name("patches.npy.sha256"), tmp_path / "patches.npy.sha256")
    data = bytearray(damaged.read_bytes())
    start_at = 0 if whole_file else 128  # past the .npy header: np.load alone reads garbage
    data[start_at:] = os.urandom(len(data) - start_at)
    damaged.write_bytes(bytes(data))
    before = snapshot(run / "checkpoints")
    code, log = train(run, damaged, **LONG)
    assert code != 0
    assert "does not match the checksum recorded when it was written" in log
    assert snapshot(run / "checkpoints") == before
    assert not (run / "model.pt").exists()
    survived()


def test_a_second_trainer_on_a_run_is_refused_and_the_first_finishes(work, patches, reference):
    survived = fault()
    run = work / "contended"
    first = start(run, patches, **LONG)
    deadline = time.monotonic() + 120
    while logged_iteration(run) < 40:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.01)
    second = subprocess.run(
        [sys.executable, "-c", CHILD, str(run), str(patches), json.dumps(LONG)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode != 0
    assert f"is being trained by another process (host {os.uname().nodename} pid {first.pid}" in (
        second.stderr + (run / "attempts.log").read_text()
    )
    assert first.wait(timeout=300) == 0
    assert same_weights(run, reference)
    rows = [int(line.split(",")[0]) for line in (run / "train.csv").read_text().splitlines()[1:]]
    assert rows == list(range(1, LONG["iterations"] + 1))
    survived()


def test_a_planted_code_executing_checkpoint_is_refused_and_runs_nothing(
    interrupted, patches, tmp_path
):
    survived = fault()
    run = copy_of(interrupted, tmp_path)
    marker = tmp_path / "executed"
    plant_code_executing_file(run / "checkpoints/iter_99999999.pt", marker)
    before = snapshot(run)
    code, log = train(run, patches, **LONG)
    assert code != 0
    assert "needs code to load" in log
    assert not marker.exists()
    after = snapshot(run)
    assert {k: v for k, v in after.items() if k.parts[0] == "checkpoints"} == {
        k: v for k, v in before.items() if k.parts[0] == "checkpoints"
    }
    assert not (run / "model.pt").exists()
    survived()


def test_a_diverging_run_fails_without_a_model(work, patches):
    survived = fault()
    run = work / "lr1000"
    code, log = train(run, patches, **{**LONG, "lr": 1000.0})
    assert code != 0
    assert "divergence_factor 100 x the initial loss" in log
    assert not (run / "model.pt").exists()
    survived()


def test_a_killed_snakemake_leaves_no_orphan_and_the_rerun_resumes(tmp_path):
    """SIGKILL reaches no child: the training job must notice, checkpoint and exit by itself;
    its log must survive Snakemake's deletion of the job log on the rerun."""
    survived = fault()
    results = tmp_path / "results"
    config = tmp_path / "tiny.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "results_dir": str(results),
                "categories": ["natural"],
                "patches": {"size": 32, "counts": [4]},
                "test": {"size": 32, "count": 3, "rain": "embedded"},
                "networks": {"resnet": {"num_feat": 8, "num_block": 1}},
                "experiments": {"patch_count": {"networks": ["resnet"], "rain": "medium"}},
                "training": {"iterations": 4000, "batch_size": 4, "checkpoint_every": 100},
                "targets": ["patch_count"],
            }
        )
    )
    run = results / "models/resnet/natural/medium/n4"
    command = [sys.executable, "-m", "snakemake", "--cores", "1", f"--configfile={config}"]
    snakemake = subprocess.Popen(
        [*command, run / "model.pt"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 180
        while logged_iteration(run) < 300:
            assert time.monotonic() < deadline and snakemake.poll() is None
            time.sleep(0.02)
        snakemake.kill()
        snakemake.wait()
        while "parent Snakemake died" not in (run / "attempts.log").read_text():
            assert time.monotonic() < deadline, "the training job trained on as an orphan"
            time.sleep(0.1)
    finally:
        run_snakemake("--unlock", "--cores", "1", f"--configfile={config}", check=False)
    run_snakemake("--cores", "1", f"--configfile={config}", run / "model.pt")
    log = (run / "attempts.log").read_text()
    assert log.count("=== attempt") == 2
    assert "Interrupted: parent Snakemake died" in log and "resumed from" in log
    assert load_torch(run / "model.pt")["iteration"] == 4000
    survived()
