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
