"""The journal's content prior (Sec. VI, Figs. 17-19): a VQ autoencoder's codebook and decoder,
learned on clean images, as the prior of a derainer or denoiser, against networks trained from
scratch.

Three VQGAN runs make the experiment: ``prior``, the autoencoder pretrained on clean patches
(or a taming-transformers checkpoint imported in its place); ``finetuned``, its encoder
fine-tuned on degraded/clean pairs with codebook and decoder frozen (Fig. 17); and ``novq``,
the same architecture without quantisation trained from scratch (the Fig. 18 ablation). The
baselines are the usual networks trained from scratch on the large-background setting.
"""

from __future__ import annotations

import pandas as pd

from .catalog import NOISE
from .data.testsets import SALT_AND_PEPPER
from .tables import run_means

# The content prior's models as result paths and tables name them, and the ``test`` names of
# its test sets: unseen test rain, the training rain, and salt-and-pepper noise (named like
# its test set).
FINETUNED, NO_VQ = "vqgan-finetuned", "vqgan-novq"
UNSEEN, SEEN = "unseen", "seen"


def variant_training(variant: str, family: dict, network_kwargs: dict, training: dict):
    """(network kwargs, training options) of a content-prior run (``variant``: prior,
    finetuned or novq): the family's iterations and learning rate over the preset's training
    block; ``finetuned`` trains the encoder only and ``novq`` drops the quantiser."""
    stage = {"prior": family["prior"], "finetuned": family["finetune"], "novq": family["ablation"]}
    options = {**training, **stage[variant]["training"]}
    kwargs = dict(network_kwargs)
    if variant == "finetuned":
        options["finetune_encoder"] = True
    if variant == "novq":
        kwargs["quantize"] = False
    return kwargs, options


def content_prior_markdown(
    table: pd.DataFrame, rain: str, labels: dict[str, str], reconstruction: pd.DataFrame
) -> str:
    """Sec. VI's comparison: deraining on unseen test rain (E_R, E_B, PSNR), the share of the
    perfect derainer's E_R reached on unseen and on the training rain (Fig. 18: the ablation
    removes the rain it saw, not new rain), and denoising PSNR on unseen salt-and-pepper noise;
    with the prior's own PSNR on the clean test images (``reconstruction``), the ceiling of
    every output it decodes."""
    means = run_means(table)

    def cell(network, degradation, test, column):
        rows = means[
            (means["network"] == network)
            & (means["rain_range"] == degradation)
            & (means["test"] == test)
        ]
        if rows.empty or column not in rows:
            return float("nan")
        return float(rows[column].iloc[0])

    rows = []
    for network in dict.fromkeys(means["network"]):
        trained = cell(network, rain, UNSEEN, "trained")
        rows.append(
            {
                "network": labels.get(network, network),
                "deraining E_R": cell(network, rain, UNSEEN, "E_R"),
                "deraining E_B": cell(network, rain, UNSEEN, "E_B"),
                "deraining PSNR": cell(network, rain, UNSEEN, "PSNR"),
                "E_R share, unseen rain": cell(network, rain, UNSEEN, "E_R_share"),
                "E_R share, training rain": cell(network, rain, SEEN, "E_R_share"),
                "rain left, unseen rain": cell(network, rain, UNSEEN, "rain_left"),
                "denoising PSNR": cell(network, NOISE, SALT_AND_PEPPER, "PSNR"),
                "trained": "" if trained != trained else ("yes" if trained else "no"),
            }
        )
    first = means[(means["rain_range"] == rain) & (means["test"] == UNSEEN)].iloc[0]
    table = pd.DataFrame(rows).round(3).to_markdown(index=False, floatfmt=".3g")
    return (
        "# Content prior (journal Sec. VI, Figs. 18 and 19)\n\n"
        f"Deraining: trained on {rain} rain, tested on unseen test rain (identity derainer: "
        f"E_R {first['identity_E_R']:.2f}, E_B {first['identity_E_B']:.2f}; perfect: E_R "
        f"{first['perfect_E_R']:.2f}). The E_R shares divide E_R by the perfect derainer's "
        "on the same test set, on the unseen test rain and on training rain rendered on the "
        "same backgrounds. Denoising: trained on Gaussian noise, tested on salt-and-pepper "
        "noise (PSNR in dB). Rain left: 1 = the identity's, 0 = the perfect derainer's. "
        "Trained: the validity test on the deraining run's training loss.\n\n"
        f"{table}\n\n"
        f"The prior itself reconstructs the clean test images at "
        f"{reconstruction['PSNR'].mean():.2f} dB (mean PSNR over {len(reconstruction)} images): "
        "the ceiling of every output decoded through its codebook and decoder.\n"
    )
