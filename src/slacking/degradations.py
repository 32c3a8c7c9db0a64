"""What a training run corrupts its clean patches with, and the test noise of Sec. VI.

A run's degradation is named like its training rain: a Table I rain range, ``noise`` (the
journal's denoising task, Sec. VI: Gaussian noise N(0, std)) or ``clean`` (none: an
autoencoder learning to reproduce its input, as the content prior is pretrained). Denoisers
are tested on salt-and-pepper noise, which they never saw in training, as deraining networks
are tested on rain they never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .catalog import CLEAN, NOISE  # the names of the degradations that are not rain
from .host_to_device import to_device
from .rain import RainRange, add_training_rain, rain_range_from_config


@dataclass(frozen=True)
class GaussianNoise:
    """Additive N(0, std) noise, ``std`` on the 0-255 scale (the paper's N(0, 30))."""

    std: float

    def __post_init__(self):
        if not self.std > 0:
            raise ValueError(f"std: must be positive, got {self.std}")


Degradation = RainRange | GaussianNoise | None


def degradation_from_config(rain_config: dict, noise_config: dict, name: str) -> Degradation:
    """The degradation a run name stands for: a rain range of config ``rain``, ``noise``
    (config ``noise.std``) or ``clean``."""
    if name == NOISE:
        return GaussianNoise(float(noise_config["std"]))
    if name == CLEAN:
        return None
    return rain_range_from_config(rain_config, name)


def degrade(
    clean: torch.Tensor, degradation: Degradation, generator: torch.Generator
) -> torch.Tensor:
    """The network's input for a clean batch (N,C,H,W) in [0,1], clipped to [0,1] like the
    8-bit test images. Noise is drawn on the CPU from ``generator``, so a seed gives the same
    noise on every device."""
    if degradation is None:
        return clean
    if isinstance(degradation, RainRange):
        return add_training_rain(clean, degradation, generator)[0]
    noise = torch.randn(clean.shape, generator=generator) * (degradation.std / 255.0)
    return (clean + to_device(noise, clean.device).to(clean.dtype)).clamp_(0, 1)


def salt_and_pepper(images: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """uint8 images with each value, independently per RGB channel, set to 0 with
    probability ``amount`` (pepper) and to 255 with probability ``amount`` (salt)."""
    if not 0 < amount < 0.5:
        raise ValueError(f"amount: must be in (0, 0.5), got {amount}")
    draw = rng.random(images.shape)
    noisy = images.copy()
    noisy[draw < amount] = 0
    noisy[draw >= 1 - amount] = 255
    return noisy
