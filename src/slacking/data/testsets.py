"""Fixed test sets: test-pool backgrounds B, test rain R, rainy images I = clip(B + R)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .images import read_image
from .patches import patch_rng, sample_patches


def compose(background: np.ndarray, rain: np.ndarray) -> np.ndarray:
    """I = clip(B + R) in uint8; the grayscale rain layer is added to every channel."""
    total = background.astype(np.int16) + rain.astype(np.int16)[..., None]
    return np.clip(total, 0, 255).astype(np.uint8)


def make_test_set(backgrounds: np.ndarray, rain: np.ndarray) -> dict[str, np.ndarray]:
    if backgrounds.shape[:3] != rain.shape:
        raise ValueError(f"backgrounds {backgrounds.shape} and rain {rain.shape} do not match")
    return {"B": backgrounds, "R": rain, "I": compose(backgrounds, rain)}


def held_out_backgrounds(paths: list[Path], count: int, size: int, seed: int, category: str):
    """Test backgrounds use their own stream, so they never coincide with training draws."""
    return sample_patches(paths, count, size, seed, stream=f"test/{category}")


def _rain100l_crops(pairs: list[tuple[Path, Path]], count: int, size: int, seed: int):
    """(rainy, clean) crops of Rain100L pairs, one random pair and position each."""
    for slot in range(count):
        rng = patch_rng(seed, "test-rain/rain100l", slot)
        rainy_path, clean_path = pairs[int(rng.integers(len(pairs)))]
        rainy, clean = read_image(rainy_path), read_image(clean_path)
        height, width = rainy.shape[:2]
        if height < size or width < size:
            raise ValueError(f"Rain100L image {rainy_path} is smaller than the test size {size}")
        y = int(rng.random() * (height - size + 1))
        x = int(rng.random() * (width - size + 1))
        yield rainy[y : y + size, x : x + size], clean[y : y + size, x : x + size]


def rain100l_layers(pairs: list[tuple[Path, Path]], count: int, size: int, seed: int):
    """Crops of Rain100L streak maps (rainy minus clean), to add to other backgrounds."""
    from ..rain import rain100l_streaks

    crops = _rain100l_crops(pairs, count, size, seed)
    return np.stack([rain100l_streaks(rainy, clean) for rainy, clean in crops])


def rain100l_pair_test_set(pairs: list[tuple[Path, Path]], count: int, size: int, seed: int):
    """Rain100L's own test pairs, as the papers test Table III: I the rainy crop, B the clean
    one and R their streak map (rainy minus clean), from which the region masks come."""
    from ..rain import rain100l_streaks

    rainy, clean = map(np.stack, zip(*_rain100l_crops(pairs, count, size, seed), strict=True))
    streaks = np.stack([rain100l_streaks(i, b) for i, b in zip(rainy, clean, strict=True)])
    return {"B": clean, "R": streaks, "I": rainy}


def rain100l_pairs(root: Path, rainy_glob: str, clean_glob: str) -> list[tuple[Path, Path]]:
    """Rainy/clean file pairs of an extracted Rain100L, matched by sorted order."""
    rainy, clean = sorted(Path(root).glob(rainy_glob)), sorted(Path(root).glob(clean_glob))
    if not rainy or len(rainy) != len(clean):
        raise FileNotFoundError(
            f"Rain100L under {root}: {len(rainy)} files match {rainy_glob!r} and "
            f"{len(clean)} match {clean_glob!r}; expected the same non-zero number "
            "(test_rain.rain100l globs)"
        )
    return list(zip(rainy, clean, strict=True))


# Test sets besides the unseen test rain (config test.rain), for Sec. VI: the training rain
# itself on the test backgrounds ("seen-<range>"), and salt-and-pepper noise for denoisers.
SEEN_PREFIX = "seen-"
SALT_AND_PEPPER = "salt-pepper"
# Rain100L's own rainy/clean pairs (Table III with data_source real), not its streaks on ours.
RAIN100L_PAIRS = "rain100l-pairs"


def seen_rain_layers(count: int, size: int, rain_range, seed: int) -> np.ndarray:
    """Training rain (a Table I range) as uint8 test layers: what a network saw in training."""
    import torch

    from ..rain import sample_rain_layers

    generator = torch.Generator().manual_seed(
        int(patch_rng(seed, "test-rain/seen", 0).integers(2**62))
    )
    layers = sample_rain_layers(count, size, size, rain_range, generator)[:, 0]
    return layers.mul(255).round().to(torch.uint8).numpy()


def salt_and_pepper_test_set(background: np.ndarray, amount: float, seed: int) -> dict:
    """Sec. VI's unseen noise. R = |I - B| per channel, so the decoupled metrics' mask marks
    exactly the values the noise changed."""
    from ..degradations import salt_and_pepper

    noisy = salt_and_pepper(background, amount, patch_rng(seed, "test-noise/salt-pepper", 0))
    rain = np.abs(noisy.astype(np.int16) - background.astype(np.int16)).astype(np.uint8)
    return {"B": background, "R": rain, "I": noisy}


def build_test_set(
    backgrounds: list[Path],
    category: str,
    count: int,
    size: int,
    seed: int,
    rain_kind: str,
    rain_config: dict,
    rain100l_root: Path | None = None,
) -> dict[str, np.ndarray]:
    """The category's test set. Every category gets the same rain layers for a given seed, so
    differences between categories come from the backgrounds alone.

    ``rain_config`` is the kind's config: ``test_rain.<kind>``, the whole ``rain`` block for
    ``seen-<range>``, or ``noise`` for salt-and-pepper.
    """
    from ..rain import TestRainParams, rain_range_from_config, render_test_rain

    if rain_kind == RAIN100L_PAIRS:
        pairs = rain100l_pairs(rain100l_root, rain_config["rainy_glob"], rain_config["clean_glob"])
        return rain100l_pair_test_set(pairs, count, size, seed)
    background = held_out_backgrounds(backgrounds, count, size, seed, category)
    if rain_kind == "embedded":
        rain = render_test_rain(count, size, size, TestRainParams.from_config(rain_config), seed)
    elif rain_kind == "rain100l":
        pairs = rain100l_pairs(rain100l_root, rain_config["rainy_glob"], rain_config["clean_glob"])
        rain = rain100l_layers(pairs, count, size, seed)
    elif rain_kind.startswith(SEEN_PREFIX):
        rain_range = rain_range_from_config(rain_config, rain_kind.removeprefix(SEEN_PREFIX))
        rain = seen_rain_layers(count, size, rain_range, seed)
    elif rain_kind == SALT_AND_PEPPER:
        return salt_and_pepper_test_set(background, rain_config["salt_and_pepper"], seed)
    else:
        raise ValueError(
            f"unknown test set {rain_kind!r} (allowed: embedded, rain100l, {RAIN100L_PAIRS}, "
            f"{SEEN_PREFIX}<rain range>, {SALT_AND_PEPPER})"
        )
    return make_test_set(background, rain)
