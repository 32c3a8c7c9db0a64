"""NeurIPS appendix B: the patch-count models of every category, tested on one category."""

ORDER = 30
REPLICATED = True  # repeated per training.seeds (its claims are statistics over runs)
CATEGORY = "Other test category (NeurIPS appendix B)"
SOURCE = "NeurIPS App. B"
CLAIM_TABLES = {"transfer": "tables/runs/transfer.csv"}
PAGES = {"tables/transfer_summary": "summary of the transfer figure"}


def runs(config: dict) -> list[dict]:
    family = config["experiments"]["transfer"]
    return [
        {
            "network": family["network"],
            "train_category": category,
            "category": family["test_category"],
            "rain_range": family["rain"],
            "n": n,
        }
        for category in config["categories"]
        for n in config["patches"]["counts"]
    ]


def targets(config: dict) -> list[str]:
    return ["figures/transfer.pdf", "tables/transfer_summary.html"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import transfer_claims

    return transfer_claims(tables["transfer"], config["claims"]["transfer_outlier"])
