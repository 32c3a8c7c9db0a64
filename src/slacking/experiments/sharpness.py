"""Fig. 6: one network per sharpness class, tested on one category."""

ORDER = 40
CATEGORY = "Sharpness (Figs. 5, 6)"
SOURCE = "Fig. 6"
CLAIM_TABLES = {"sharpness": "tables/sharpness.csv"}
PAGES = {}


def runs(config: dict) -> list[dict]:
    family = config["experiments"]["sharpness"]
    return [
        {
            "network": family["network"],
            "category": family["test_category"],
            "rain_range": family["rain"],
            "sharpness": sclass,
        }
        for sclass in config["sharpness"]["classes"]
    ]


def targets(config: dict) -> list[str]:
    return ["figures/fig5.pdf", "figures/fig6.pdf"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import sharpness_claims

    return sharpness_claims(tables["sharpness"], config["sharpness"]["classes"])
