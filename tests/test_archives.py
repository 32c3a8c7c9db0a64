"""Tar extraction is refused by the project's own check, not only by tarfile's "data" filter.

Each hostile archive is first shown to really escape when tarfile extracts it unfiltered, then
refused by ``extract`` with tarfile's filter switched off, so that only our check stands in the way.
"""

import io
import os
import stat
import tarfile

import pytest

from slacking.data.archives import UnsafeArchiveError, extract

PWNED = b"pwned"
KINDS = {
    "file": tarfile.REGTYPE,
    "dir": tarfile.DIRTYPE,
    "sym": tarfile.SYMTYPE,
    "hard": tarfile.LNKTYPE,
    "fifo": tarfile.FIFOTYPE,
}
# Before tarfile had filters, it extracted everything unfiltered.
UNFILTERED = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}

# Members as (name, kind, data or link target), and the member the refusal must name.
HOSTILE = {
    "chained symlinks": (
        [("d", "sym", "."), ("d/e", "sym", ".."), ("d/e/evil", "file", PWNED)],
        "d/e",
    ),
    "absolute symlink": (
        [("abs", "sym", "{outside}"), ("abs/evil", "file", PWNED)],
        "abs",
    ),
    "'..' after a symlink to a subdirectory": (
        [
            ("sub", "dir", None),
            ("deep/er", "dir", None),
            ("deep/er/lnk", "sym", "../../sub"),
            ("deep/er/lnk/up", "sym", "../.."),  # lexically deep/er/lnk/../.., that is deep
            ("deep/er/lnk/up/evil", "file", PWNED),
        ],
        "deep/er/lnk/up",
    ),
    "hardlink to outside": (
        [
            ("sub", "dir", None),
            ("sub/up", "sym", ".."),
            ("h", "hard", "sub/up/../secret"),  # lexically sub/secret
            ("h", "file", PWNED),  # written through the hardlink
        ],
        "h",
    ),
    "hardlink to a dangling symlink": (
        [
            ("sub", "dir", None),
            ("sub/l", "sym", "../x"),  # x, not there yet
            ("top", "hard", "sub/l"),  # so tarfile copies the symlink: top -> ../x
            ("top", "file", PWNED),
        ],
        "top",
    ),
    "symlink re-pointed after use": (
        [
            ("sub", "dir", None),
            ("d", "sym", "sub"),
            ("d/../x", "dir", None),  # sub/../x, but tarfile sets its mode at the very end
            ("d", "sym", "."),
        ],
        "d/../x",
    ),
}


def make_tar(path, members, outside=""):
    with tarfile.open(path, "w") as tf:
        for name, kind, arg in members:
            info = tarfile.TarInfo(name)
            info.type, info.mode = KINDS[kind], 0o755
            if kind == "file":
                info.size = len(arg)
                tf.addfile(info, io.BytesIO(arg))
            else:
                info.linkname = (arg or "").format(outside=outside)
                tf.addfile(info)
    return path


def hostile(tmp_path, members):
    """The archive, its destination, and files outside it for the archive to go after."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "box").mkdir()
    for victim in ("box/secret", "box/x"):
        (tmp_path / victim).write_bytes(b"secret")
        (tmp_path / victim).chmod(0o600)
    archive = make_tar(tmp_path / "evil.tar", members, outside=tmp_path / "outside")
    return archive, tmp_path / "box" / "data"


def world(tmp_path, dest):
    """Every path under tmp_path but outside dest, with its mode and bytes: what escapes change."""
    return {
        p: (p.lstat().st_mode, p.read_bytes() if stat.S_ISREG(p.lstat().st_mode) else None)
        for p in tmp_path.rglob("*")
        if dest not in (p, *p.parents)
    }


@pytest.fixture
def unfiltered(monkeypatch):
    """Make tarfile extract without its "data" filter, as if it were not there."""
    real = tarfile.TarFile.extractall

    def extractall(self, path=".", members=None, *, numeric_owner=False, filter=None):
        return real(self, path, members, numeric_owner=numeric_owner, **UNFILTERED)

    monkeypatch.setattr(tarfile.TarFile, "extractall", extractall)


@pytest.mark.parametrize(("members", "culprit"), HOSTILE.values(), ids=HOSTILE)
def test_hostile_tar_really_escapes_unfiltered(tmp_path, members, culprit):
    archive, dest = hostile(tmp_path, members)
    before = world(tmp_path, dest)
    with tarfile.open(archive) as tf:
        tf.extractall(dest, **UNFILTERED)
    assert world(tmp_path, dest) != before


@pytest.mark.parametrize(("members", "culprit"), HOSTILE.values(), ids=HOSTILE)
def test_own_check_alone_refuses_hostile_tar(tmp_path, unfiltered, members, culprit):
    archive, dest = hostile(tmp_path, members)
    before = world(tmp_path, dest)
    with pytest.raises(UnsafeArchiveError) as err:
        extract(archive, dest)
    assert str(archive) in str(err.value) and f"member {culprit!r}" in str(err.value)
    assert world(tmp_path, dest) == before  # nothing escaped, no temporary directory left
    assert not dest.exists()


def test_refusal_says_where_the_member_would_land(tmp_path, unfiltered):
    archive, dest = hostile(tmp_path, HOSTILE["chained symlinks"][0])
    with pytest.raises(UnsafeArchiveError) as err:
        extract(archive, dest)
    assert str(err.value) == (
        f"refusing to extract {archive}: link target '..' of member 'd/e' would land at "
        "'<destination>/..', outside the destination"
    )


@pytest.mark.parametrize(
    ("members", "match"),
    [
        ([("a", "sym", "b"), ("b", "sym", "a"), ("a/x", "file", PWNED)], "a loop"),
        ([("p", "fifo", None)], "device, fifo"),
        ([("sub", "dir", None), ("sub/..", "sym", "sub")], "has no name"),
    ],
    ids=["symlink loop", "fifo", "symlink without a name"],
)
def test_own_check_refuses_odd_members(tmp_path, unfiltered, members, match):
    archive = make_tar(tmp_path / "odd.tar", members)
    with pytest.raises(UnsafeArchiveError, match=match):
        extract(archive, tmp_path / "out")
    assert os.listdir(tmp_path) == ["odd.tar"]


LEGIT = [
    ("v1", "dir", None),
    ("v1/file", "file", b"one"),
    ("latest", "sym", "v1"),
    ("latest/other", "file", b"two"),  # written through the symlink
    ("docs", "dir", None),
    ("docs/current", "sym", "../latest/file"),
    ("v1/up", "sym", ".."),
    ("hard", "hard", "latest/file"),
]


@pytest.mark.parametrize("filtered", [True, False], ids=["data filter", "unfiltered"])
def test_tar_with_internal_links_extracts(tmp_path, request, filtered):
    if not filtered:
        request.getfixturevalue("unfiltered")
    archive = make_tar(tmp_path / "good.tar", LEGIT)
    dest = extract(archive, tmp_path / "out" / "good")
    assert os.readlink(dest / "latest") == "v1"
    assert (dest / "v1/other").read_bytes() == b"two"
    assert (dest / "docs/current").read_bytes() == b"one"
    assert (dest / "v1/up/latest/file").read_bytes() == b"one"
    assert (dest / "hard").samefile(dest / "v1/file")
    assert os.listdir(tmp_path / "out") == ["good"]
