"""Training never loses work: a SIGTERM-interrupted run resumes to the same weights; a NaN loss
stops with an error naming the iteration and the last good checkpoint."""

import errno
import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import torch

from conftest import ROOT
from slacking.integrity import load_torch
from slacking.models import load_model, register
from slacking.rain import rain_range_from_config, sample_rain_layers
from slacking.run_lock import RunLock, RunLocked, is_snakemake
from slacking.training import Diverged, Trainer, TrainSettings, compile_unavailable
from test_integrity import flip_tensor_bytes

RAIN = {
    "reference_size": 128,
    "intensity": [0.4, 0.8],
    "ranges": {
        "medium": {"count": [200, 300], "widths": [5, 7, 9], "length": [20, 40], "angle": [-30, 30]}
    },
}


def settings(**overrides):
    base = dict(
        network="resnet",
        network_kwargs={"num_feat": 8, "num_block": 1},
        degradation=rain_range_from_config(RAIN, "medium"),
        iterations=40,
        batch_size=4,
        checkpoint_every=10,
        seed=3,
        device="cpu",
    )
    return TrainSettings(**{**base, **overrides})


@pytest.fixture
def patches():
    return np.random.default_rng(0).integers(0, 256, (16, 24, 24, 3), dtype=np.uint8)


def _weights(path):
    return load_torch(path)["state_dict"]


def test_sigterm_then_resume_gives_the_weights_of_an_uninterrupted_run(tmp_path, patches):
    long = {"iterations": 600, "checkpoint_every": 50}
    torch.set_num_threads(1)
    reference = Trainer(patches, settings(**long), tmp_path / "straight").run()

    np.save(tmp_path / "patches.npy", patches)
    script = textwrap.dedent(
        f"""
        import sys, numpy as np, torch
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from test_training import settings
        from slacking.training import Trainer
        torch.set_num_threads(1)
        Trainer(np.load({str(tmp_path / "patches.npy")!r}), settings(**{long!r}),
                {str(tmp_path / "cut")!r}).run()
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stderr=subprocess.PIPE)
    log = tmp_path / "cut" / "train.csv"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # let it train past its first checkpoint
        if log.exists() and len(log.read_text().splitlines()) > 70:
            break
        time.sleep(0.02)
    child.send_signal(signal.SIGTERM)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode != 0, "the run finished before SIGTERM; make it longer"
    assert b"Interrupted: SIGTERM at iteration" in stderr
    stopped_at = int(log.read_text().splitlines()[-1].split(",")[0])
    assert 70 <= stopped_at < 600
    assert not (tmp_path / "cut/model.pt").exists()

    final = Trainer(patches, settings(**long), tmp_path / "cut").run()
    for name, value in _weights(reference).items():
        assert torch.equal(value, _weights(final)[name]), name
    iterations = [
        int(line.split(",")[0]) for line in log.read_text().splitlines() if line[0].isdigit()
    ]
    assert iterations == list(range(1, 601))  # the log has no gaps and no duplicates


def test_other_settings_never_resume_a_checkpoint(tmp_path, patches):
    Trainer(patches, settings(iterations=10), tmp_path / "run").run()
    other = Trainer(patches, settings(iterations=20, lr=1e-3), tmp_path / "run")
    other.resume()
    assert other.iteration == 0


def test_resume_and_job_environment_are_written_to_the_log(tmp_path, patches, capfd, monkeypatch):
    """Rule scripts send stderr to the job's log: the notes must go there, not to stdout."""
    monkeypatch.setenv("SLURM_JOB_ID", "4242")
    Trainer(patches, settings(iterations=10), tmp_path).run()
    Trainer(patches, settings(iterations=10), tmp_path).run()  # a rerun: resumes at the end
    out, err = capfd.readouterr()
    assert "SLURM_JOB_ID=4242" in err
    assert "at iteration 10" in err and "resumed from" in err
    assert "resumed from" not in out and "SLURM_JOB_ID" not in out


class _NaNAfter(torch.nn.Module):
    """Identity-plus-conv network whose output turns NaN from its 13th forward pass on."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 3, 3, padding=1)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        out = x + self.conv(x)
        return out * float("nan") if self.calls > 12 else out


register("nan_after_12")(_NaNAfter)


def test_nan_loss_names_iteration_and_last_checkpoint(tmp_path, patches):
    trainer = Trainer(patches, settings(network="nan_after_12", network_kwargs={}), tmp_path)
    with pytest.raises(FloatingPointError) as error:
        trainer.run()
    message = str(error.value)
    assert "at iteration 13" in message
    assert "iter_00000010.pt" in message
    assert not (tmp_path / "checkpoints/iter_00000020.pt").exists()  # nothing saved after NaN


def test_snapshots_keep_weights_at_intermediate_iterations(tmp_path, patches):
    Trainer(patches, settings(iterations=20, snapshot_every=8), tmp_path).run()
    names = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    assert names == ["iter_00000008.pt", "iter_00000016.pt"]
    early = load_model(tmp_path / "snapshots/iter_00000008.pt")
    final = load_model(tmp_path / "model.pt")
    assert not torch.equal(early.conv_last.weight, final.conv_last.weight)
    assert len(list((tmp_path / "checkpoints").iterdir())) == 2  # keep_checkpoints


def test_a_run_with_other_settings_drops_the_old_runs_snapshots(tmp_path, patches):
    Trainer(patches, settings(iterations=20, snapshot_every=8), tmp_path).run()
    Trainer(patches, settings(iterations=12, snapshot_every=5), tmp_path).run()
    names = sorted(p.name for p in (tmp_path / "snapshots").iterdir())
    assert names == ["iter_00000005.pt", "iter_00000010.pt"]  # none of the first run's


def test_a_diverging_loss_stops_the_run_before_anything_is_saved(tmp_path, patches):
    """lr 1000 keeps the loss finite (1e19) but useless: it must not pass as a trained model."""
    with pytest.raises(Diverged) as error:
        Trainer(patches, settings(lr=1000.0), tmp_path).run()
    message = str(error.value)
    assert "divergence_factor 100 x the initial loss" in message
    assert "last good checkpoint: none yet" in message
    assert not (tmp_path / "model.pt").exists()
    assert not list((tmp_path / "checkpoints").glob("*.pt"))


def test_the_divergence_test_reads_the_initial_loss_back_after_a_resume(tmp_path, patches):
    Trainer(patches, settings(iterations=20), tmp_path).run()
    first = float((tmp_path / "train.csv").read_text().splitlines()[1].split(",")[1])
    (tmp_path / "train.csv").unlink()  # the checkpoint alone must carry it
    resumed = Trainer(patches, settings(iterations=20), tmp_path)
    resumed.resume()
    assert resumed.initial_loss == first


def test_a_second_trainer_on_a_run_is_refused_naming_the_first(tmp_path, patches):
    with RunLock(tmp_path):
        with pytest.raises(RunLocked, match=f"pid {os.getpid()}"):
            Trainer(patches, settings(iterations=10), tmp_path).run()
    assert not (tmp_path / "model.pt").exists()
    Trainer(patches, settings(iterations=10), tmp_path).run()  # free again once released


def test_a_damaged_newest_checkpoint_is_kept_aside_and_the_older_one_resumed(tmp_path, patches):
    Trainer(patches, settings(iterations=20, checkpoint_every=5), tmp_path).run()
    newest = tmp_path / "checkpoints/iter_00000020.pt"
    flip_tensor_bytes(newest)
    trainer = Trainer(patches, settings(iterations=20, checkpoint_every=5), tmp_path)
    trainer.resume()
    assert trainer.iteration == 15
    assert (tmp_path / "checkpoints/iter_00000020.pt.corrupt").exists()


def test_checkpoints_of_other_settings_are_moved_aside_not_deleted(tmp_path, patches):
    Trainer(patches, settings(iterations=10), tmp_path).run()
    Trainer(patches, settings(iterations=10, lr=1e-3), tmp_path).run()
    kept = sorted(p.name for p in (tmp_path / "checkpoints/superseded").iterdir())
    assert kept == ["iter_00000010.pt"]


def test_parent_watch_notices_its_parent_dying(tmp_path):
    """A child whose parent is SIGKILLed (as Snakemake can be) sees it within a poll."""
    child = tmp_path / "child.py"
    child.write_text(
        textwrap.dedent(
            f"""
            import pathlib, sys, time
            from slacking.run_lock import ParentWatch
            watch = ParentWatch()
            pathlib.Path({str(tmp_path / "ready")!r}).touch()
            for _ in range(1200):
                if watch.died():
                    pathlib.Path({str(tmp_path / "noticed")!r}).touch()
                    sys.exit(0)
                time.sleep(0.05)
            """
        )
    )
    spawn = "import subprocess, sys, time; subprocess.Popen(sys.argv[1:]); time.sleep(60)"
    parent = subprocess.Popen([sys.executable, "-c", spawn, sys.executable, str(child)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    assert not (tmp_path / "noticed").exists()
    parent.kill()
    parent.wait()
    while not (tmp_path / "noticed").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "noticed").exists()


@pytest.mark.parametrize(
    ("args", "snakemake"),
    [
        (["/venv/bin/python3", "/venv/bin/snakemake", "--cores", "2"], True),
        (["python", "-m", "snakemake", "--executor", "slurm-jobstep"], True),
        (["snakemake", "--profile", "slurm"], True),
        (
            ["/bin/bash", "-c", "set -euo pipefail; python /w/.snakemake/scripts/tmp.train.py"],
            False,
        ),
        (["python", "/w/.snakemake/scripts/tmpx.train.py"], False),
    ],
)
def test_the_watched_ancestor_is_snakemake_not_its_wrapper_shell(args, snakemake):
    """Older bash keeps the wrapper shell alive when Snakemake dies: watching it would miss."""
    assert is_snakemake(args) is snakemake


def test_a_file_system_without_locks_warns_and_trains(tmp_path, patches, monkeypatch, capfd):
    """Some Lustre and NFS mounts refuse flock: training must still run there, saying so."""

    def no_locks(handle, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    Trainer(patches, settings(iterations=10), tmp_path).run()
    assert (tmp_path / "model.pt").exists()
    assert "cannot be locked on this file system" in capfd.readouterr().err


@pytest.mark.skipif(compile_unavailable() is not None, reason=str(compile_unavailable()))
def test_a_compiled_run_follows_the_eager_loss_trajectory(tmp_path, patches):
    """training.compile changes the speed, not the run: over 50 steps the losses stay within
    1e-5 (relative) of the eager run's (3e-7 measured on an x86 CPU: the compiled kernels
    only round differently), and the weights save as the plain module's."""
    torch.set_num_threads(1)
    run = {"iterations": 50, "checkpoint_every": 50}
    eager = Trainer(patches, settings(**run), tmp_path / "eager").run()
    compiled = Trainer(patches, settings(**run, compile=True), tmp_path / "compiled").run()
    losses = [
        np.loadtxt(p.parent / "train.csv", delimiter=",", skiprows=1)[:, 1]
        for p in (eager, compiled)
    ]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    expected, got = _weights(eager), _weights(compiled)
    assert expected.keys() == got.keys()
    for name in expected:
        torch.testing.assert_close(got[name], expected[name], rtol=1e-4, atol=1e-6)


def test_a_checkpoint_inside_a_block_holds_the_per_step_streams_and_resumes(tmp_path, patches):
    """Batches are drawn and rendered 20 iterations at a time, from the same random streams as
    one batch per step: a checkpoint at iteration 13 holds the generators where 13 per-step
    draws leave them, and resuming from it gives the weights of an uninterrupted run."""
    run = settings(iterations=45, checkpoint_every=13, keep_checkpoints=5)
    reference = Trainer(patches, run, tmp_path / "straight").run()
    cut = tmp_path / "cut"
    Trainer(patches, run, cut).run()
    state = load_torch(cut / "checkpoints/iter_00000013.pt")
    batch, rain = torch.Generator().manual_seed(3), torch.Generator().manual_seed(4)
    for _ in range(13):
        torch.randint(len(patches), (4,), generator=batch)
        torch.rand(4, 2, generator=batch)
        sample_rain_layers(4, 24, 24, run.degradation, rain)
    assert torch.equal(state["batch_generator"], batch.get_state())
    assert torch.equal(state["rain_generator"], rain.get_state())
    for later in (26, 39, 45):
        (cut / f"checkpoints/iter_{later:08d}.pt").unlink()
    (cut / "model.pt").unlink()
    resumed = Trainer(patches, run, cut).run()
    expected, got = _weights(reference), _weights(resumed)
    assert all(torch.equal(got[name], expected[name]) for name in expected)


def test_compile_without_a_compiler_says_what_is_missing(tmp_path, patches, monkeypatch):
    monkeypatch.setenv("CXX", "no-such-compiler")
    with pytest.raises(RuntimeError, match="needs a C\\+\\+ compiler \\(no-such-compiler"):
        Trainer(patches, settings(compile=True), tmp_path)
