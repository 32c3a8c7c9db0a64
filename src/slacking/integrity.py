"""Reading back only what we wrote: checksums for arrays, digests for torch files, and torch
files loaded as data only.

Arrays (patches, test sets) get a ``<name>.sha256`` file beside them when written
(``slacking.atomic``); torch records carry the digest of their tensors inside. A file that no
longer matches raises ``CorruptFile`` instead of training or evaluating on garbage; a torch file
that would need code to load (a pickle calling a function) raises ``UnsafeFile`` and runs
nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

DIGEST_KEY = "sha256"


class CorruptFile(ValueError):
    """A file that cannot be read back as it was written."""


class UnsafeFile(ValueError):
    """A torch file that would run code when loaded."""


def checksum_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.name}.sha256")


def hasher(algorithm: str):
    """A hash object that also works on FIPS-mode clusters, where plain md5 is refused."""
    return hashlib.new(algorithm, usedforsecurity=False)


def file_checksum(path: str | Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks so multi-GB files do not fill memory."""
    digest = hasher(algorithm)
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_checksum(path: str | Path) -> None:
    """Raise CorruptFile when ``path`` no longer matches its recorded checksum; a file written
    before checksums existed has none and passes unchecked."""
    recorded = checksum_path(path)
    if recorded.exists() and file_checksum(path) != recorded.read_text().strip():
        raise CorruptFile(
            f"{path} does not match the checksum recorded when it was written ({recorded}): "
            "it changed on disk since. Delete it and rerun to rebuild it and what depends on it"
        )


def load_array(path: str | Path):
    """``np.load`` after the checksum check (an .npz comes back as its lazy NpzFile)."""
    verify_checksum(path)
    return np.load(path)


def tensor_digest(obj) -> str:
    """sha256 over a nested structure of dicts, lists, tuples, tensors and plain values, in
    order: what a checkpoint or model record holds."""
    import torch

    digest = hashlib.sha256()

    def visit(value):
        if isinstance(value, torch.Tensor):
            flat = value.detach().cpu().contiguous().reshape(-1)
            digest.update(f"tensor {value.dtype} {tuple(value.shape)}:".encode())
            digest.update(flat.view(torch.uint8).numpy().tobytes())
        elif isinstance(value, dict):
            digest.update(f"dict {len(value)}:".encode())
            for key, item in value.items():
                digest.update(repr(key).encode())
                visit(item)
        elif isinstance(value, list | tuple):
            digest.update(f"{type(value).__name__} {len(value)}:".encode())
            for item in value:
                visit(item)
        else:
            digest.update(repr(value).encode())

    visit(obj)
    return digest.hexdigest()


def load_torch(path: str | Path) -> dict:
    """A torch record (checkpoint, model.pt, snapshot) as data only, its digest checked.

    Records written before digests existed load unchecked.
    """
    import torch

    try:
        record = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # noqa: BLE001  (torch raises many types for a damaged file)
        if "Unsupported global" in str(error):  # torch's words for a pickled callable
            raise UnsafeFile(
                f"refusing to load {path}: it needs code to load (a pickled function or "
                "class), which this project never writes; inspect or delete it"
            ) from None
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CorruptFile(f"{path} is unreadable: {type(error).__name__}: {first_line}") from error
    if not isinstance(record, dict):
        raise CorruptFile(f"{path} holds a {type(record).__name__}, not a record")
    recorded = record.pop(DIGEST_KEY, None)
    if recorded is not None and recorded != tensor_digest(record):
        raise CorruptFile(f"{path} does not match the digest written into it: damaged on disk")
    return record
