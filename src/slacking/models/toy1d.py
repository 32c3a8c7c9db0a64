"""The function-denoising network of the journal paper (Sec. V-A): five 1-D convolutions with
Leaky ReLU, about 400k parameters.

The input has two channels, the sample positions x and the noisy values y + n, as the paper's
"noisy points (x, y + n)"; the output is the denoised y. Seeing x is what lets a network trained
on one simple function reproduce that function whatever the noise (the paper's Fig. 11).
"""

from __future__ import annotations

import torch
from torch import nn

from . import register


@register("toy1d")
class Toy1D(nn.Module):
    """(N, 2, L) points -> (N, 1, L) denoised values; ``scale`` maps the data's range to ~[-1, 1].

    The paper's functions have amplitude 10 over x in [-10, 10]; dividing inputs by ``scale``
    and multiplying the output back keeps the network's activations near unit size. Replicate
    padding keeps a curve's ends from being pulled towards zero.
    """

    def __init__(
        self,
        channels: int = 160,
        kernel_size: int = 5,
        num_layers: int = 5,
        negative_slope: float = 0.2,
        scale: float = 10.0,
    ):
        super().__init__()
        if num_layers < 2:
            raise ValueError(f"num_layers must be at least 2, got {num_layers}")
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (same-length output), got {kernel_size}")
        widths = [2] + [channels] * (num_layers - 1) + [1]
        layers: list[nn.Module] = []
        for index, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
            layers.append(
                nn.Conv1d(
                    c_in, c_out, kernel_size, padding=kernel_size // 2, padding_mode="replicate"
                )
            )
            if index < num_layers - 1:
                layers.append(nn.LeakyReLU(negative_slope, inplace=True))
        self.body = nn.Sequential(*layers)
        self.scale = scale

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        return self.body(points / self.scale) * self.scale
