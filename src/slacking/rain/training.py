"""Training rain: a batched torch re-implementation of the Photoshop-style rain the papers cite.

The Photoshop recipe (sparse noise, Gaussian blur of size w, motion blur of length L at angle
theta) is a sum of identical streaks, one per noise impulse: a Gaussian blob smeared along a
segment.  That kernel is known in closed form in space, and all streaks of an image share it,
so each image's kernel is evaluated once on the few hundred pixels where it matters and every
streak adds a scaled copy of it at its position: one scatter-add of (streak, kernel pixel)
pairs for the whole batch, no loop over streaks or images, and the same code on CPU and GPU.
At the papers' densities (a few dozen streaks per 128 x 128 patch) that is far less work than
a convolution of the whole image.  Streaks wrap around the borders, which is harmless because
positions are uniform.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..host_to_device import to_device
from .params import RainRange, rain_range_from_config

__all__ = ["RainRange", "add_training_rain", "rain_range_from_config", "sample_rain_layers"]


#: Kernel pixels below this fraction of the streak's peak are left out: under a quarter of a
#: grey level even for a streak at full brightness.
TAIL = 1e-3
#: The kernel's reach beyond its segment in units of sqrt(2) sigma: exp(-REACH**2) = TAIL.
REACH = math.sqrt(math.log(1 / TAIL))


def _reach(widths: np.ndarray, lengths: np.ndarray, angles: np.ndarray) -> tuple:
    """``(scale, trig, half, reach)`` of each image's kernel: 1 / (sqrt(2) sigma), the
    (cos, sin) of its angle, L / 2 in pixels and its (rows, columns) reach from the centre in
    pixels, (2, n); the block renderer (``slacking.rain.blocks``) places streaks by it too."""
    scale = (1 / math.sqrt(2)) / (0.3 * ((widths - 1) * 0.5 - 1) + 0.8)
    trig = np.stack([np.cos(np.deg2rad(angles)), np.sin(np.deg2rad(angles))])
    half = lengths / 2
    return scale, trig, half, np.abs(trig) * half + REACH / scale


def _kernels(widths: np.ndarray, lengths: np.ndarray, angles: np.ndarray) -> tuple:
    """Each image's streak kernel on the pixels where it is not negligible.

    The kernel is a Gaussian of OpenCV's default sigma for kernel size w (w = 1 gives sigma
    0.5, a one-pixel-wide line) smeared along a segment of length L at angle theta from
    vertical (positive: the lower end leans right), i.e. Photoshop's blur then motion blur.
    With ``a`` along the segment and ``b`` across it, both in units of sqrt(2) sigma, and
    h = L / 2 in the same units, it is ``exp(-b**2) * (erf(h - a) + erf(h + a)) / (2 erf(h))``:
    1 at the centre, half of that at the segment's ends (L is the length at half maximum).
    It is sampled at whole-pixel offsets where |a| <= h + REACH and |b| <= REACH, within a
    box holding every pixel within REACH of the segment; everywhere else it is below TAIL.

    Returns the box's extents ``(ky, kx)`` (the largest in the batch; the streak's centre is
    its middle pixel), each image's ``1 / (2 erf(h))`` and, per kept pixel, its image, its flat
    index in the box and its value without that factor.  The parameters come from the CPU
    generator and this runs on the CPU, so the kernels do not depend on the device.
    """
    n = len(widths)
    scale, trig, half, reach = _reach(widths, lengths, angles)
    ry, rx = np.ceil(np.max(reach, axis=1, initial=0)).astype(int).tolist()
    # The kernel is symmetric about its centre: evaluate the rows above it and the left half
    # of its own row, then mirror (flat index i in the box <-> size - 1 - i).  The centre
    # pixel is its own mirror image, so it goes in twice at half its value.
    dy = np.arange(-ry, 1, dtype=np.float32).reshape(-1, 1)
    dx = np.arange(-rx, rx + 1, dtype=np.float32)
    half *= scale
    cos, sin = (trig * scale).reshape(2, n, 1, 1)
    along = dy * cos + dx * sin
    across = dx * cos - dy * sin
    kept = np.abs(across) <= REACH
    kept &= np.abs(along) <= (half + REACH).reshape(n, 1, 1)
    kept[:, -1, rx + 1 :] = False
    pixels = np.flatnonzero(kept)
    a = along.ravel()[pixels]
    b = across.ravel()[pixels]
    image, pixels = np.divmod(pixels, dy.size * dx.size)
    h = half[image]
    erf = torch.erf(torch.from_numpy(np.concatenate([h - a, h + a, half]))).numpy()
    values = (erf[: a.size] + erf[a.size : 2 * a.size]) * np.exp(-b * b)
    values[pixels == ry * dx.size + rx] *= 0.5
    size = (2 * ry + 1) * dx.size
    return (
        (2 * ry + 1, 2 * rx + 1),
        0.5 / erf[2 * a.size :],
        np.concatenate([image, image]),
        np.concatenate([pixels, size - 1 - pixels]),
        np.concatenate([values, values]),
    )


def sample_rain_layers(
    n: int,
    height: int,
    width: int,
    rain_range: RainRange,
    generator: torch.Generator,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Render ``n`` rain layers (n,1,H,W) float32 in [0,1] on ``device`` (CPU by default).

    Every random number is drawn from the CPU ``generator`` before anything moves to
    ``device``, so a seed gives the same rain on CPU and GPU.  Each image draws a count
    (scaled by its area), one width, length and angle for all its streaks, uniform positions
    and a peak brightness per streak.  Overlapping streaks add up, then the layer is clamped.
    """
    if generator.device.type != "cpu":
        raise ValueError(f"generator: must be a CPU torch.Generator, got {generator.device}")
    device = torch.device("cpu" if device is None else device)
    lo, hi = rain_range.count_range(height, width)
    per_image = torch.rand((4, n), generator=generator).numpy()
    per_streak = torch.rand((3, n, hi), generator=generator).numpy()
    counts = lo + (per_image[0] * (hi - lo + 1)).astype(np.int64)
    choices = np.array(rain_range.widths, dtype=np.float32)
    widths = choices[(per_image[1] * len(choices)).astype(np.int64)]
    lengths = _scale(per_image[2], rain_range.length)
    angles = _scale(per_image[3], rain_range.angle)
    (ky, kx), norm, image, pixel, values = _kernels(widths, lengths, angles)
    # Dividing by the kernel's peak makes each streak peak at its own brightness.
    brightness = _scale(per_streak[2], rain_range.intensity)
    brightness *= (np.arange(hi) < counts[:, None]) * norm[:, None]

    # Each streak's box has its corner at the streak's uniform position (so its centre is
    # uniform too) in a canvas one box larger than the image; whatever lands beyond the image
    # is then folded back onto the top and left, so the streaks wrap around.  The pair
    # (streak, kernel pixel) lands at the streak's position plus the pixel's place in the box.
    padded = (height + ky - 1, width + kx - 1)
    row, column = np.divmod(pixel, kx)
    offsets = (image * padded[0] + row) * padded[1] + column
    corners = (per_streak[0] * height).astype(np.int64) * padded[1]
    corners += (per_streak[1] * width).astype(np.int64)
    image = to_device(torch.from_numpy(image), device)
    index = to_device(torch.from_numpy(corners), device).index_select(0, image)
    index += to_device(torch.from_numpy(offsets), device).unsqueeze(1)
    source = to_device(torch.from_numpy(brightness), device).index_select(0, image)
    source *= to_device(torch.from_numpy(values), device).unsqueeze(1)
    canvas = torch.zeros(n, *padded, device=device)
    canvas.view(-1).scatter_add_(0, index.view(-1), source.view(-1))
    layers = _fold(_fold(canvas, height, 1), width, 2)
    return layers.clamp(0, 1).unsqueeze(1)


def _fold(canvas: torch.Tensor, size: int, dim: int) -> torch.Tensor:
    """The first ``size`` of ``canvas`` along ``dim`` with the rest added on circularly."""
    first = canvas.narrow(dim, 0, size)
    for start in range(size, canvas.shape[dim], size):
        length = min(size, canvas.shape[dim] - start)
        first.narrow(dim, 0, length).add_(canvas.narrow(dim, start, length))
    return first


def _scale(unit: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """Map uniform samples in [0,1) onto ``bounds``."""
    low, high = bounds
    return unit * (high - low) + low


def add_training_rain(
    clean: torch.Tensor, rain_range: RainRange, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(rainy, rain)`` for a clean batch (N,C,H,W) in [0,1] on any device.

    ``rain`` is (N,1,H,W) on ``clean``'s device and dtype, shared by all channels (white
    rain), and ``rainy = clamp(clean + rain, 0, 1)``: the papers' additive model I = B + R.
    """
    if clean.ndim != 4 or not clean.is_floating_point():
        raise ValueError(
            f"clean: expected a float (N,C,H,W) tensor, got {clean.dtype} {clean.shape}"
        )
    n, _, height, width = clean.shape
    rain = sample_rain_layers(n, height, width, rain_range, generator, clean.device)
    rain = rain.to(clean.dtype)
    return (clean + rain).clamp_(0, 1), rain
