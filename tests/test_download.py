"""Downloads and archive extraction, against file:// fixtures made in tmp_path (no network)."""

import hashlib
import io
import tarfile
import urllib.error
import urllib.request
import zipfile

import pytest

from slacking.data import download
from slacking.data.archives import UnsafeArchiveError, extract
from slacking.data.download import (
    ChecksumError,
    DownloadError,
    fetch,
    file_checksum,
    parse_checksum,
    require_placed,
)

PAYLOAD = b"rainy pixels " * 10_000


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "server" / "data.bin"
    path.parent.mkdir()
    path.write_bytes(PAYLOAD)
    return path


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_fetch_verifies_and_places_file(tmp_path, source, algorithm):
    checksum = f"{algorithm}:{hashlib.new(algorithm, PAYLOAD).hexdigest()}"
    dest = tmp_path / "out" / "data.bin"
    assert fetch(source.as_uri(), dest, checksum, progress=False) == dest
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(dest.parent) == ["data.bin"]  # no temporary file left behind
    assert file_checksum(dest, algorithm) == checksum.split(":")[1]


def test_corrupted_download_is_rejected(tmp_path, source):
    expected = hashlib.md5(b"the real bytes").hexdigest()
    actual = hashlib.md5(PAYLOAD).hexdigest()
    dest = tmp_path / "out" / "data.bin"
    with pytest.raises(ChecksumError) as err:
        fetch(source.as_uri(), dest, f"md5:{expected}", progress=False)
    message = str(err.value)
    assert "data.bin" in message and source.as_uri() in message
    assert f"md5:{expected}" in message and f"md5:{actual}" in message
    assert leftovers(dest.parent) == []  # neither dest nor a temporary file


@pytest.mark.parametrize(
    "bad", ["d41d8cd98f00b204e9800998ecf8427e", "crc32:1234", "md5:xyz", "sha256:abcd"]
)
def test_bad_checksum_string_is_named(tmp_path, source, bad):
    with pytest.raises(ValueError, match="bad checksum") as err:
        fetch(source.as_uri(), tmp_path / "x", bad, progress=False)
    assert repr(bad) in str(err.value)
    with pytest.raises(ValueError):
        parse_checksum(bad)


def flaky_urlopen(monkeypatch, failures):
    """Make urlopen fail ``failures`` times with a connection reset, then work; count calls."""
    calls = []
    real = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        calls.append(url)
        if len(calls) <= failures:
            raise urllib.error.URLError(ConnectionResetError("connection reset by peer"))
        return real(url, *args, **kwargs)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(download.time, "sleep", lambda s: None)
    return calls


def test_flaky_source_succeeds_after_retries(tmp_path, source, monkeypatch):
    calls = flaky_urlopen(monkeypatch, failures=2)
    dest = tmp_path / "data.bin"
    checksum = f"sha256:{hashlib.sha256(PAYLOAD).hexdigest()}"
    fetch(source.as_uri(), dest, checksum, retries=2, progress=False)
    assert len(calls) == 3
    assert dest.read_bytes() == PAYLOAD


def test_gives_up_after_retries_with_clear_error(tmp_path, source, monkeypatch):
    calls = flaky_urlopen(monkeypatch, failures=10)
    dest = tmp_path / "out" / "data.bin"
    checksum = f"md5:{hashlib.md5(PAYLOAD).hexdigest()}"
    with pytest.raises(DownloadError, match="after 3 attempts") as err:
        fetch(source.as_uri(), dest, checksum, retries=2, progress=False)
    assert source.as_uri() in str(err.value) and "connection reset" in str(err.value)
    assert len(calls) == 3
    assert leftovers(dest.parent) == []


def test_not_found_is_not_retried(tmp_path, monkeypatch):
    def urlopen(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.HTTPError(url, 404, "Not Found", None, None)

    calls = []
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(urllib.error.HTTPError):
        fetch("https://example.org/x.zip", tmp_path / "x.zip", "md5:" + "0" * 32, progress=False)
    assert len(calls) == 1


def test_missing_local_source_fails_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(download.time, "sleep", lambda s: pytest.fail("should not retry"))
    with pytest.raises(urllib.error.URLError):
        fetch((tmp_path / "nope.zip").as_uri(), tmp_path / "x.zip", "md5:" + "0" * 32)
    assert leftovers(tmp_path) == []


def test_existing_verified_file_is_not_downloaded(tmp_path, monkeypatch):
    dest = tmp_path / "data.bin"
    dest.write_bytes(PAYLOAD)

    def urlopen(*args, **kwargs):
        raise AssertionError("should not download")

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    checksum = f"md5:{hashlib.md5(PAYLOAD).hexdigest()}"
    assert fetch("https://example.org/data.bin", dest, checksum, progress=False) == dest


def test_existing_wrong_file_is_replaced(tmp_path, source):
    dest = tmp_path / "data.bin"
    dest.write_bytes(b"truncated")
    fetch(source.as_uri(), dest, f"md5:{hashlib.md5(PAYLOAD).hexdigest()}", progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_require_placed_says_where_and_what(tmp_path):
    where = tmp_path / "data" / "manga109"
    hint = "Request it at http://www.manga109.org/en/download.html"
    for state in ("does not exist", "is empty"):
        with pytest.raises(FileNotFoundError) as err:
            require_placed(where, "Manga109", hint)
        message = str(err.value)
        assert state in message and str(where.resolve()) in message
        assert "Manga109 images" in message and hint in message
        where.mkdir(parents=True, exist_ok=True)
    (where / "ARMS.png").write_bytes(b"")
    assert require_placed(where, "Manga109", hint) == where


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def make_tar(path, members):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


MEMBERS = {"DIV2K/0001.png": b"one", "DIV2K/sub/0002.png": b"two"}


@pytest.mark.parametrize(
    ("maker", "name"), [(make_zip, "a.zip"), (make_tar, "a.tar.gz"), (make_tar, "a.tgz")]
)
def test_extract(tmp_path, maker, name):
    archive = maker(tmp_path / name, MEMBERS)
    dest = tmp_path / "out" / "div2k"
    assert extract(archive, dest) == dest
    assert (dest / "DIV2K/0001.png").read_bytes() == b"one"
    assert (dest / "DIV2K/sub/0002.png").read_bytes() == b"two"
    assert leftovers(dest.parent) == ["div2k"]
    with pytest.raises(FileExistsError):
        extract(archive, dest)


@pytest.mark.parametrize("maker", [make_zip, make_tar])
@pytest.mark.parametrize("evil", ["../escape.txt", "ok/../../escape.txt", "/tmp/escape.txt"])
def test_extract_rejects_path_traversal(tmp_path, maker, evil):
    suffix = ".zip" if maker is make_zip else ".tar.gz"
    archive = maker(tmp_path / f"evil{suffix}", {"fine.txt": b"x", evil: b"pwned"})
    dest = tmp_path / "out" / "data"
    with pytest.raises(UnsafeArchiveError, match="outside the destination") as err:
        extract(archive, dest)
    assert repr(evil) in str(err.value)
    assert leftovers(dest.parent) == []  # no half-extracted dest, no temporary directory
    assert not (tmp_path / "escape.txt").exists()


def test_extract_rejects_symlink_out_of_tree(tmp_path):
    archive = tmp_path / "link.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("data/link")
        info.type, info.linkname = tarfile.SYMTYPE, "../../etc"
        tf.addfile(info)
    with pytest.raises(UnsafeArchiveError, match="link target"):
        extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_extract_unknown_format(tmp_path):
    archive = tmp_path / "a.rar"
    archive.write_bytes(b"")
    with pytest.raises(ValueError, match="unsupported archive"):
        extract(archive, tmp_path / "out")
