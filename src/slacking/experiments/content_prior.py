"""Sec. VI: the baselines (large-background setting) and the fine-tuned prior on deraining
(tested on unseen and on training rain) and denoising (tested on salt-and-pepper noise), the
no-VQ ablation on deraining, and the prior's own pretraining."""

ORDER = 60
CATEGORY = "Content prior (Sec. VI, Figs. 18, 19)"
SOURCE = "Sec. VI"
CLAIM_TABLES = {"content_prior": "tables/content_prior.csv"}
PAGES = {"tables/content_prior": "content prior against the baselines"}


def runs(config: dict) -> list[dict]:
    family = config["experiments"]["content_prior"]
    tuned = family["finetune"]["n"]

    def run(network, degradation, n, test):
        return {
            "network": network,
            "category": family["category"],
            "rain_range": degradation,
            "n": n,
            "test": test,
        }

    runs = []
    models = [(network, family["n"]) for network in family["baselines"]]
    for network, n in [*models, ("vqgan-novq", tuned), ("vqgan-finetuned", tuned)]:
        runs += [run(network, family["rain"], n, test) for test in ("unseen", "seen")]
        if network != "vqgan-novq":  # the paper's ablation derains only
            runs.append(run(network, "noise", n, "salt-pepper"))
    return runs


def untested_runs(config: dict) -> list[dict]:
    """The prior pretrained on clean patches, unless a taming checkpoint is imported instead."""
    family = config["experiments"]["content_prior"]
    if family["prior"]["checkpoint"]:
        return []
    prior = {"network": "vqgan-prior", "category": family["category"], "rain_range": "clean"}
    return [{**prior, "n": family["prior"]["n"]}]


def figure_runs(config: dict, figure: str) -> list[dict]:
    """Fig. 18: the ablation and the fine-tuned prior on training and unseen rain; Fig. 19:
    the baselines and the fine-tuned prior on unseen rain and unseen noise."""
    if figure == "fig18":
        return [
            r
            for r in runs(config)
            if r["network"].startswith("vqgan-") and r["test"] != "salt-pepper"
        ]
    return [r for r in runs(config) if r["test"] != "seen" and r["network"] != "vqgan-novq"]


def targets(config: dict) -> list[str]:
    return ["tables/content_prior.html", "figures/fig18.pdf", "figures/fig19.pdf"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import content_prior_claims

    return content_prior_claims(
        tables["content_prior"], config["experiments"]["content_prior"]["rain"]
    )
