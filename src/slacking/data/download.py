"""Checksummed, retrying downloads for the real datasets, and checks for hand-placed ones.

A destination file either does not exist or holds exactly the bytes named by its checksum:
downloads stream to a temporary file beside it, are verified, and only then renamed into place.
"""

from __future__ import annotations

import http.client
import logging
import os
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from .. import integrity

log = logging.getLogger(__name__)

ALGORITHMS = {"md5": 32, "sha256": 64}
CHUNK = 1 << 20
# HTTP statuses worth retrying; other 4xx mean the URL itself is wrong.
RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class ChecksumError(ValueError):
    """Downloaded bytes do not match the checksum in the config."""


class DownloadError(OSError):
    """A download still failed after all retries."""


def parse_checksum(checksum: str) -> tuple[str, str]:
    """Split ``"md5:<hex>"`` / ``"sha256:<hex>"`` so a typo in the config fails before any work."""
    algorithm, sep, digest = checksum.partition(":")
    algorithm, digest = algorithm.strip().lower(), digest.strip().lower()
    length = ALGORITHMS.get(algorithm)
    if (
        not sep
        or length is None
        or len(digest) != length
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(
            f"bad checksum {checksum!r}: expected 'md5:<32 hex digits>' or 'sha256:<64 hex digits>'"
        )
    return algorithm, digest


def file_checksum(path: Path, algorithm: str) -> str:
    """Hex digest of a file (``slacking.integrity``), for the algorithms a config may name."""
    if algorithm not in ALGORITHMS:
        raise ValueError(
            f"unknown checksum algorithm {algorithm!r}; use one of {sorted(ALGORITHMS)}"
        )
    return integrity.file_checksum(path, algorithm)


def _is_transient(exc: BaseException) -> bool:
    """Network hiccups are retried; a wrong URL (404, 403, a missing file:// path) is not."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in RETRY_STATUS
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, FileNotFoundError):
        return False
    return isinstance(
        exc, urllib.error.URLError | TimeoutError | ConnectionError | http.client.IncompleteRead
    )


def _attempt(
    url: str, dest: Path, algorithm: str, timeout: float, progress: bool
) -> tuple[Path, str]:
    """Stream one download into a temporary file beside ``dest``, hashing as it goes.

    Returns the temporary path and its hex digest; the temporary file is removed on failure.
    """
    with tempfile.NamedTemporaryFile(
        dir=dest.parent, prefix=f".{dest.name}.", suffix=".part", delete=False
    ) as tmp:
        tmp_path = Path(tmp.name)
        try:
            h = integrity.hasher(algorithm)
            received = 0
            with urllib.request.urlopen(url, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                expected = int(length) if length else None
                with tqdm(
                    total=expected,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=dest.name,
                    disable=not progress,
                ) as bar:
                    while chunk := response.read(CHUNK):
                        tmp.write(chunk)
                        h.update(chunk)
                        received += len(chunk)
                        bar.update(len(chunk))
            if expected is not None and received != expected:
                raise http.client.IncompleteRead(b"", expected - received)
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            tmp.close()
            tmp_path.unlink(missing_ok=True)
            raise
    return tmp_path, h.hexdigest()


def fetch(
    url: str,
    dest: Path,
    checksum: str,
    *,
    retries: int = 3,
    backoff: float = 2.0,
    timeout: float = 60,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``dest`` unless a verified copy is already there.

    Transient failures are retried ``retries`` times after the first attempt, waiting
    ``backoff * 2**i`` seconds before retry ``i``. A checksum mismatch is not retried: it means
    the server serves other bytes than the config names, which another attempt will not fix.
    A stale ``dest`` with the wrong checksum is removed first, so whatever sits at ``dest``
    has been verified.
    """
    if retries < 0:
        raise ValueError(f"retries must be >= 0, got {retries}")
    dest = Path(dest)
    algorithm, digest = parse_checksum(checksum)
    if dest.exists():
        if file_checksum(dest, algorithm) == digest:
            log.info("%s already present and verified", dest)
            return dest
        log.warning("%s does not match %s; downloading it again", dest, checksum)
        dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)

    for attempt in range(retries + 1):
        try:
            tmp_path, actual = _attempt(url, dest, algorithm, timeout, progress)
            break
        except Exception as exc:
            if not _is_transient(exc):
                raise
            if attempt == retries:
                raise DownloadError(
                    f"could not download {url} to {dest} after {retries + 1} attempts; "
                    f"last error: {exc!r}"
                ) from exc
            delay = backoff * 2**attempt
            log.warning(
                "download of %s failed (%r); retry %d/%d in %.1f s",
                url,
                exc,
                attempt + 1,
                retries,
                delay,
            )
            time.sleep(delay)
    if actual != digest:
        tmp_path.unlink()
        raise ChecksumError(
            f"checksum mismatch for {dest.name} downloaded from {url}: "
            f"expected {algorithm}:{digest}, got {algorithm}:{actual}"
        )
    os.replace(tmp_path, dest)
    return dest


def require_placed(path: Path, dataset: str, hint: str) -> Path:
    """Fail early, saying what to do, for datasets whose licence forbids an automatic download."""
    path = Path(path)
    if path.is_dir() and any(not p.name.startswith(".") for p in path.iterdir()):
        return path
    state = "is empty" if path.is_dir() else "does not exist"
    raise FileNotFoundError(
        f"{dataset} must be placed by hand: the directory {path.resolve()} {state}. "
        f"Create {path.resolve()} and put the {dataset} images in it "
        f"(its files or subfolders directly inside, not an archive). {hint}"
    )
