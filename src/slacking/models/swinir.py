"""The papers' Transformer: SwinIR in its scale-1 restoration configuration (denoising/JPEG).

Follows the structure of the official ``models/network_swinir.py`` (JingyunLiang/SwinIR,
Apache-2.0; originally written by Ze Liu, modified by Jingyun Liang): conv_first, residual Swin
Transformer blocks (RSTB: Swin layers with (shifted) window attention and relative position bias,
then a 3x3 conv and a residual), LayerNorm, conv_after_body with a long skip, conv_last and the
global residual. Differences: no timm or einops; tokens stay in a (B, H, W, C) layout instead of
SwinIR's (B, H*W, C); attention runs through ``scaled_dot_product_attention``; the shift mask is
computed for the padded input size (any H, W) and cached, instead of being fixed by an
``img_size`` at construction; odd layers always shift (SwinIR stops shifting when ``img_size``
is no larger than the window); no stochastic depth (SwinIR's own comment: no impact on
restoration results). With the official weights mapped onto this module the outputs agree to
~1e-6 (checked once by hand for sizes 64x64, 40x56 and 8x16).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from . import pad_to_multiple, register

# SwinIR subtracts the DIV2K mean RGB before conv_first; kept so the first conv sees the same
# centred input. The global residual adds the unshifted input back, so it cancels exactly.
_RGB_MEAN = (0.4488, 0.4371, 0.4040)


def _window_partition(x: torch.Tensor, window: int) -> torch.Tensor:
    """(B, H, W, C) -> (B, windows, window*window, C), windows in row-major order."""
    b, h, w, c = x.shape
    x = x.reshape(b, h // window, window, w // window, window, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(b, -1, window * window, c)


def _window_reverse(windows: torch.Tensor, window: int, h: int, w: int) -> torch.Tensor:
    """Inverse of ``_window_partition``."""
    b, c = windows.shape[0], windows.shape[-1]
    x = windows.reshape(b, h // window, w // window, window, window, c)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, c)


@lru_cache(maxsize=8)
def _shift_mask(h: int, w: int, window: int, shift: int, device: torch.device) -> torch.Tensor:
    """Additive mask (windows, 1, N, N) for shifted windows of an (h, w) map.

    After the cyclic shift, windows on the bottom/right border mix pixels from opposite image
    edges; tokens of different regions must not attend to each other (-100, as SwinIR).
    Cached because training sees one patch size and evaluation a handful of image sizes.
    """

    def regions(size: int) -> torch.Tensor:
        index = torch.arange(size, device=device)
        return (index >= size - window).long() + (index >= size - shift).long()

    ids = (regions(h)[:, None] * 3 + regions(w)[None, :]).float()
    ids = _window_partition(ids[None, :, :, None], window)[0, :, :, 0]  # (windows, N)
    different = ids[:, :, None] != ids[:, None, :]
    return torch.zeros(different.shape, device=device).masked_fill(different, -100.0)[:, None]


class WindowAttention(nn.Module):
    """Multi-head self-attention inside windows, with a learned relative position bias."""

    def __init__(self, dim: int, window: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.relative_position_bias_table = nn.Parameter(
            torch.zeros((2 * window - 1) ** 2, num_heads)
        )
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        coords = torch.stack(
            torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")
        ).flatten(1)  # (2, N)
        relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0) + (window - 1)
        index = relative[..., 0] * (2 * window - 1) + relative[..., 1]  # (N, N)
        # Derived from window alone, so not saved with the weights.
        self.register_buffer("relative_position_index", index, persistent=False)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """x: (B, windows, N, C); mask: (windows, 1, N, N) or None."""
        b, nw, n, c = x.shape
        heads = self.num_heads
        # Windows and heads share one axis, so attention is a 4-D call (which fused kernels
        # require) whose (windows*heads, N, N) bias broadcasts over the batch without a copy.
        qkv = self.qkv(x).reshape(b, nw, n, 3, heads, c // heads).permute(3, 0, 1, 4, 2, 5)
        q, k, v = qkv.reshape(3, b, nw * heads, n, c // heads).unbind(0)
        bias = self.relative_position_bias_table[self.relative_position_index]  # (N, N, heads)
        bias = bias.permute(2, 0, 1)[None] if mask is None else bias.permute(2, 0, 1) + mask
        bias = bias.expand(nw, heads, n, n).reshape(nw * heads, n, n).to(q.dtype)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return self.proj(out.reshape(b, nw, heads, n, -1).transpose(2, 3).reshape(b, nw, n, c))


class SwinLayer(nn.Module):
    """Pre-norm Swin Transformer layer: (shifted) window attention, then an MLP."""

    def __init__(self, dim: int, num_heads: int, window: int, shift: int, mlp_ratio: float):
        super().__init__()
        self.window = window
        self.shift = shift
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x: (B, H, W, C) with H, W multiples of the window; mask: the size's shift mask."""
        _, h, w, _ = x.shape
        y = self.norm1(x)
        if self.shift:
            y = torch.roll(y, shifts=(-self.shift, -self.shift), dims=(1, 2))
        y = self.attn(_window_partition(y, self.window), mask if self.shift else None)
        y = _window_reverse(y, self.window, h, w)
        if self.shift:
            y = torch.roll(y, shifts=(self.shift, self.shift), dims=(1, 2))
        x = x + y
        return x + self.mlp(self.norm2(x))


class RSTB(nn.Module):
    """Residual Swin Transformer block: Swin layers (every second one shifted), a 3x3 conv
    that reintroduces convolutional inductive bias, and a residual around both."""

    def __init__(self, dim: int, depth: int, num_heads: int, window: int, mlp_ratio: float):
        super().__init__()
        self.layers = nn.ModuleList(
            SwinLayer(dim, num_heads, window, 0 if i % 2 == 0 else window // 2, mlp_ratio)
            for i in range(depth)
        )
        self.conv = nn.Conv2d(dim, dim, 3, 1, 1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        y = x
        for layer in self.layers:
            y = layer(y, mask)
        return self.conv(y.permute(0, 3, 1, 2)).permute(0, 2, 3, 1) + x


@register("swinir")
class SwinIR(nn.Module):
    """SwinIR for restoration at scale 1; defaults are the papers' (lightweight-size) model."""

    def __init__(
        self,
        embed_dim: int = 60,
        depths: Sequence[int] = (6, 6, 6, 6),
        num_heads: Sequence[int] = (6, 6, 6, 6),
        window_size: int = 8,
        mlp_ratio: float = 2.0,
    ):
        super().__init__()
        if len(depths) != len(num_heads):
            raise ValueError(
                f"depths {list(depths)} and num_heads {list(num_heads)} differ in length"
            )
        if any(embed_dim % heads for heads in num_heads):
            raise ValueError(
                f"embed_dim {embed_dim} is not divisible by num_heads {list(num_heads)}"
            )
        self.window_size = window_size
        self.register_buffer("mean", torch.tensor(_RGB_MEAN).view(1, 3, 1, 1), persistent=False)
        self.conv_first = nn.Conv2d(3, embed_dim, 3, 1, 1)
        self.patch_norm = nn.LayerNorm(embed_dim)
        self.layers = nn.ModuleList(
            RSTB(embed_dim, depth, heads, window_size, mlp_ratio)
            for depth, heads in zip(depths, num_heads, strict=True)
        )
        self.norm = nn.LayerNorm(embed_dim)
        self.conv_after_body = nn.Conv2d(embed_dim, embed_dim, 3, 1, 1)
        self.conv_last = nn.Conv2d(embed_dim, 3, 3, 1, 1)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        feat = self.conv_first(pad_to_multiple(x, self.window_size) - self.mean.to(x.dtype))
        _, _, h, w = feat.shape
        mask = _shift_mask(h, w, self.window_size, self.window_size // 2, feat.device)
        tokens = self.patch_norm(feat.permute(0, 2, 3, 1))
        for layer in self.layers:
            tokens = layer(tokens, mask)
        body = self.conv_after_body(self.norm(tokens).permute(0, 3, 1, 2)) + feat
        return x + self.conv_last(body)[..., :height, :width]
