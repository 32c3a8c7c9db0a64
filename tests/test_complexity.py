"""Structural complexity on patterns whose answer is known by hand."""

import numpy as np
import pytest

from slacking.complexity import coarse_grained, patch_complexities, structural_complexity


def test_a_constant_image_has_no_complexity():
    assert structural_complexity(np.full((64, 64), 0.7)) == pytest.approx(0.0, abs=1e-20)


def test_a_one_pixel_checkerboard_only_counts_at_the_finest_scale():
    board = np.indices((64, 64)).sum(axis=0) % 2.0
    # Step 0 -> 1 turns 0/1 pixels into 0.5 everywhere: 0.5 * mean(0.25); later steps change
    # nothing. So the total equals the finest scale's term for any number of scales.
    for scales in (1, 2, 4):
        assert structural_complexity(board, scales) == pytest.approx(0.125)


def test_noise_is_more_complex_than_a_smooth_gradient():
    rng = np.random.default_rng(0)
    noise = rng.random((64, 64))
    gradient = np.tile(np.linspace(0, 1, 64), (64, 1))
    assert structural_complexity(noise) > 10 * structural_complexity(gradient) > 0


def test_coarse_graining_keeps_block_means_and_crops_to_the_largest_block():
    image = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(coarse_grained(image, 2)[:2, :2], np.full((2, 2), 2.5))
    wide = np.random.default_rng(1).random((35, 70))
    assert structural_complexity(wide) == structural_complexity(wide[:32, :64])


def test_bad_inputs_say_what_is_wrong():
    with pytest.raises(ValueError, match="2-D"):
        structural_complexity(np.zeros((8, 8, 3)))
    with pytest.raises(ValueError, match="n_scales"):
        structural_complexity(np.zeros((8, 8)), n_scales=4)


def test_patches_are_measured_on_their_grayscale():
    flat = np.full((2, 32, 32, 3), 128, dtype=np.uint8)
    flat[1] = np.random.default_rng(2).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    values = patch_complexities(flat)
    assert values[0] == pytest.approx(0.0, abs=1e-20) and values[1] > 0.01
