"""Figs. 4, 9 and 10: every network of the family, every category and patch count, one
training rain; tested on each category's own unseen test rain."""

ORDER = 10
REPLICATED = True  # repeated per training.seeds (its claims are statistics over runs)
CATEGORY = "Patch count (Figs. 4, 10)"
SOURCE = "Figs. 4, 9, 10"
CLAIM_TABLES = {"patch_count": "tables/patch_count.csv", "complexity": "tables/complexity.csv"}
PAGES = {"tables/patch_count_summary": "summary of Figs. 4 and 10"}


def runs(config: dict) -> list[dict]:
    family = config["experiments"]["patch_count"]
    return [
        {"network": network, "category": category, "n": n, "rain_range": family["rain"]}
        for network in family["networks"]
        for category in config["categories"]
        for n in config["patches"]["counts"]
    ]


def targets(config: dict) -> list[str]:
    """The patches and test sets, Figs. 3, 4, 9, 10 and the summary table."""
    patches = [
        f"data/patches/{category}/n{n}.npy"
        for category in config["categories"]
        for n in config["patches"]["counts"]
    ]
    tests = [
        f"data/test/{category}/{config['test']['rain']}.npz" for category in config["categories"]
    ]
    figures = ["figures/fig4.pdf", "figures/fig9.pdf", "figures/fig10.pdf"]
    return patches + tests + figures + ["tables/patch_count_summary.html", "figures/fig3.pdf"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import complexity_claims, patch_count_claims

    table, settings = tables["patch_count"], config["claims"]
    return patch_count_claims(table, settings) + complexity_claims(
        tables["complexity"], table, settings
    )
