"""The journal paper's content-prior network (Sec. VI, Figs. 17-21): a VQGAN autoencoder.

Layout, module names and the quantiser follow taming-transformers (CompVis, MIT licence):
``Encoder``, ``Decoder``, ``ResnetBlock``, ``AttnBlock``, ``Downsample``, ``Upsample`` and
``Normalize`` in ``taming/modules/diffusionmodules/model.py``, ``VectorQuantizer2`` in
``taming/modules/vqvae/quantize.py`` and ``VQModel`` (``quant_conv``/``post_quant_conv``) in
``taming/models/vqgan.py``. The code is written anew, but every parameter keeps taming's name,
so the public ImageNet f16 checkpoints (``configs/imagenet_vqgan.yaml``: ch 128, ch_mult
1,1,2,2,4, two res blocks, attention at 16, z and codebook width 256, 1024 or 16384 codes)
load key for key with ``load_taming_checkpoint``; the loss/discriminator (``loss.*``) is not
part of the network and is dropped.

The paper fine-tunes only the encoder of the pre-trained ImageNet VQGAN on rainy/clean pairs
(``freeze_for_finetuning``), so the frozen codebook and decoder act as a prior of clean image
content; ``quantize=False`` is its Fig. 18 ablation, the same autoencoder without vector
quantisation, trained from scratch.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from . import pad_to_multiple, register


def Normalize(channels: int) -> nn.GroupNorm:
    """taming's GroupNorm(32, eps 1e-6). Widths that 32 does not divide (the small presets'
    8 or 16 channels) get gcd(32, channels) groups instead of failing; every width of the
    paper-scale model is a multiple of 32, so there the layer is exactly taming's."""
    return nn.GroupNorm(math.gcd(32, channels), channels, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    """norm-swish-conv twice plus a (1x1-projected when widths differ) skip; taming's block
    without the diffusion time embedding (``temb_channels=0`` in its autoencoder) and without
    dropout (0 in every VQGAN config; the layer has no parameters, so keys are unchanged)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.norm1 = Normalize(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.norm2 = Normalize(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        if in_channels != out_channels:
            self.nin_shortcut = nn.Conv2d(in_channels, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        if hasattr(self, "nin_shortcut"):
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all positions with 1x1-conv q, k, v and output
    projection. ``scaled_dot_product_attention`` computes taming's softmax(q k^T / sqrt(C)) v
    without materialising the (HW)^2 matrix where a fused kernel is available."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = Normalize(channels)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, height, width = x.shape
        h = self.norm(x)

        def tokens(conv: nn.Conv2d) -> torch.Tensor:  # (N, 1, HW, C): one head
            return conv(h).reshape(n, 1, c, height * width).transpose(-1, -2)

        out = F.scaled_dot_product_attention(tokens(self.q), tokens(self.k), tokens(self.v))
        out = out.transpose(-1, -2).reshape(n, c, height, width)
        return x + self.proj_out(out)


class Downsample(nn.Module):
    """Stride-2 3x3 conv after padding one zero row/column at the bottom/right (taming's
    asymmetric padding), so even sizes halve exactly."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 2, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    """Nearest-neighbour x2 then a 3x3 conv."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def _level() -> nn.Module:
    """An empty container, so the blocks of one resolution are named ``down.<i>.block.<j>``."""
    return nn.Module()


class Encoder(nn.Module):
    """Image (in [-1, 1]) to ``z_channels`` latents at 1/2**(len(ch_mult)-1) of the size.

    Attention follows each res block of a level whose nominal size (``resolution`` halved per
    level) is in ``attn_resolutions``; the placement depends on ``resolution``, not on the
    input's actual size, exactly as in taming.
    """

    def __init__(self, ch, ch_mult, num_res_blocks, attn_resolutions, z_channels, resolution):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch, 3, 1, 1)
        self.down = nn.ModuleList()
        block_in, size = ch, resolution
        for i_level, mult in enumerate(ch_mult):
            level = _level()
            level.block, level.attn = nn.ModuleList(), nn.ModuleList()
            for _ in range(num_res_blocks):
                level.block.append(ResnetBlock(block_in, ch * mult))
                block_in = ch * mult
                if size in attn_resolutions:
                    level.attn.append(AttnBlock(block_in))
            if i_level != len(ch_mult) - 1:
                level.downsample = Downsample(block_in)
                size //= 2
            self.down.append(level)
        self.mid = _level()
        self.mid.block_1 = ResnetBlock(block_in, block_in)
        self.mid.attn_1 = AttnBlock(block_in)
        self.mid.block_2 = ResnetBlock(block_in, block_in)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, z_channels, 3, 1, 1)  # taming's double_z=False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            h = _blocks(level, h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        return self.conv_out(F.silu(self.norm_out(h)))


def _blocks(level: nn.Module, h: torch.Tensor) -> torch.Tensor:
    """A level's res blocks, each followed by its attention block where the level has them."""
    for i_block, block in enumerate(level.block):
        h = block(h)
        if len(level.attn) > 0:
            h = level.attn[i_block](h)
    return h


class Decoder(nn.Module):
    """``z_channels`` latents back to an image in about [-1, 1]; the encoder mirrored with one
    more res block per level. ``up`` is indexed by level like ``down`` (``up.0`` is the full
    resolution) although it runs from the deepest level up, as taming stores it."""

    def __init__(self, ch, ch_mult, num_res_blocks, attn_resolutions, z_channels, resolution):
        super().__init__()
        block_in = ch * ch_mult[-1]
        size = resolution // 2 ** (len(ch_mult) - 1)
        self.conv_in = nn.Conv2d(z_channels, block_in, 3, 1, 1)
        self.mid = _level()
        self.mid.block_1 = ResnetBlock(block_in, block_in)
        self.mid.attn_1 = AttnBlock(block_in)
        self.mid.block_2 = ResnetBlock(block_in, block_in)
        levels = []
        for i_level in reversed(range(len(ch_mult))):
            level = _level()
            level.block, level.attn = nn.ModuleList(), nn.ModuleList()
            for _ in range(num_res_blocks + 1):
                level.block.append(ResnetBlock(block_in, ch * ch_mult[i_level]))
                block_in = ch * ch_mult[i_level]
                if size in attn_resolutions:
                    level.attn.append(AttnBlock(block_in))
            if i_level != 0:
                level.upsample = Upsample(block_in)
                size *= 2
            levels.insert(0, level)
        self.up = nn.ModuleList(levels)
        self.norm_out = Normalize(block_in)
        self.conv_out = nn.Conv2d(block_in, 3, 3, 1, 1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(z)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        for level in reversed(self.up):
            h = _blocks(level, h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class VectorQuantizer(nn.Module):
    """Nearest-codebook-entry quantisation with a straight-through gradient (VQ-VAE).

    As taming's ``VectorQuantizer2`` with its default ``legacy=True``, under which the public
    checkpoints were trained: the loss is ||sg[z_q] - z||^2 + beta ||z_q - sg[z]||^2, i.e.
    beta weights the codebook term rather than the commitment term as in the VQ-VAE paper
    (taming's comment calls this a bug kept for compatibility). With the codebook frozen for
    fine-tuning only the first term, which pulls the encoder towards the codes, has a gradient.
    """

    def __init__(self, n_embed: int, embed_dim: int, beta: float = 0.25):
        super().__init__()
        self.beta = beta
        self.embedding = nn.Embedding(n_embed, embed_dim)
        nn.init.uniform_(self.embedding.weight, -1.0 / n_embed, 1.0 / n_embed)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(N, C, h, w) latents to (straight-through z_q, loss, (N, h, w) code indices).

        Runs in float32 even under autocast: in bf16 the distances to a trained codebook's
        neighbouring entries can round together and change the chosen codes.
        """
        n, c, height, width = z.shape
        with torch.autocast(z.device.type, enabled=False):
            z = z.float().permute(0, 2, 3, 1)
            flat = z.reshape(-1, c)
            codebook = self.embedding.weight.float()
            # ||z - e||^2 expanded as taming does, so the chosen codes are the same.
            distances = (
                flat.pow(2).sum(1, keepdim=True) + codebook.pow(2).sum(1) - 2 * flat @ codebook.t()
            )
            indices = distances.argmin(1)
            z_q = F.embedding(indices, codebook).reshape(z.shape)
            loss = (z_q.detach() - z).pow(2).mean() + self.beta * (z_q - z.detach()).pow(2).mean()
            z_q = z + (z_q - z).detach()
        return z_q.permute(0, 3, 1, 2), loss, indices.reshape(n, height, width)


class Encoded(NamedTuple):
    """``VQGAN.encode``'s result: quantised latents (straight-through, so they carry the
    encoder's gradient), the (N, h, w) code indices and the VQ loss. Without quantisation
    ``z_q`` is the unquantised ``quant_conv`` output, ``indices`` is None and the loss 0."""

    z_q: torch.Tensor
    indices: torch.Tensor | None
    vq_loss: torch.Tensor


@register("vqgan")
class VQGAN(nn.Module):
    """taming's ``VQModel`` without its loss: encoder, quant_conv, codebook, post_quant_conv,
    decoder. Defaults are the ImageNet f16 1024-code model (``configs/imagenet_vqgan.yaml``).

    Images are (N, 3, H, W) in [0, 1]; taming works in [-1, 1], so ``forward`` maps in and
    out, pads H and W to a multiple of the downsampling factor and crops back. The output is
    not clamped (the papers' networks are not; evaluation clamps), so L1 gradients reach
    pixels the decoder puts slightly outside [0, 1].
    """

    def __init__(
        self,
        ch: int = 128,
        ch_mult: Sequence[int] = (1, 1, 2, 2, 4),
        num_res_blocks: int = 2,
        attn_resolutions: Sequence[int] = (16,),
        z_channels: int = 256,
        embed_dim: int = 256,
        n_embed: int = 1024,
        resolution: int = 256,
        quantize: bool = True,
    ):
        super().__init__()
        self.config = {
            "ch": ch,
            "ch_mult": list(ch_mult),
            "num_res_blocks": num_res_blocks,
            "attn_resolutions": list(attn_resolutions),
            "z_channels": z_channels,
            "embed_dim": embed_dim,
            "n_embed": n_embed,
            "resolution": resolution,
            "quantize": quantize,
        }
        layout = (ch, tuple(ch_mult), num_res_blocks, tuple(attn_resolutions), z_channels)
        self.factor = 2 ** (len(ch_mult) - 1)
        self.encoder = Encoder(*layout, resolution)
        self.decoder = Decoder(*layout, resolution)
        self.quantize = VectorQuantizer(n_embed, embed_dim) if quantize else None
        self.quant_conv = nn.Conv2d(z_channels, embed_dim, 1)
        self.post_quant_conv = nn.Conv2d(embed_dim, z_channels, 1)

    def encode(self, x: torch.Tensor) -> Encoded:
        """Images in [0, 1] (any size; padded to a multiple of ``factor``) to latents."""
        h = self.quant_conv(self.encoder(pad_to_multiple(x, self.factor) * 2 - 1))
        if self.quantize is None:
            return Encoded(h, None, h.new_zeros(()))
        z_q, loss, indices = self.quantize(h)
        return Encoded(z_q, indices, loss)

    def decode(self, z_q: torch.Tensor) -> torch.Tensor:
        """Latents to images in about [0, 1], at ``factor`` times the latents' size."""
        return (self.decoder(self.post_quant_conv(z_q)) + 1) / 2

    def forward_with_loss(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(reconstruction cropped to x's size, VQ loss) for training with the codebook loss;
        add ``vq_loss`` (taming's codebook_weight is 1) to the reconstruction loss."""
        z_q, _, vq_loss = self.encode(x)
        return self.decode(z_q)[..., : x.shape[-2], : x.shape[-1]], vq_loss

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_loss(x)[0]


def describe(model: VQGAN) -> str:
    """``vqgan(ch=128, ...)``: the configuration, for messages naming a model."""
    return "vqgan(" + ", ".join(f"{k}={v}" for k, v in model.config.items()) + ")"


def freeze_for_finetuning(model: VQGAN) -> list[str]:
    """The paper's fine-tuning (Fig. 17): freeze codebook, post_quant_conv and decoder, train
    the encoder and quant_conv. Returns the names of the parameters left trainable.

    Frozen parameters get no gradient, so an optimiser over all parameters leaves them exactly
    as they are (Adam skips parameters whose ``grad`` is None). GroupNorm keeps no running
    statistics, so no module needs eval mode.
    """
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name.startswith(("encoder.", "quant_conv.")))
    return [name for name, p in model.named_parameters() if p.requires_grad]


class _Placeholder:
    """Stands in for a class or function a checkpoint names but that loading must not run
    (e.g. Lightning's ``ModelCheckpoint``, pickled as a key of the callback states): it
    accepts any arguments and state and does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


@dataclass
class LoadReport:
    """What ``load_taming_checkpoint`` did: keys loaded, checkpoint keys ignored (the
    ``loss.*`` LPIPS and discriminator weights), and the globals in the file that were
    replaced by inert placeholders instead of being imported and run."""

    loaded: list[str]
    ignored: list[str]
    placeholders: list[str] = field(default_factory=list)


def _read_checkpoint(path: Path) -> tuple[object, list[str]]:
    """``torch.load`` with ``weights_only=True``: tensors and plain containers only, nothing
    imported or executed. taming's Lightning ``.ckpt`` files also pickle Lightning objects
    (callback classes as dict keys); rather than ``weights_only=False``, which would run
    arbitrary code from the file and needs pytorch_lightning installed, each global the safe
    loader refuses is allowed under its name as an inert placeholder. Weights must still be
    plain tensors (checked by the caller)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True), []
    except pickle.UnpicklingError:
        names = sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
        if not names:
            raise
    stand_ins = [(type(name, (_Placeholder,), {}), name) for name in names]
    with torch.serialization.safe_globals(stand_ins):
        return torch.load(path, map_location="cpu", weights_only=True), names


def load_taming_checkpoint(model: VQGAN, path: str | Path) -> LoadReport:
    """Load a taming-transformers VQGAN checkpoint into ``model``.

    Accepts a Lightning ``.ckpt`` (a dict holding ``state_dict``) or a bare state dict. Keys
    under ``loss.`` (LPIPS and discriminator) are dropped; all others must match the model
    exactly, in name and shape, or a ``ValueError`` names every missing, unexpected and
    mis-shaped key, so a checkpoint of another layout (f8, 16384 codes into a 1024 model,
    the no-VQ ablation) fails loudly instead of half-loading.
    """
    checkpoint, placeholders = _read_checkpoint(Path(path))
    if isinstance(checkpoint, dict) and "state_dict" in checkpoint:
        checkpoint = checkpoint["state_dict"]
    if not isinstance(checkpoint, dict):
        raise ValueError(f"{path}: neither a state dict nor a dict with 'state_dict'")
    not_tensors = sorted(k for k, v in checkpoint.items() if not isinstance(v, torch.Tensor))
    if not_tensors:
        raise ValueError(f"{path}: state dict entries that are not tensors: {not_tensors}")
    ignored = sorted(k for k in checkpoint if k.startswith("loss."))
    weights = {k: v for k, v in checkpoint.items() if not k.startswith("loss.")}
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    mis_shaped = [
        f"{k}: checkpoint {tuple(weights[k].shape)}, model {tuple(expected[k].shape)}"
        for k in sorted(set(weights) & set(expected))
        if weights[k].shape != expected[k].shape
    ]
    if missing or unexpected or mis_shaped:
        raise ValueError(
            f"checkpoint {path} does not match {describe(model)}: missing {missing}, "
            f"unexpected {unexpected}, shape mismatches {mis_shaped}"
        )
    model.load_state_dict(weights, strict=True)
    return LoadReport(sorted(weights), ignored, placeholders)
