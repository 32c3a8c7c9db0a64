"""A real single-node Slurm cluster for the integration tests (see README, "Running on Slurm").

Debian's slurm-wlm and munge are installed when missing (the tests run as root in CI). The
daemons run in the foreground as children of the test, with their configuration, state and
logs in a temporary directory, and are stopped by their process ids afterwards. The one node
serves two partitions, as a site's CPU and GPU nodes would: `cpu` (the default) and `gpu`. It
advertises one GPU of type a100 (the site examples' model) as a gres backed by /dev/null, so
`--gpus=1`, `--gpus=a100:1` and `--gres=gpu:a100:1` jobs are scheduled and see
CUDA_VISIBLE_DEVICES=0 without a real device. Job steps (srun inside a batch job) read
the configuration from its default place, so /etc/slurm/slurm.conf and gres.conf are links to
ours while the cluster runs; an existing configuration there is never replaced.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from debian import ensure_packages

PACKAGES = ("slurm-wlm", "munge")
PARTITIONS = ("cpu", "gpu")  # the first is the default
GPU_TYPE = "a100"
SYSTEM_CONFIG = Path("/etc/slurm")
DAEMONS = ("munged", "slurmctld", "slurmd")


def ensure_installed() -> None:
    present = all(shutil.which(n) or Path(f"/usr/sbin/{n}").exists() for n in DAEMONS)
    ensure_packages(PACKAGES, present)


def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024 * 9 // 10
    raise RuntimeError("no MemTotal in /proc/meminfo")


def write_config(directory: Path) -> Path:
    host = socket.gethostname().split(".")[0]
    for sub in ("state", "spool"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    conf = directory / "slurm.conf"
    conf.write_text(
        "\n".join(
            [
                "ClusterName=slacking-test",
                f"SlurmctldHost={host}",
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                f"StateSaveLocation={directory / 'state'}",
                f"SlurmdSpoolDir={directory / 'spool'}",
                f"SlurmctldPidFile={directory / 'slurmctld.pid'}",
                f"SlurmdPidFile={directory / 'slurmd.pid'}",
                f"SlurmctldLogFile={directory / 'slurmctld.log'}",
                f"SlurmdLogFile={directory / 'slurmd.log'}",
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core_Memory",
                "AccountingStorageType=accounting_storage/none",
                "JobCompType=jobcomp/none",
                "SchedulerType=sched/backfill",
                "MpiDefault=none",
                "ReturnToService=2",
                "MinJobAge=3600",  # keep finished jobs in scontrol for the checks
                "KillWait=10",
                "GresTypes=gpu",
                f"NodeName={host} CPUs={os.cpu_count()} RealMemory={_memory_mb()} "
                f"Gres=gpu:{GPU_TYPE}:1 State=UNKNOWN",
                *(
                    f"PartitionName={name} Nodes=ALL Default={'YES' if i == 0 else 'NO'} "
                    "MaxTime=INFINITE State=UP"
                    for i, name in enumerate(PARTITIONS)
                ),
                "",
            ]
        )
    )
    (directory / "gres.conf").write_text(
        f"NodeName={host} Name=gpu Type={GPU_TYPE} Count=1 File=/dev/null\n"
    )
    return conf


def _wait_for_idle(env: dict, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    state = ""
    while time.monotonic() < deadline:
        result = subprocess.run(
            ["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True
        )
        state = result.stdout.strip()
        if state and set(state.split()) == {"idle"}:  # one line per partition
            return
        time.sleep(1)
    raise RuntimeError(f"the Slurm node did not become idle in {timeout} s (state {state!r})")


@contextmanager
def linked_system_config(directory: Path):
    links = {SYSTEM_CONFIG / name: directory / name for name in ("slurm.conf", "gres.conf")}
    for link in links:
        if link.exists() or link.is_symlink():
            raise RuntimeError(f"{link} exists; this test starts its own cluster and keeps it")
    SYSTEM_CONFIG.mkdir(parents=True, exist_ok=True)
    try:
        for link, target in links.items():
            link.symlink_to(target)
        yield
    finally:
        for link, target in links.items():
            if link.is_symlink() and link.readlink() == target:
                link.unlink()


def _cancel_all_jobs(env: dict, timeout: float = 60.0) -> None:
    """Cancel what is left in the queue (a failed test's jobs) and wait until it is empty."""
    subprocess.run(["scancel", "--user", getpass.getuser()], env=env, check=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queue = subprocess.run(["squeue", "-h"], env=env, capture_output=True, text=True)
        if queue.returncode == 0 and not queue.stdout.strip():
            return
        time.sleep(1)


@contextmanager
def cluster(directory: Path):
    """Start munged, slurmctld and slurmd; yield the environment that points at them.

    On the way out every job still queued is cancelled before the daemons stop, so a failed
    test leaves no training process behind.
    """
    ensure_installed()
    conf = write_config(directory)
    env = {**os.environ, "SLURM_CONF": str(conf)}
    with linked_system_config(directory), _daemons(env, directory):
        _wait_for_idle(env)
        try:
            yield env
        finally:
            _cancel_all_jobs(env)


def _munged_running() -> bool:
    return subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode == 0


@contextmanager
def _daemons(env: dict, directory: Path):
    """slurmctld and slurmd (and munged, unless one already runs) in the foreground; stopped by
    their process ids. A munged that was already running is used, not replaced."""
    commands = [["/usr/sbin/slurmctld", "-D", "-i"], ["/usr/sbin/slurmd", "-D"]]
    if not _munged_running():
        Path("/run/munge").mkdir(parents=True, exist_ok=True)
        commands.insert(0, ["/usr/sbin/munged", "--foreground", "--force"])
    daemons = []
    try:
        with open(directory / "daemons.log", "w") as log:
            for command in commands:
                daemons.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
                time.sleep(1)
        yield
    finally:
        for process in reversed(daemons):
            process.terminate()
        for process in reversed(daemons):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
