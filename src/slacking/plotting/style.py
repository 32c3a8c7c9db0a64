"""One look for every figure: seaborn paper context, column-width sizes, stable colours."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

COLUMN_WIDTH_IN = 3.5
# Blue, green, pink and orange of the colourblind palette: any two tell apart (its orange and
# vermilion, which natural and urban had, do not).
CATEGORY_COLORS = dict(
    zip(
        ["faces", "natural", "lineart", "urban"],
        [sns.color_palette("colorblind")[i] for i in (0, 2, 4, 1)],
        strict=True,
    )
)
# Every line of a metric against the patch count: its mean and 95 % bootstrap interval over test
# images and seeds (a fixed seed: the same figure each time), not the images' spread.
ERRORBAR = {"errorbar": ("ci", 95), "n_boot": 1000, "seed": 0}
CATEGORY_LABELS = {
    "faces": "Faces (CelebA)",
    "natural": "Natural (DIV2K)",
    "lineart": "Line art (Manga109)",
    "urban": "Urban (Urban100)",
}


NETWORK_LABELS = {
    "resnet": "ResNet",
    "unet": "UNet",
    "swinir": "SwinIR",
    "spdnet": "SPDNet",
    "rcdnet": "RCDNet",
    "vqgan-finetuned": "VQGAN + content prior",
    "vqgan-novq": "VQGAN without VQ",
}
RAIN_COLORS = dict(zip(["small", "medium", "large"], sns.color_palette("flare", 3), strict=True))


def apply_style() -> None:
    sns.set_theme(context="paper", style="whitegrid", font_scale=0.9)
    plt.rcParams.update({"pdf.fonttype": 42, "savefig.bbox": "tight"})


def category_color(name: str):
    return CATEGORY_COLORS.get(name, "0.3")


def untrained_handle():
    """The legend entry of the open white marker every figure draws for runs that are not
    trained (the validity test on their training loss, slacking.validity)."""
    label = "not trained (training-loss test)"
    return plt.Line2D([], [], color="0.3", marker="o", mfc="white", ls="", label=label)


def save_figure(fig, outs, metadata: dict | None = None) -> None:
    """Write ``fig`` to every path in ``outs`` (PDF for papers, PNG for the report) with the
    provenance ``metadata`` (``slacking.provenance.pdf_metadata``), then close it."""
    for out in outs:
        fig.savefig(out, metadata=metadata, dpi=200)
    plt.close(fig)
