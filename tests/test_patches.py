"""Patch subsets: deterministic, nested, drawn only from their own pool."""

import numpy as np
import pytest

from slacking.data.images import read_image, write_png
from slacking.data.patches import sample_patches
from slacking.data.testsets import compose, held_out_backgrounds


@pytest.fixture
def pool(tmp_path):
    rng = np.random.default_rng(1)
    paths = []
    for i, shape in enumerate([(70, 90), (100, 64), (64, 64)]):
        path = tmp_path / f"img{i}.png"
        write_png(path, rng.integers(0, 256, (*shape, 3), dtype=np.uint8))
        paths.append(path)
    return paths


def test_same_seed_gives_identical_bytes_and_other_seed_differs(pool):
    a = sample_patches(pool, 20, 32, seed=0, stream="train/x")
    b = sample_patches(pool, 20, 32, seed=0, stream="train/x")
    c = sample_patches(pool, 20, 32, seed=1, stream="train/x")
    assert a.dtype == np.uint8 and a.shape == (20, 32, 32, 3)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


def test_subsets_are_nested(pool):
    large = sample_patches(pool, 64, 32, seed=3, stream="train/x")
    for n in (8, 16, 32):
        np.testing.assert_array_equal(sample_patches(pool, n, 32, 3, "train/x"), large[:n])


def test_patches_are_crops_of_pool_images(pool):
    images = [read_image(path) for path in pool]
    for patch in sample_patches(pool, 10, 32, seed=0, stream="train/x"):
        found = any(
            np.array_equal(image[y : y + 32, x : x + 32], patch)
            for image in images
            for y in range(image.shape[0] - 31)
            for x in range(image.shape[1] - 31)
        )
        assert found


def test_train_and_held_out_backgrounds_come_from_their_own_pools(tmp_path, pool):
    test_image = tmp_path / "test.png"
    write_png(test_image, np.full((64, 64, 3), 7, dtype=np.uint8))
    test = held_out_backgrounds([test_image], 5, 32, seed=0, category="x")
    train = sample_patches(pool, 50, 32, seed=0, stream="train/x")
    assert np.all(test == 7)
    assert not np.any(np.all(train == 7, axis=(1, 2, 3)))


def test_small_image_and_truncated_file_are_named(tmp_path, pool):
    with pytest.raises(ValueError, match="smaller than the patch size 80"):
        sample_patches(pool[2:], 2, 80, seed=0, stream="s")
    truncated = tmp_path / "broken.png"
    truncated.write_bytes(pool[0].read_bytes()[:200])
    with pytest.raises(ValueError, match="broken.png"):
        sample_patches([truncated], 1, 16, seed=0, stream="s")


def test_compose_clips_and_broadcasts_rain():
    background = np.array([[[250, 10, 0]]], dtype=np.uint8)
    rain = np.array([[20]], dtype=np.uint8)
    np.testing.assert_array_equal(compose(background, rain), [[[255, 30, 20]]])
