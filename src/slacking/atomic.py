"""Writing outputs so that a crash, a power cut or a second writer never leaves a bad one.

Each write goes to a uniquely named temporary file beside the output, is flushed to disk
(fsync), renamed onto the output, and the directory entry is flushed too. Arrays and torch
files get a checksum (``slacking.integrity``), so a file damaged later is noticed when read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import integrity


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` if the block succeeds.

    The temporary name is unique (two writers never share one) and keeps the final suffix, so
    writers that add one (NumPy) do not rename it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}"
    )
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it private; outputs get the usual mode
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def _record_checksum(path: str | Path) -> None:
    """``<path>.sha256`` beside ``path``, which ``integrity.load_array`` checks."""
    with atomic_path(integrity.checksum_path(path)) as tmp:
        tmp.write_text(integrity.file_checksum(path) + "\n")


def save_npy(path: str | Path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        np.save(tmp, array)
    _record_checksum(path)


def save_npz(path: str | Path, **arrays: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, **arrays)
    _record_checksum(path)


def save_torch(record: dict, path: str | Path) -> None:
    """A model record or checkpoint, with the digest of its contents that ``load_torch``
    checks (a flipped byte inside a weight tensor loads without error otherwise)."""
    import torch

    # Through a file object: torch names the records inside after a path's file name, which
    # for the unique temporary name would make the same weights differ byte for byte.
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        torch.save({**record, integrity.DIGEST_KEY: integrity.tensor_digest(record)}, handle)
