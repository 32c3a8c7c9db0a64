"""Journal Figs. 16 and 20: real rainy photographs (no ground truth, so no metric) through
networks trained on synthetic rain. Fig. 16: each patch-count network trained on the fewest and
the most background patches; Fig. 20: Sec. VI's from-scratch baselines and the fine-tuned
content prior. The photographs are a placed dataset, ``real_rain`` (any folder of .jpg/.png
files in data/real_rain/, which no paper names): without it the figures' rules stop and say
where to put them. Not among the presets' targets; add ``real_rain`` once the folder exists."""

ORDER = 75
CATEGORY = "Real rainy photographs (Figs. 16, 20)"
SOURCE = "Figs. 16, 20"
CLAIM_TABLES = {}
PAGES = {}
PHOTOGRAPHS = 4  # rows of each figure


def figure_runs(config: dict, figure: str) -> list[dict]:
    """The runs whose networks each figure shows, in column order."""
    prior = config["experiments"]["content_prior"]
    category, rain = prior["category"], prior["rain"]
    if figure == "fig16":
        family = config["experiments"]["patch_count"]
        counts = config["patches"]["counts"]
        chosen = [
            (network, n) for network in family["networks"] for n in (min(counts), max(counts))
        ]
        rain = family["rain"]
    else:
        chosen = [(network, prior["n"]) for network in prior["baselines"]]
        chosen.append(("vqgan-finetuned", prior["finetune"]["n"]))
    return [
        {"network": network, "category": category, "rain_range": rain, "n": n}
        for network, n in chosen
    ]


def runs(config: dict) -> list[dict]:
    return []  # nothing it shows has a metric


def untested_runs(config: dict) -> list[dict]:
    return figure_runs(config, "fig16") + figure_runs(config, "fig20")


def targets(config: dict) -> list[str]:
    return ["figures/fig16.pdf", "figures/fig20.pdf"]


def claims(tables: dict, config: dict) -> list:
    """The papers judge these figures by eye; without a clean version there is no statistic."""
    from ..claims import NOT_RUN, Claim

    why = "qualitative: real photographs have no clean version, so no metric; see Figs. 16, 20"
    return [
        Claim("Fig. 16", "fewer training patches remove more real rain", "", "", None, "",
              NOT_RUN, why),
        Claim("Fig. 20", "the content prior also removes real rain", "", "", None, "",
              NOT_RUN, why),
    ]  # fmt: skip
