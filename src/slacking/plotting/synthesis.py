"""Fig. 2 of the journal paper on one test image: (left) the synthesis B + R = I, (right) the
fine-grained analysis, i.e. the rain mask M, the network output and the two error maps that the
decoupled metrics E_R and E_B summarise, each titled with its value."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..metrics import decoupled_metrics
from .style import apply_style, save_figure


def error_maps(
    background: np.ndarray,
    rain: np.ndarray,
    rainy: np.ndarray,
    derained: np.ndarray,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mask M = R > threshold and the per-pixel errors behind E_R (|output - I| inside M)
    and E_B (|output - B| outside M); each error is the RMS over the colour channels, so that its
    squares are the terms the metrics average, and it is zero in the other region."""
    mask = np.asarray(rain) > threshold
    output = np.asarray(derained, dtype=np.float64)

    def rms(reference: np.ndarray) -> np.ndarray:
        difference = output - np.asarray(reference, dtype=np.float64)
        return np.sqrt(np.mean(difference**2, axis=-1))

    return mask, np.where(mask, rms(rainy), 0.0), np.where(mask, 0.0, rms(background))


def synthesis_figure(
    background: np.ndarray,
    rain: np.ndarray,
    rainy: np.ndarray,
    derained: np.ndarray,
    metrics: dict,
    outs: list[Path],
    metadata: dict | None = None,
) -> None:
    """Draw Fig. 2 from uint8 B (H,W,3), R (H,W), I (H,W,3) and the network output (H,W,3),
    and write it to every path in ``outs``. The metric values come from ``decoupled_metrics``
    with config ``metrics`` (threshold, average), so the titles match the tables."""
    threshold = metrics["threshold"]
    values = decoupled_metrics(derained, rainy, background, rain, threshold, metrics["average"])
    mask, rain_map, background_map = error_maps(background, rain, rainy, derained, threshold)
    scale = max(float(rain_map.max()), float(background_map.max()), 1.0)  # shared by both maps

    panels = [
        ("background $B$", background, {}),
        ("+ rain layer $R$", rain, {"cmap": "gray", "vmin": 0, "vmax": 255}),
        ("= rainy image $I$", rainy, {}),
        (f"mask $M$ ($R > {threshold:g}$)", mask, {"cmap": "gray", "vmin": 0, "vmax": 1}),
        (r"output $\tilde{I}$", derained, {}),
        (f"$E_R$ = {float(values['E_R']):.2f}\n" + r"$|\tilde{I} - I|$ in $M$", rain_map,
         {"cmap": "magma", "vmin": 0, "vmax": scale}),
        (f"$E_B$ = {float(values['E_B']):.2f}\n" + r"$|\tilde{I} - B|$ outside $M$",
         background_map, {"cmap": "magma", "vmin": 0, "vmax": scale}),
    ]  # fmt: skip

    apply_style()
    fig = plt.figure(figsize=(1.25 * len(panels) + 0.6, 2.0), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[3, 4.3], wspace=0.04)
    axes = [*left.subplots(1, 3), *right.subplots(1, 4)]
    for ax, (title, image, style) in zip(axes, panels, strict=True):
        ax.imshow(image, **style)
        ax.set_title(title, fontsize=6.5)
        ax.axis("off")
    left.suptitle("(a) synthesis", fontsize=7.5)
    right.suptitle("(b) fine-grained analysis", fontsize=7.5)
    colorbar = right.colorbar(axes[-1].images[0], ax=axes[-2:], fraction=0.03, shrink=0.6)
    colorbar.ax.tick_params(labelsize=5)
    save_figure(fig, outs, metadata)
