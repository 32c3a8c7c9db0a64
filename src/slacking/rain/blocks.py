"""Training rain for a block of iterations in one call: the trainer's renderer.

``sample_rain_layers`` renders one batch: a few dozen small tensor operations whose fixed cost
is a tenth of a small network's step on a CPU, and a kernel launch each on a GPU. A
``RainRenderer``, built once per run, renders many batches (a block of iterations, and every
run of a stack) with the same number of operations, each ``count`` times larger.

The rain is the same, to the bit on the CPU: ``draw(generator, count)`` takes from the
generator exactly the numbers that ``count`` calls of ``sample_rain_layers`` would (one
``torch.rand`` over the block instead of two per batch: every value is one 32-bit draw, in
order), and ``render`` gives each batch what ``sample_rain_layers`` gives it. Each batch keeps
its own kernel box (its streaks sit where they would, ``_reach``) inside one canvas as large
as the block's largest box, and the canvas beyond a smaller box is zero, so every pixel sums
the same values in the same order, and its wrap-around copies fold in the same order. No
value depends on the other batches of the block (``tests/test_rain.py`` checks both), so a run
resumed in the middle of a block renders the rest of it as the uninterrupted run did.
"""

from __future__ import annotations

import numpy as np
import torch

from ..host_to_device import to_device
from .params import RainRange
from .training import _fold, _kernels, _reach, _scale


class RainRenderer:
    """Batches of ``batch`` training rain layers of ``height`` x ``width`` for one Table I row.

    Holds what every block of a run shares: the streak-count bounds of this image size, the
    width choices and the number of uniform draws per batch (``draw_size``).
    """

    def __init__(self, rain_range: RainRange, batch: int, height: int, width: int):
        self.rain_range = rain_range
        self.batch, self.height, self.width = batch, height, width
        self.lo, self.hi = rain_range.count_range(height, width)
        self.choices = np.array(rain_range.widths, dtype=np.float32)
        self.slots = np.arange(self.hi)
        # sample_rain_layers draws (4, n) per-image then (3, n, hi) per-streak uniforms.
        self.draw_size = 4 * batch + 3 * batch * self.hi

    def draw(self, generator: torch.Generator, count: int) -> torch.Tensor:
        """The uniforms of ``count`` batches, (count, draw_size): what ``count`` calls of
        ``sample_rain_layers(batch, ...)`` take from ``generator``, leaving it where they do."""
        return torch.rand((count, self.draw_size), generator=generator)

    def render(self, draws: np.ndarray, device: torch.device | str) -> torch.Tensor:
        """Rain layers (len(draws) * batch, 1, H, W) float32 on ``device``, batch after
        batch, for rows of ``draw``'s uniforms (from any runs with this renderer's settings)."""
        draws = np.asarray(draws, dtype=np.float32)
        groups, n, hi = len(draws), self.batch, self.hi
        height, width = self.height, self.width
        # Per-image and per-streak rows over the whole block, contiguous like a batch's own.
        per_image = draws[:, : 4 * n].reshape(groups, 4, n).transpose(1, 0, 2).reshape(4, -1)
        per_streak = draws[:, 4 * n :].reshape(groups, 3, n, hi)
        per_streak = per_streak.transpose(1, 0, 2, 3).reshape(3, groups * n, hi)
        counts = self.lo + (per_image[0] * (hi - self.lo + 1)).astype(np.int64)
        widths = self.choices[(per_image[1] * len(self.choices)).astype(np.int64)]
        lengths = _scale(per_image[2], self.rain_range.length)
        angles = _scale(per_image[3], self.rain_range.angle)
        # Each batch's own box (the largest of its images, as sample_rain_layers sizes it)
        # centres its streaks; the block's kernels share the block's largest box.
        reach = _reach(widths, lengths, angles)[3].reshape(2, groups, n).max(axis=2)
        own = np.repeat(np.ceil(reach).astype(np.int64), n, axis=1)  # (2, images)
        (ky, kx), norm, image, pixel, values = _kernels(widths, lengths, angles)
        brightness = _scale(per_streak[2], self.rain_range.intensity)
        brightness *= (self.slots < counts[:, None]) * norm[:, None]

        # A batch's box also clips its kernels (the corners of a tilted kernel's rectangle
        # reach past it): keep what the batch's own box holds, at its place in that box.
        row, column = np.divmod(pixel, kx)
        row -= ky // 2
        column -= kx // 2
        inside = (np.abs(row) <= own[0, image]) & (np.abs(column) <= own[1, image])
        image, row, column, values = image[inside], row[inside], column[inside], values[inside]
        row += own[0, image]
        column += own[1, image]
        # A batch's canvas in sample_rain_layers is its image plus its own box less one; here
        # every image gets the block's, larger or equal, and the same offsets within it.
        padded = (height + ky - 1, width + kx - 1)
        offsets = (image * padded[0] + row) * padded[1] + column
        corners = (per_streak[0] * height).astype(np.int64) * padded[1]
        corners += (per_streak[1] * width).astype(np.int64)
        device = torch.device(device)
        image = to_device(torch.from_numpy(image), device)
        index = to_device(torch.from_numpy(corners), device).index_select(0, image)
        index += to_device(torch.from_numpy(offsets), device).unsqueeze(1)
        source = to_device(torch.from_numpy(brightness), device).index_select(0, image)
        source *= to_device(torch.from_numpy(values), device).unsqueeze(1)
        canvas = torch.zeros(groups * n, *padded, device=device)
        canvas.view(-1).scatter_add_(0, index.view(-1), source.view(-1))
        layers = _fold(_fold(canvas, height, 1), width, 2)
        return layers.clamp(0, 1).unsqueeze(1)
