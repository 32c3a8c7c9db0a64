import os

import numpy as np
import pytest

from slacking.atomic import atomic_path, save_npy


def test_failed_write_leaves_neither_output_nor_temporary(tmp_path):
    target = tmp_path / "out" / "a.npy"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"partial")
        raise RuntimeError("crash mid-write")
    assert list((tmp_path / "out").iterdir()) == []


def test_successful_write_replaces_the_output(tmp_path):
    target = tmp_path / "a.npy"
    target.write_bytes(b"old")
    save_npy(target, np.arange(3))
    np.testing.assert_array_equal(np.load(target), [0, 1, 2])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npy", "a.npy.sha256"]


def test_two_writers_of_one_output_never_share_a_temporary_file(tmp_path):
    """With one fixed temporary name, the second writer would overwrite the first's half-written
    file and one of them would rename the other's work into place."""
    target = tmp_path / "checkpoints" / "iter_00000100.pt"
    with atomic_path(target) as first, atomic_path(target) as second:
        assert first != second
        first.write_bytes(b"first")
        second.write_bytes(b"second")
    assert target.read_bytes() in (b"first", b"second")
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_the_file_and_its_directory_entry_reach_the_disk(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with atomic_path(tmp_path / "a.bin") as tmp:
        tmp.write_bytes(b"data")
    assert synced == [str(tmp), str(tmp_path)]  # the data before the rename, the entry after


def test_outputs_get_the_usual_permissions_not_the_temporary_files(tmp_path):
    """mkstemp's files are private (0600); a shared results directory needs them readable."""
    old = os.umask(0o022)
    try:
        save_npy(tmp_path / "a.npy", np.arange(3))
    finally:
        os.umask(old)
    assert (tmp_path / "a.npy").stat().st_mode & 0o777 == 0o644
