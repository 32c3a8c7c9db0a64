"""Safe, all-or-nothing extraction of the dataset archives.

Archives are unpacked into a temporary sibling of the destination and renamed into place, so
an existing destination directory always holds a complete extraction.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


class UnsafeArchiveError(ValueError):
    """An archive member would land outside the destination directory."""


def _check_inside(archive: Path, root: Path, member: str, target: str | None = None) -> None:
    """Reject absolute paths and ``..`` escapes (zip-slip), for names and link targets alike."""
    name = target if target is not None else member
    pure = PurePosixPath(name.replace("\\", "/"))
    resolved = (root / pure).resolve()
    if pure.is_absolute() or not resolved.is_relative_to(root):
        what = f"link target {target!r} of member {member!r}" if target is not None else member
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: {what!r} would be written outside the destination "
            "(absolute path or '..' traversal)"
        )


def _extract_zip(archive: Path, root: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            _check_inside(archive, root, name)
        zf.extractall(root)


def _extract_tar(archive: Path, root: Path) -> None:
    with tarfile.open(archive) as tf:
        for m in tf.getmembers():
            _check_inside(archive, root, m.name)
            if m.issym():
                # Symlink targets are relative to the link's own directory.
                parent = PurePosixPath(m.name).parent
                _check_inside(archive, root, m.name, str(parent / m.linkname))
            elif m.islnk():
                _check_inside(archive, root, m.name, m.linkname)
            elif not (m.isfile() or m.isdir()):
                raise UnsafeArchiveError(
                    f"refusing to extract {archive}: member {m.name!r} is a device or fifo"
                )
        # The "data" filter (Python >= 3.11.4 / 3.10.12) is a second line of defence.
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tf.extractall(root, **kwargs)


def extract(archive: Path, dest_dir: Path) -> Path:
    """Extract a .zip, .tar, .tar.gz or .tgz archive into ``dest_dir`` and return it.

    ``dest_dir`` must not exist yet (an empty one is allowed): a non-empty one is left alone
    with FileExistsError rather than mixed with or silently replaced by new contents.
    """
    archive, dest_dir = Path(archive), Path(dest_dir)
    name = archive.name.lower()
    if name.endswith(".zip"):
        extractor = _extract_zip
    elif name.endswith(TAR_SUFFIXES):
        extractor = _extract_tar
    else:
        raise ValueError(f"unsupported archive {archive}: expected .zip, .tar, .tar.gz or .tgz")
    if not archive.is_file():
        raise FileNotFoundError(f"archive {archive} does not exist")
    if dest_dir.exists() and (not dest_dir.is_dir() or any(dest_dir.iterdir())):
        raise FileExistsError(
            f"{dest_dir} already exists and is not empty; remove it to re-extract"
        )

    dest_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dest_dir.parent, prefix=f".{dest_dir.name}.", suffix=".part"))
    try:
        # mkdtemp makes the directory private (0700); give it the parent's permissions instead.
        shutil.copymode(dest_dir.parent, tmp)
        extractor(archive, tmp.resolve())
        os.replace(tmp, dest_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest_dir
