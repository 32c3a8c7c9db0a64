"""Training rain: a batched torch re-implementation of the Photoshop-style rain the papers cite.

The Photoshop recipe (sparse noise, Gaussian blur of size w, motion blur of length L at angle
theta) is a sum of identical streaks, one per noise impulse: the impulse canvas convolved with
one kernel, a Gaussian blob smeared along a segment.  That kernel's Fourier transform is known
in closed form, so each image costs one FFT of its impulse canvas, a product with the analytic
spectrum and one inverse FFT, all batched: no loop over streaks or images, and the same code on
CPU and GPU.  The convolution is circular, which is harmless because positions are uniform.
"""

from __future__ import annotations

import functools
import math
from dataclasses import MISSING, dataclass, fields

import torch


def _pair(name: str, value, kind: type) -> tuple:
    """``value`` as a two-element ``(low, high)`` tuple of ``kind``, or a ValueError naming it."""
    try:
        low, high = (kind(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a pair [low, high], got {value!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"{name}: expected finite low <= high, got {value!r}")
    return low, high


def _check_keys(cls, d: dict) -> None:
    """Reject keys ``cls`` does not have, naming them, so a typo in a config fails early."""
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {unknown}; expected {sorted(names)}")


@dataclass(frozen=True)
class RainRange:
    """One row of the journal's Table I plus the constants the renderer shares across rows.

    ``count`` streaks per ``reference_size``**2 pixels (scaled by area for other sizes), odd
    ``widths`` (the Gaussian blur size w), ``length`` L in pixels (the streak's length at half
    its peak) and ``angle`` in degrees from vertical.  The papers do not give the brightness;
    ``intensity`` defaults to peaks of 0.4-0.8 so that streaks read as light rain: clearly
    visible on dark and mid-grey content, saturating only where the background is already
    bright, and every streak's core far above a mask threshold of a few grey levels.
    """

    count: tuple[int, int]
    widths: tuple[int, ...]
    length: tuple[float, float]
    angle: tuple[float, float]
    intensity: tuple[float, float] = (0.4, 0.8)
    reference_size: int = 128

    def __post_init__(self):
        count = _pair("count", self.count, int)
        if count[0] < 0:
            raise ValueError(f"count: must be >= 0, got {self.count!r}")
        try:
            widths = tuple(int(w) for w in self.widths)
        except (TypeError, ValueError):
            raise ValueError(
                f"widths: expected a list of odd integers, got {self.widths!r}"
            ) from None
        if not widths or any(w < 1 or w % 2 == 0 for w in widths):
            raise ValueError(f"widths: expected positive odd integers, got {self.widths!r}")
        length = _pair("length", self.length, float)
        if length[0] <= 0:
            raise ValueError(f"length: must be > 0, got {self.length!r}")
        angle = _pair("angle", self.angle, float)
        if angle[0] < -90 or angle[1] > 90:
            raise ValueError(f"angle: degrees from vertical must lie in [-90, 90], got {angle}")
        intensity = _pair("intensity", self.intensity, float)
        if intensity[0] < 0 or intensity[1] > 1:
            raise ValueError(f"intensity: must lie in [0, 1], got {self.intensity!r}")
        reference_size = self.reference_size
        if not isinstance(reference_size, int) or reference_size < 1:
            raise ValueError(f"reference_size: must be an integer >= 1, got {reference_size!r}")
        for name, value in [
            ("count", count),
            ("widths", widths),
            ("length", length),
            ("angle", angle),
            ("intensity", intensity),
        ]:
            object.__setattr__(self, name, value)

    @classmethod
    def from_config(cls, d: dict) -> RainRange:
        """Build from a config mapping (lists from YAML are fine); bad fields raise ValueError."""
        _check_keys(cls, d)
        missing = [f.name for f in fields(cls) if f.name not in d and f.default is MISSING]
        if missing:
            raise ValueError(f"RainRange: missing field(s) {missing}")
        return cls(**d)

    def count_range(self, height: int, width: int) -> tuple[int, int]:
        """Streak-count bounds for an image of this size: the counts scaled by its area."""
        scale = height * width / self.reference_size**2
        return round(self.count[0] * scale), round(self.count[1] * scale)


#: The journal's Table I, with the default intensity and reference size.
TABLE_I = {
    "small": RainRange(count=(200, 300), widths=(5,), length=(30, 31), angle=(-5, 5)),
    "medium": RainRange(count=(200, 300), widths=(5, 7, 9), length=(20, 40), angle=(-30, 30)),
    "large": RainRange(count=(200, 300), widths=(1, 3, 5, 7, 9), length=(5, 60), angle=(-70, 70)),
}


@functools.lru_cache(maxsize=16)
def _frequencies(height: int, width: int, device: torch.device):
    """``rfft2`` frequency grids of (H,W) in cycles per pixel, their squares, and the weights.

    ``weights`` counts each stored column of the half spectrum as often as it occurs in the
    full one, so ``(spectrum @ weights).sum() / (H * W)`` is the kernel's value at the origin.
    """
    fy = torch.fft.fftfreq(height, device=device).view(1, height, 1)
    fx = torch.fft.rfftfreq(width, device=device).view(1, 1, -1)
    weights = torch.full((fx.shape[-1],), 2.0, device=device)
    weights[0] = 1.0
    if width % 2 == 0:
        weights[-1] = 1.0
    return fy, fx, fy.square(), fx.square(), weights


def _spectra(height, width, widths, lengths, angles, device) -> tuple[torch.Tensor, torch.Tensor]:
    """Streak kernel spectra (N,H,W//2+1) and the kernels' peaks (N,) on ``device``.

    The kernel is a Gaussian of OpenCV's default sigma for kernel size w (w = 1 gives
    sigma 0.5, a one-pixel-wide line) smeared along a segment of length L at angle theta from
    vertical (positive: the lower end leans right), i.e. Photoshop's blur then motion blur.
    Its transform is the Gaussian's times ``L sinc(L f.d)`` for the unit direction d.  Taking
    it on the DFT grid band-limits the kernel, and the Gaussian bounds the ringing this causes:
    for w = 1, negative lobes (clipped away in the layer) reach 7% of the peak and ripples
    away from the streak 3%; for w = 3 both stay below 1%, for w >= 5 below 0.1%.
    """
    fy, fx, fy2, fx2, weights = _frequencies(height, width, device)
    theta = torch.deg2rad(angles)
    sigma = 0.3 * ((widths - 1) * 0.5 - 1) + 0.8
    coefficients = torch.stack(
        [math.pi * lengths * theta.cos(), math.pi * lengths * theta.sin(), sigma.square(), lengths]
    )
    along_y, along_x, variance, lengths = coefficients.to(device).view(4, -1, 1, 1)
    # sinc(L f.d) as sin(x) / x; the tiny offset turns 0 / 0 into 1 where f.d = 0 and is lost
    # in rounding everywhere else (|x| is never that small unless it is exactly 0).
    x = fy * along_y + fx * along_x
    x += 1e-30
    spectrum = torch.sin(x).div_(x)
    decay = variance * (-2 * math.pi**2)
    spectrum *= torch.exp(decay * fy2).mul_(lengths)
    spectrum *= torch.exp(decay * fx2)
    peaks = (spectrum @ weights).sum(1) / (height * width)
    return spectrum, peaks


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
    and a peak brightness per streak.
    """
    if generator.device.type != "cpu":
        raise ValueError(f"generator: must be a CPU torch.Generator, got {generator.device}")
    device = torch.device("cpu" if device is None else device)
    lo, hi = rain_range.count_range(height, width)
    per_image = torch.rand((4, n), generator=generator)
    per_streak = torch.rand((3, n, hi), generator=generator)
    counts = lo + (per_image[0] * (hi - lo + 1)).long()
    choices = torch.tensor(rain_range.widths, dtype=torch.float32)
    widths = choices[(per_image[1] * len(choices)).long()]
    lengths = _scale(per_image[2], rain_range.length)
    angles = _scale(per_image[3], rain_range.angle)
    rows = (per_streak[0] * height).long()
    cols = (per_streak[1] * width).long()
    brightness = _scale(per_streak[2], rain_range.intensity)
    brightness *= torch.arange(hi) < counts.unsqueeze(1)

    spectrum, peaks = _spectra(height, width, widths, lengths, angles, device)
    # Dividing by the kernel's peak makes each streak peak at its own brightness.
    brightness = brightness.to(device) / peaks.unsqueeze(1)
    flat = (rows + torch.arange(n).unsqueeze(1) * height) * width + cols
    canvas = torch.zeros(n * height * width, device=device)
    canvas.index_add_(0, flat.view(-1).to(device), brightness.view(-1))
    product = torch.fft.rfft2(canvas.view(n, height, width))
    product *= spectrum
    layers = torch.fft.irfft2(product, s=(height, width))
    return layers.clamp_(0, 1).unsqueeze(1)


def _scale(unit: torch.Tensor, bounds: tuple[float, float]) -> torch.Tensor:
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
