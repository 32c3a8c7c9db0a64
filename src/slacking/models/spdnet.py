"""SPDNet: structure-preserving deraining with residue channel prior guidance.

Yi, Li, Dai, Fang, Zhang and Zeng, "Structure-Preserving Deraining with Residue Channel Prior
Guidance", ICCV 2021. Structure, widths and default sizes follow the official
``src/model/spdnet.py`` (GitHub Joyies/SPDNet, which states no licence and borrows from
hongwang01/RCDNet); this is our own code, not a copy. The residue channel prior (RCP: max minus
min over RGB) of the input guides the first of three stages; each later stage is guided by the
RCP of the previous stage's image (the paper's iterative guidance). A stage encodes the RCP
(``ResidueEncoder``, official ``res_ch``), fuses it with the image features (``InteractiveFusion``,
the paper's IFM, official ``Prior_Sp``) and runs the wavelet multi-level module
(``WaveletMultiLevel``, the paper's WMLM, official ``subnet``): three scales reached by Haar
DWTs, three columns of residual-in-residual groups, and a decoder back through Haar IWTs.
With official-layout weights mapped onto this module (and the official forward given the same
residual heads) the outputs agree to ~4e-10 in float64 for 64x64, 40x56 and 8x12 inputs,
checked once by hand against pytorch_wavelets; the gap is its float32 filter taps.

Differences from the official code:

- ``forward`` returns only the final image. The official network also returns the first two
  stages' images and trains with the sum of the MSE losses of all three (on 0-255 images); our
  pipeline trains every network with one L1 loss on the final image, so the intermediate
  images are unsupervised and serve only as the source of the next stage's RCP.
- Every stage's image is input + correction (the official heads predict the image directly):
  the project gives all its networks a global residual, so training starts near the identity
  derainer, and for the unsupervised intermediate images it keeps their RCP tied to the input's.
- The Haar DWT/IWT are written with slicing (no pytorch_wavelets, no ``.cuda()``); band order and
  signs equal pytorch_wavelets' ``DWTForward(J=1, wave='haar')``, and the official channel layouts
  around the transforms (band-major after the DWT, channel-major before the IWT) are kept.
- Layers the official module builds but never calls are left out: per WMLM six strided convs,
  four transposed-conv upsamplers and the two ``Fuse.conv``, plus the affine InstanceNorm in
  every conv block (created, commented out of ``forward``). Their 337,216 parameters make the
  official count 3,318,741 (the paper's ~3.3M); this module has the 2,981,525 that compute.
- The input is padded to a multiple of 4 (two DWT levels) and the output cropped back; the
  official code relies on pytorch_wavelets' zero padding and works at any size unpadded.
  Reflection padding inside the blocks falls back to replication on maps too small to reflect.
- The IFM's width follows ``num_feat`` (the official hard-codes 32, its default width).
- ``num_stage`` generalises the official three stages: stage k starts from a fusion of all
  earlier stages' features with the shallow features, and its head sees a fusion of its own and
  the earlier stages' features, which is exactly the official wiring for three stages.
- No batch norm was used officially; none here. No in-place additions (official ``res += x``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import pad_to_multiple, register


def residue_channel(x: torch.Tensor) -> torch.Tensor:
    """The residue channel prior (N,1,H,W): max minus min over the colour channels.

    Rain streaks are nearly achromatic, so they cancel here while coloured structure stays.
    """
    return x.amax(dim=1, keepdim=True) - x.amin(dim=1, keepdim=True)


def haar_dwt(x: torch.Tensor) -> torch.Tensor:
    """One orthonormal 2-D Haar level: (N,C,H,W) -> (N,C,4,H/2,W/2) as [LL, H1, H2, H3].

    H1 = rows (top minus bottom), H2 = columns (left minus right), H3 = diagonal: the band order
    and signs of pytorch_wavelets' ``DWTForward(J=1, wave='haar')``. H and W must be even.
    """
    a, b = x[..., 0::2, 0::2], x[..., 0::2, 1::2]
    c, d = x[..., 1::2, 0::2], x[..., 1::2, 1::2]
    top, bottom, left, right = a + b, c + d, a - b, c - d
    return torch.stack([top + bottom, top - bottom, left + right, left - right], dim=2) / 2


def haar_iwt(bands: torch.Tensor) -> torch.Tensor:
    """Inverse of ``haar_dwt``: (N,C,4,h,w) -> (N,C,2h,2w)."""
    ll, h1, h2, h3 = bands.unbind(dim=2)
    top, bottom = ll + h1, ll - h1
    left, right = h2 + h3, h2 - h3
    a, b = (top + left) / 2, (top - left) / 2
    c, d = (bottom + right) / 2, (bottom - right) / 2
    n, ch, h, w = a.shape
    rows = torch.stack([torch.stack([a, b], dim=-1), torch.stack([c, d], dim=-1)], dim=-3)
    return rows.reshape(n, ch, 2 * h, 2 * w)


def _pad(x: torch.Tensor, amount: int) -> torch.Tensor:
    """Reflection padding as the official blocks use; replication where a map is too small."""
    mode = "reflect" if min(x.shape[-2:]) > amount else "replicate"
    return F.pad(x, (amount, amount, amount, amount), mode=mode)


class ConvReLU(nn.Module):
    """Reflection-padded 3x3 conv + ReLU (official ``convd``, whose InstanceNorm is unused)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.conv(_pad(x, 1)))


class ResidualSE(nn.Module):
    """conv-ReLU-conv-ReLU, squeeze-excitation (no channel reduction), plus identity (``RB``)."""

    def __init__(self, num_feat: int):
        super().__init__()
        self.conv1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.fc1 = nn.Linear(num_feat, num_feat, bias=False)
        self.fc2 = nn.Linear(num_feat, num_feat, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = F.relu(self.conv2(F.relu(self.conv1(x))))
        weights = torch.sigmoid(self.fc2(F.relu(self.fc1(res.mean(dim=(-2, -1))))))
        return x + res * weights[..., None, None]


class ResidualGroup(nn.Module):
    """``num_block`` ResidualSE blocks and a conv, plus identity, then ReLU (official ``RIR``)."""

    def __init__(self, num_feat: int, num_block: int):
        super().__init__()
        self.blocks = nn.Sequential(*(ResidualSE(num_feat) for _ in range(num_block)))
        self.conv = nn.Conv2d(num_feat, num_feat, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.conv(self.blocks(x)))


class ResidueEncoder(nn.Module):
    """RCP features: the residue map, tripled to 3 channels as officially, through two
    conv blocks and a residual group (official ``res_ch``)."""

    def __init__(self, num_feat: int, num_block: int):
        super().__init__()
        self.conv1 = ConvReLU(3, num_feat // 2)
        self.conv2 = ConvReLU(num_feat // 2, num_feat)
        self.group = ResidualGroup(num_feat, num_block)

    def forward(self, residue: torch.Tensor) -> torch.Tensor:
        x = torch.cat([residue, residue, residue], dim=1)
        return self.group(self.conv2(self.conv1(x)))


class InteractiveFusion(nn.Module):
    """The IFM (official ``Prior_Sp``): a sigmoid of image-query times RCP-key gates both
    streams, and per-pixel weights predicted from [stream, gated stream] mix each stream with
    its gated version, so the RCP's structure selects which image features pass."""

    def __init__(self, num_feat: int):
        super().__init__()
        self.query = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.key = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.mix_image = nn.Conv2d(2 * num_feat, 2, 3, 1, 1)
        self.mix_prior = nn.Conv2d(2 * num_feat, 2, 3, 1, 1)

    def forward(self, x: torch.Tensor, prior: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        attention = torch.sigmoid(self.query(x) * self.key(prior))
        x_att, prior_att = x * attention, prior * attention
        gx = self.mix_image(torch.cat([x, x_att], dim=1))
        gp = self.mix_prior(torch.cat([prior, prior_att], dim=1))
        x_out = x * gx[:, 0:1] + x_att * gx[:, 1:2]
        prior_out = prior * gp[:, 0:1] + prior_att * gp[:, 1:2]
        return x_out, prior_out


class Fuse(nn.Module):
    """Decoder merge of a coarser path into a finer one (official ``Fuse``).

    As officially, the coarse input already has the fine size (it comes out of an IWT); it still
    goes through a stride-2 transposed conv and is resampled back by nearest interpolation.
    """

    def __init__(self, num_feat: int):
        super().__init__()
        self.up = nn.ConvTranspose2d(num_feat, num_feat, 3, stride=2)
        self.block = ResidualSE(num_feat)

    def forward(self, coarse: torch.Tensor, fine: torch.Tensor) -> torch.Tensor:
        up = F.relu(self.up(_pad(coarse, 1)))
        up = F.interpolate(up, size=fine.shape[-2:], mode="nearest")
        return F.relu(self.block(up + fine))


class WaveletMultiLevel(nn.Module):
    """The WMLM (official ``subnet``): IFM, then three scales by Haar DWT (the four bands of a
    level, band-major, squeezed back to ``num_feat`` by a conv), three residual groups per
    scale, and a decoder that expands each coarse path to four bands for the Haar IWT."""

    def __init__(self, num_feat: int, num_block: int):
        super().__init__()
        self.fusion = InteractiveFusion(num_feat)
        self.fuse_prior = ConvReLU(2 * num_feat, num_feat)
        self.down = nn.ModuleList(ConvReLU(4 * num_feat, num_feat) for _ in range(2))
        self.up = nn.ModuleList(ConvReLU(num_feat, 4 * num_feat) for _ in range(2))
        # columns[scale][column]: three columns of one group per scale, as officially.
        self.columns = nn.ModuleList(
            nn.Sequential(*(ResidualGroup(num_feat, num_block) for _ in range(3))) for _ in range(3)
        )
        self.merge = nn.ModuleList(Fuse(num_feat) for _ in range(2))

    def forward(self, x: torch.Tensor, prior: torch.Tensor) -> torch.Tensor:
        x, prior = self.fusion(x, prior)
        scales = [self.fuse_prior(torch.cat([x, prior], dim=1))]
        for down in self.down:
            bands = haar_dwt(scales[-1])  # official layout: [H1, H2, H3, LL] blocks of C
            scales.append(down(torch.cat([*bands[:, :, 1:].unbind(2), bands[:, :, 0]], dim=1)))
        scales = [column(feat) for column, feat in zip(self.columns, scales, strict=True)]
        out = scales[2]
        for level in (1, 0):
            expanded = self.up[level](out)  # official layout: channel c's bands at 4c..4c+3
            n, c4, h, w = expanded.shape
            coarse = haar_iwt(expanded.reshape(n, c4 // 4, 4, h, w))
            out = self.merge[level](coarse, scales[level])
        return out


@register("spdnet")
class SPDNet(nn.Module):
    """SPDNet; the defaults (32 features, 3 blocks per group, 3 stages) are the official ones."""

    def __init__(self, num_feat: int = 32, num_block: int = 3, num_stage: int = 3):
        super().__init__()
        if num_feat < 2 or num_block < 0 or num_stage < 1:
            raise ValueError(
                "need num_feat >= 2, num_block >= 0 and num_stage >= 1, "
                f"got {num_feat}, {num_block}, {num_stage}"
            )
        self.conv_first = nn.Sequential(
            ConvReLU(3, num_feat // 2), ConvReLU(num_feat // 2, num_feat)
        )
        self.encoders = nn.ModuleList(ResidueEncoder(num_feat, num_block) for _ in range(num_stage))
        self.stages = nn.ModuleList(
            WaveletMultiLevel(num_feat, num_block) for _ in range(num_stage)
        )
        # Stage k > 0 starts from [x_{k-1}, ..., x_0, shallow] and its head sees
        # [x_k, ..., x_0] (official ag1/ag2 and ag2_en/ag_en for three stages).
        self.stage_in = nn.ModuleList(
            ConvReLU((k + 1) * num_feat, num_feat) for k in range(1, num_stage)
        )
        self.head_in = nn.ModuleList(
            ConvReLU((k + 1) * num_feat, num_feat) for k in range(1, num_stage)
        )
        self.heads = nn.ModuleList(nn.Conv2d(num_feat, 3, 3, 1, 1) for _ in range(num_stage - 1))
        self.conv_last = nn.Conv2d(num_feat, 3, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        image = pad_to_multiple(x, 4)
        shallow = self.conv_first(image)
        feats: list[torch.Tensor] = []  # stage features, newest first
        guide, start = image, shallow
        for k, (encoder, stage) in enumerate(zip(self.encoders, self.stages, strict=True)):
            feats.insert(0, stage(start, encoder(residue_channel(guide))))
            head_feat = feats[0] if k == 0 else self.head_in[k - 1](torch.cat(feats, dim=1))
            if k + 1 < len(self.stages):  # this stage's image guides the next through its RCP
                guide = image + self.heads[k](head_feat)
                start = self.stage_in[k](torch.cat([*feats, shallow], dim=1))
        return x + self.conv_last(head_feat)[..., :height, :width]
