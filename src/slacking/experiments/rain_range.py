"""Fig. 8: one network and category, every training rain range and patch count."""

ORDER = 20
REPLICATED = True  # repeated per training.seeds (its claims are statistics over runs)
CATEGORY = "Training rain range (Fig. 8)"
SOURCE = "Fig. 8"
CLAIM_TABLES = {"rain_range": "tables/runs/rain_range.csv"}
PAGES = {"tables/rain_range_summary": "summary of Fig. 8"}


def runs(config: dict) -> list[dict]:
    family = config["experiments"]["rain_range"]
    return [
        {"network": family["network"], "category": family["category"], "rain_range": rain, "n": n}
        for rain in family["ranges"]
        for n in config["patches"]["counts"]
    ]


def targets(config: dict) -> list[str]:
    return ["figures/fig8.pdf", "tables/rain_range_summary.html"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import rain_range_claims

    family = config["experiments"]["rain_range"]
    return rain_range_claims(
        tables["rain_range"], family["ranges"], family["drop_share"], config["claims"]
    )
