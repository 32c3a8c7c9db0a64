"""A training job as the workflow runs it: a kept log, checked patches, one run or a stack.

Snakemake deletes a job's log before each attempt, so the job also appends what it says to
``attempts.log`` in each run's directory, under a header per attempt: a rerun keeps what the
interrupted attempt said ("Interrupted: ...", a damaged checkpoint set aside). Patches are
checked against the checksum written with them before any run directory is touched: a
damaged patch file stops the job and leaves every checkpoint in place.
"""

from __future__ import annotations

import io
import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path

from .integrity import load_array
from .stacked import StackedTrainer
from .training import Trainer, TrainSettings, scheduler_environment
from .validity import identity_l1, write_record

HEADER = "=== attempt"
ATTEMPTS_LOG = "attempts.log"


class _Tee(io.TextIOBase):
    """Text written to several files at once (the job's stderr)."""

    def __init__(self, handles: list):
        self.handles = handles

    def write(self, text: str) -> int:
        for handle in self.handles:
            handle.write(text)
        return len(text)

    def flush(self) -> None:
        for handle in self.handles:
            handle.flush()


def _header(path: Path) -> str:
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    attempt = 1 + sum(line.startswith(HEADER) for line in lines)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"{HEADER} {attempt}: {started} on {socket.gethostname()} pid {os.getpid()} "
        f"{scheduler_environment()} ===\n"
    )


def open_job_log(log: str | Path, run_dirs: Sequence[str | Path]) -> _Tee:
    """The job's stderr: Snakemake's log for this attempt, and each run's ``attempts.log``
    appended to, both after a header naming the attempt."""
    run_dirs = [Path(run_dir) for run_dir in run_dirs]
    header = _header(run_dirs[0] / ATTEMPTS_LOG)  # stacked runs share their attempts
    handles = [open(log, "a", buffering=1)]
    for run_dir in run_dirs:
        run_dir.mkdir(parents=True, exist_ok=True)
        handles.append(open(run_dir / ATTEMPTS_LOG, "a", buffering=1))
    tee = _Tee(handles)
    tee.write(header)
    return tee


def train_job(
    settings: TrainSettings, patch_paths: Sequence[str | Path], out_dirs: Sequence[str | Path]
) -> list[Path]:
    """Train one run per (patches, directory) pair, stacked when there are several; each run's
    ``training.json`` (the identity's L1 on its training pairs, ``slacking.validity``) is
    written first, so a run with a model.pt always has one."""
    patches = [load_array(path) for path in patch_paths]
    for array, out in zip(patches, out_dirs, strict=True):
        record = identity_l1(array, settings.degradation, settings.seed)
        write_record(out, record)
    trainers = [
        Trainer(array, settings, Path(out)) for array, out in zip(patches, out_dirs, strict=True)
    ]
    if len(trainers) == 1:
        return [trainers[0].run()]
    return StackedTrainer(trainers).run()
