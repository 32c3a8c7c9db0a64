"""Files are read back only as written: arrays against their checksum, torch records against
their digest and as data only, so a damaged or planted file never trains, evaluates or runs."""

import ast
import os
import pathlib
import zipfile

import numpy as np
import pytest
import torch

from conftest import ROOT
from slacking.atomic import save_npy, save_torch
from slacking.integrity import CorruptFile, UnsafeFile, load_array, load_torch


def flip_tensor_bytes(path, count=8):
    """Flip ``count`` bytes in the middle of the largest tensor stored in a torch zip file."""
    with zipfile.ZipFile(path) as archive:
        info = max(
            (i for i in archive.infolist() if "/data/" in i.filename), key=lambda i: i.file_size
        )
    with open(path, "r+b") as handle:
        handle.seek(info.header_offset + 26)
        name_length, extra_length = np.frombuffer(handle.read(4), dtype="<u2")
        start = info.header_offset + 30 + int(name_length) + int(extra_length)
        handle.seek(start + info.file_size // 2)
        chunk = bytearray(handle.read(count))
        handle.seek(start + info.file_size // 2)
        handle.write(bytes(b ^ 0xFF for b in chunk))


class _Touch:
    """Unpickling this calls Path.touch: a stand-in for any code a planted file could run."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.marker),)


def plant_code_executing_file(path, marker):
    torch.save({"model": _Touch(marker)}, path)


def _record():
    return {"state_dict": {"w": torch.arange(4096, dtype=torch.float32)}, "iteration": 3}


def test_a_record_round_trips_with_its_digest(tmp_path):
    save_torch(_record(), tmp_path / "a.pt")
    loaded = load_torch(tmp_path / "a.pt")
    assert loaded.keys() == _record().keys()
    assert torch.equal(loaded["state_dict"]["w"], _record()["state_dict"]["w"])


def test_flipped_tensor_bytes_are_noticed(tmp_path):
    save_torch(_record(), tmp_path / "a.pt")
    torch.load(tmp_path / "a.pt", weights_only=True)  # torch itself loads the damaged file ...
    flip_tensor_bytes(tmp_path / "a.pt")
    torch.load(tmp_path / "a.pt", weights_only=True)  # ... without complaint
    with pytest.raises(CorruptFile, match="digest"):
        load_torch(tmp_path / "a.pt")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: os.urandom(len(data)),
        lambda data: bytes(len(data)),
    ],
    ids=["truncated", "random", "zeros"],
)
def test_damaged_files_raise_corrupt_file(tmp_path, damage):
    save_torch(_record(), tmp_path / "a.pt")
    (tmp_path / "a.pt").write_bytes(damage((tmp_path / "a.pt").read_bytes()))
    with pytest.raises(CorruptFile, match="unreadable"):
        load_torch(tmp_path / "a.pt")


def test_a_file_that_needs_code_is_refused_and_runs_nothing(tmp_path):
    plant_code_executing_file(tmp_path / "evil.pt", tmp_path / "executed")
    with pytest.raises(UnsafeFile, match="needs code"):
        load_torch(tmp_path / "evil.pt")
    assert not (tmp_path / "executed").exists()


def test_an_array_that_changed_on_disk_is_refused(tmp_path):
    path = tmp_path / "n4.npy"
    save_npy(path, np.arange(100, dtype=np.uint8))
    np.testing.assert_array_equal(load_array(path), np.arange(100))
    data = bytearray(path.read_bytes())
    data[-10:] = os.urandom(10)  # the header stays valid: np.load alone reads garbage
    path.write_bytes(bytes(data))
    np.load(path)
    with pytest.raises(CorruptFile, match="Delete it and rerun"):
        load_array(path)


def test_an_array_written_before_checksums_still_loads(tmp_path):
    np.save(tmp_path / "old.npy", np.arange(3))
    np.testing.assert_array_equal(load_array(tmp_path / "old.npy"), [0, 1, 2])


def _torch_load_calls(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "load"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "torch"
        ):
            yield node


def test_every_torch_load_in_the_project_loads_data_only():
    """``weights_only=False`` would unpickle whatever a file holds, code included."""
    files = [*ROOT.glob("src/**/*.py"), *ROOT.glob("workflow/scripts/*.py")]
    files += list(ROOT.glob("benchmarks/*.py"))
    calls = [(path, node) for path in files for node in _torch_load_calls(path)]
    assert calls, "the scan found no torch.load at all: it is looking in the wrong place"
    for path, node in calls:
        flags = {k.arg: k.value for k in node.keywords}
        safe = (
            isinstance(flags.get("weights_only"), ast.Constant)
            and flags["weights_only"].value is True
        )
        assert safe, f"{path.relative_to(ROOT)}:{node.lineno}: torch.load without weights_only=True"


def test_the_same_record_gives_the_same_bytes(tmp_path):
    """Same config and seed, same model.pt, byte for byte (the temporary name must not leak)."""
    save_torch(_record(), tmp_path / "a.pt")
    save_torch(_record(), tmp_path / "b.pt")
    assert (tmp_path / "a.pt").read_bytes() == (tmp_path / "b.pt").read_bytes()
