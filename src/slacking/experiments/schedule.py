"""A run's training schedule, merged in one place: the preset's ``training`` block, with the
iterations (and more) that a family's section of the papers gives its own runs."""

from __future__ import annotations


def schedule(config: dict, run: dict) -> dict:
    """Training options of ``run`` (a run dict of any family, or one built from a training
    rule's wildcards)."""
    training = config["training"]
    if "order" in run:  # function denoising: its own network, data and optimiser settings
        return config["function_denoising"]["training"]
    if "sharpness" in run:  # Fig. 6: weights kept every snapshot_every iterations
        family = config["experiments"]["sharpness"]
        return {**training, **{key: family[key] for key in ("iterations", "snapshot_every")}}
    if run["network"].startswith("vqgan-"):
        return vqgan_settings(config, run["network"])[1]
    if run["rain_range"] == "noise":  # Sec. VI's from-scratch denoisers train as it says
        return {**training, **config["experiments"]["content_prior"]["denoisers"]["training"]}
    return training


def vqgan_settings(config: dict, network: str) -> tuple[dict, dict]:
    """(network kwargs, training options) of a content-prior VQGAN run, ``vqgan-<variant>``."""
    from ..content_prior import variant_training

    return variant_training(
        network.removeprefix("vqgan-"),
        config["experiments"]["content_prior"],
        config["networks"]["vqgan"],
        config["training"],
    )
