"""The real-data branch of the DAG, end to end on file:// fixtures made here.

download -> extract -> pool -> patches and test sets, with Rain100L streak maps as test rain, and
the hand-placed Manga109 rule's instruction when the directory is missing.
"""

import hashlib
import zipfile

import numpy as np
import pytest
import yaml

from conftest import run_snakemake
from slacking.data.images import write_png


def _zip_of_images(path, folder, names, rng, shape=(80, 96)):
    images_dir = path.parent / f"src-{path.stem}"
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            image = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
            png = images_dir / folder / name
            png.parent.mkdir(parents=True, exist_ok=True)
            write_png(png, image)
            archive.write(png, f"{folder}/{name}")
    return "md5:" + hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def real_config(tmp_path):
    rng = np.random.default_rng(0)
    downloads = tmp_path / "server"
    downloads.mkdir()
    train_sum = _zip_of_images(downloads / "train.zip", "HR", ["a.png", "b.png", "c.png"], rng)
    valid_sum = _zip_of_images(downloads / "valid.zip", "HR", ["d.png", "e.png"], rng)
    rain_sum = _zip_of_images(
        downloads / "rain.zip", "rain100l", ["norain-1.png", "rain-1.png"], rng
    )
    results = tmp_path / "results"
    config = {
        "results_dir": str(results),
        "data_source": "real",
        "categories": ["natural", "lineart"],
        "patches": {"size": 32, "counts": [4]},
        "test": {"size": 32, "count": 2, "rain": "rain100l"},
        "test_rain": {"rain100l": {"dataset": "fake_rain"}},
        "sharpness": {"categories": ["natural"], "count": 1, "max_candidates": 10},
        "category_data": {
            "natural": {
                "paper_dataset": "DIV2K",
                "embedded": {"train": ["skimage:coffee"], "test": ["skimage:gravel"]},
                "real": {
                    "train": {"dataset": "fake_train", "glob": "HR/*.png"},
                    "test": {"dataset": "fake_valid", "glob": "HR/*.png"},
                },
            },
        },
        "datasets": {
            "retries": 2,
            "sources": {
                "fake_train": {
                    "url": (downloads / "train.zip").as_uri(),
                    "checksum": train_sum,
                    "filename": "train.zip",
                },
                "fake_valid": {
                    "url": (downloads / "valid.zip").as_uri(),
                    "checksum": valid_sum,
                    "filename": "valid.zip",
                },
                "fake_rain": {
                    "url": (downloads / "rain.zip").as_uri(),
                    "checksum": rain_sum,
                    "filename": "rain.zip",
                },
                "manga109": {"placed": str(tmp_path / "manga109"), "hint": "request it"},
            },
        },
    }
    return tmp_path, results, config


def _build(tmp_path, config, *targets, check=True):
    """Run the workflow on ``targets`` with ``config`` layered over the default preset."""
    path = tmp_path / "real.yaml"
    path.write_text(yaml.safe_dump(config))
    return run_snakemake("--cores", "2", f"--configfile={path}", *targets, check=check)


def test_real_branch_downloads_extracts_and_samples(real_config):
    tmp_path, results, config = real_config
    config["categories"] = ["natural"]
    _build(
        tmp_path,
        config,
        results / "data/patches/natural/n4.npy",
        results / "data/test/natural/rain100l.npz",
    )
    assert np.load(results / "data/patches/natural/n4.npy").shape == (4, 32, 32, 3)
    test_set = np.load(results / "data/test/natural/rain100l.npz")
    assert test_set["R"].shape == (2, 32, 32) and test_set["R"].dtype == np.uint8
    listed = (results / "data/backgrounds/real/natural/test.txt").read_text().split()
    assert [p.rsplit("/", 1)[1] for p in listed] == ["d.png", "e.png"]


def test_corrupted_download_fails_and_leaves_no_output(real_config):
    tmp_path, results, config = real_config
    config["categories"] = ["natural"]
    config["datasets"]["sources"]["fake_train"]["checksum"] = "md5:" + "0" * 32
    result = _build(tmp_path, config, results / "data/patches/natural/n4.npy", check=False)
    assert result.returncode != 0
    log = (results / "logs/download/fake_train/train.zip.log").read_text()
    assert "train.zip" in log and "0" * 32 in log
    assert not (results / "data/raw/fake_train/archive/train.zip").exists()


def test_missing_manga109_says_where_to_put_it(real_config):
    tmp_path, results, config = real_config
    config["categories"] = ["lineart"]
    config["test"]["rain"] = "embedded"
    result = _build(tmp_path, config, results / "data/patches/lineart/n4.npy", check=False)
    assert result.returncode != 0
    log = (results / "logs/link_placed/manga109.log").read_text()
    assert str(tmp_path / "manga109") in log and "request it" in log
