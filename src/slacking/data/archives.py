"""Safe, all-or-nothing extraction of the dataset archives.

Archives are unpacked into a temporary sibling of the destination and renamed into place, so
an existing destination directory always holds a complete extraction.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
MAX_LINK_HOPS = 40  # as Linux, which gives up on a path after 40 symlinks (ELOOP)


class UnsafeArchiveError(ValueError):
    """An archive member would land outside the destination directory."""


def _stack(path: str) -> list[str]:
    """The components of ``path``, last first, to be popped in order ('' and '.' go nowhere)."""
    return [p for p in reversed(path.replace("\\", "/").split("/")) if p not in ("", ".")]


def _land(
    links: dict[tuple[str, ...], str],
    path: str,
    start: tuple[str, ...] = (),
    follow_last: bool = True,
) -> PurePosixPath | None:
    """Where ``path``, looked up from directory ``start``, lands through the symlinks in ``links``.

    Resolves as the OS does, one component at a time, each link's target from the link's own
    directory; ``links`` maps where each symlink lies to its target (already checked to be
    relative). The result is relative to the destination and outside it when absolute or led by
    '..', kept so that a refusal can say where; None means more than MAX_LINK_HOPS links (a loop).
    """
    if path.startswith(("/", "\\")):
        return PurePosixPath(path.replace("\\", "/"))
    done, todo, hops = list(start), _stack(path), 0
    while todo:
        part = todo.pop()
        if part == "..":
            if done and done[-1] != "..":
                done.pop()
            else:
                done.append("..")
        elif (*done, part) in links and (todo or follow_last):
            hops += 1
            if hops > MAX_LINK_HOPS:
                return None
            todo += _stack(links[(*done, part)])
        else:
            done.append(part)
    return PurePosixPath(*done)


def _refuse_outside(archive: Path, what: str, where: PurePosixPath | None) -> None:
    """Refuse the archive unless ``where``, from :func:`_land`, lies inside the destination."""
    if where is None:
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: {what} goes through more than {MAX_LINK_HOPS} "
            "symlinks (a loop)"
        )
    if where.is_absolute() or where.parts[:1] == ("..",):
        at = where if where.is_absolute() else "<destination>" / where
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: {what} would land at {str(at)!r}, "
            "outside the destination"
        )


def _check_tar_member(
    archive: Path, m: tarfile.TarInfo, links: dict[tuple[str, ...], str], symlinks: set[str]
) -> PurePosixPath:
    """Refuse ``m`` if it, or what it links to, lands outside; return where it lands."""
    if not (m.isfile() or m.isdir() or m.issym() or m.islnk()):
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: member {m.name!r} is a device, fifo or other "
            "special file"
        )
    name = m.name.replace("\\", "/").rstrip("/")
    if m.issym() and name.rpartition("/")[2] in ("", ".", ".."):
        # tarfile cannot make it, and the replay would put it somewhere: refuse rather than guess.
        raise UnsafeArchiveError(f"refusing to extract {archive}: symlink {m.name!r} has no name")
    # tarfile replaces a symlink already at a symlink's place, but writes anything else through it.
    where = _land(links, m.name, follow_last=not m.issym())
    _refuse_outside(archive, f"member {m.name!r}", where)
    if m.issym() or m.islnk():
        # A symlink's target is taken from its own directory, a hardlink's from the destination.
        start = where.parts[:-1] if m.issym() else ()
        target = _land(links, m.linkname, start)
        _refuse_outside(archive, f"link target {m.linkname!r} of member {m.name!r}", target)
    if m.islnk() and posixpath.normpath(m.linkname) in symlinks:
        # When its target is missing, tarfile copies the member of that name instead: a copied
        # symlink, in another directory, would point elsewhere.
        raise UnsafeArchiveError(
            f"refusing to extract {archive}: member {m.name!r} is a hardlink to symlink "
            f"{m.linkname!r}"
        )
    return where


def _check_tar(archive: Path, members: list[tarfile.TarInfo]) -> None:
    """Refuse the archive unless replaying its members in order keeps everything inside.

    The replay needs no disk: a map of the symlinks made so far stands in for it, so that a chain
    like ``d -> .``, ``d/e -> ..``, ``d/e/evil`` is caught here and not only by tarfile's filter.
    A second pass with the final map covers what outlives each member: the links left in the tree,
    and the modes tarfile gives directories once everything is extracted.
    """
    links: dict[tuple[str, ...], str] = {}
    symlinks = {posixpath.normpath(m.name) for m in members if m.issym()}
    for replaying in (True, False):
        for m in members:
            where = _check_tar_member(archive, m, links, symlinks)
            if replaying and m.issym():
                links[where.parts] = m.linkname


def _extract_zip(archive: Path, root: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            # zipfile makes no symlinks: a name can only escape by itself.
            _refuse_outside(archive, f"member {name!r}", _land({}, name))
        zf.extractall(root)


def _extract_tar(archive: Path, root: Path) -> None:
    with tarfile.open(archive) as tf:
        _check_tar(archive, tf.getmembers())
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
