"""The papers' ResNet: BasicSR's MSRResNet without the upsampling stage.

Structure and initialisation follow BasicSR's ``basicsr/archs/srresnet_arch.py`` and
``ResidualBlockNoBN`` in ``basicsr/archs/arch_util.py`` (XPixelGroup/BasicSR, Apache-2.0).
With ``upscale=1`` the bilinear skip of MSRResNet becomes the identity, so the network predicts
the clean image as input + residual.
"""

from __future__ import annotations

import torch
from torch import nn

from . import kaiming_scaled, register


class ResidualBlockNoBN(nn.Module):
    """conv-ReLU-conv plus identity; no batch norm, which hurts restoration (EDSR)."""

    def __init__(self, num_feat: int):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.relu = nn.ReLU(inplace=True)
        kaiming_scaled(self, 0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(self.relu(self.conv1(x)))


@register("resnet")
class MSRResNet(nn.Module):
    """MSRResNet at scale 1: 64 features and 16 blocks give the papers' ~1.2M parameters."""

    def __init__(self, num_feat: int = 64, num_block: int = 16):
        super().__init__()
        self.conv_first = nn.Conv2d(3, num_feat, 3, 1, 1)
        self.body = nn.Sequential(*(ResidualBlockNoBN(num_feat) for _ in range(num_block)))
        self.conv_hr = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_last = nn.Conv2d(num_feat, 3, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.1, inplace=True)
        for conv in (self.conv_first, self.conv_hr, self.conv_last):
            kaiming_scaled(conv, 0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feat = self.body(self.lrelu(self.conv_first(x)))
        return x + self.conv_last(self.lrelu(self.conv_hr(feat)))
