"""One trainer per run directory, and no trainer outliving the Snakemake that started it.

Two checkouts sharing a results directory, or a rerun after ``--unlock`` while an orphaned job
still trains, would otherwise put two writers on one run. ``RunLock`` holds an exclusive
``flock`` on a file in the run's directory for the whole training and refuses a second trainer,
naming the holder. ``ParentWatch`` lets the training loop notice that its Snakemake was killed
(SIGKILL reaches no child), so it checkpoints and exits instead of training on as an orphan.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import sys
import time
from pathlib import Path

# flock errors of file systems that do not support it (some Lustre and NFS mounts).
UNSUPPORTED = (errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP)


class RunLocked(RuntimeError):
    """Another process is training this run."""


class RunLock:
    """``with RunLock(run_dir):`` train; a second holder gets RunLocked at once."""

    NAME = ".train.lock"

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / self.NAME

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in UNSUPPORTED:
                print(f"warning: {self.path.parent} cannot be locked on this file system "
                      f"({error.strerror}): a second trainer would not be refused",
                      file=sys.stderr)  # fmt: skip
                self.locked = False
                return self
            if not isinstance(error, BlockingIOError):
                raise
            self.handle.seek(0)
            holder = self.handle.read().strip() or "a process that wrote no name"
            self.handle.close()
            raise RunLocked(
                f"{self.path.parent} is being trained by another process ({holder}); "
                "wait for it to finish or stop it, then rerun"
            ) from None
        self.locked = True
        self.handle.seek(0)
        self.handle.truncate()
        since = time.strftime("%Y-%m-%d %H:%M:%S")
        self.handle.write(f"host {socket.gethostname()} pid {os.getpid()} since {since}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self.locked:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (state first), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def _identity(pid: int) -> str | None:
    """The process's start time: a PID reused by a later process has another one."""
    fields = _stat(pid)
    if fields is None or fields[0] in ("Z", "X"):  # a zombie has died already
        return None
    return fields[19]


def is_snakemake(args: list[str]) -> bool:
    """A Snakemake command line (``snakemake ...`` or ``python -m snakemake ...``), not a shell
    whose command merely mentions a script under .snakemake/."""
    programs = [arg.rsplit("/", 1)[-1] for arg in args[:2]]
    return "snakemake" in programs or args[1:3] == ["-m", "snakemake"]


def _is_snakemake(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    return is_snakemake(args)


class ParentWatch:
    """Watches the nearest Snakemake among this process's ancestors (the parent when there is
    none, as in a test). Linux only: elsewhere ``died()`` is always False."""

    def __init__(self):
        self.pid, self.identity = None, None
        if _stat(os.getpid()) is None:
            return
        pid = os.getppid()
        while pid > 1 and not _is_snakemake(pid):
            fields = _stat(pid)
            pid = int(fields[1]) if fields else 0  # its parent
        self.pid = pid if pid > 1 else os.getppid()
        self.identity = _identity(self.pid)

    def died(self) -> bool:
        return self.identity is not None and _identity(self.pid) != self.identity
