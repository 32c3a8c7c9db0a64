"""The papers' encoder-decoder representative: a Ronneberger-style U-Net (MICCAI 2015).

The papers do not give their U-Net's configuration, so this is the original layout with padded
convolutions: per level two 3x3 conv + ReLU, 2x2 max-pool down, 2x2 transposed conv up (halving
the channels), skip concatenation, and a final 1x1 conv. ``depth`` counts the poolings, so the
defaults (64 features, depth 4, 1024 at the bottleneck) are the classic ~31M-parameter U-Net.
A global residual makes it predict input + correction, like the papers' other two networks.
"""

from __future__ import annotations

import torch
from torch import nn

from . import pad_to_multiple, register


def _double_conv(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, 1, 1),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 3, 1, 1),
        nn.ReLU(inplace=True),
    )


@register("unet")
class UNet(nn.Module):
    """U-Net with ``depth`` poolings; widths ``num_feat * 2**level``."""

    def __init__(self, num_feat: int = 64, depth: int = 4):
        super().__init__()
        widths = [num_feat * 2**level for level in range(depth + 1)]
        self.depth = depth
        self.conv_first = _double_conv(3, widths[0])
        self.pool = nn.MaxPool2d(2)
        self.encoders = nn.ModuleList(_double_conv(widths[i], widths[i + 1]) for i in range(depth))
        # Decoder modules are listed from the bottleneck up, in the order forward uses them.
        self.upsamplers = nn.ModuleList(
            nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2)
            for i in reversed(range(depth))
        )
        self.decoders = nn.ModuleList(
            _double_conv(2 * widths[i], widths[i]) for i in reversed(range(depth))
        )
        self.conv_last = nn.Conv2d(widths[0], 3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        feat = self.conv_first(pad_to_multiple(x, 2**self.depth))
        skips = []
        for encoder in self.encoders:
            skips.append(feat)
            feat = encoder(self.pool(feat))
        for upsample, decoder, skip in zip(
            self.upsamplers, self.decoders, reversed(skips), strict=True
        ):
            feat = decoder(torch.cat([skip, upsample(feat)], dim=1))
        return x + self.conv_last(feat)[..., :height, :width]
