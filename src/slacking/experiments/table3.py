"""Table III and Figs. 1, 15: every network on every row (patch count, training rain)."""

ORDER = 50
REPLICATED = True  # repeated per training.seeds (its claims are statistics over runs)
CATEGORY = "Other networks (Table III, Figs. 1, 15)"
SOURCE = "Table III"
CLAIM_TABLES = {"table3": "tables/table3.csv", "table3_runs": "tables/runs/table3.csv"}
PAGES = {"tables/table3": "Table III"}


def runs(config: dict) -> list[dict]:
    """Every network on every row; with real data tested on Rain100L's own rainy/clean pairs,
    as the paper's Table III is (the embedded default keeps its stand-in: the category's test
    backgrounds with the embedded test rain)."""
    family = config["experiments"]["table3"]
    test = {"paired_test": "rain100l"} if config["data_source"] == "real" else {}
    return [
        {"network": network, "category": family["category"], "rain_range": row["rain"], "n": n}
        | test
        for row, n in zip(family["rows"], family["counts"], strict=True)
        for network in family["networks"]
    ]


def grid_runs(config: dict, figure: str) -> list[dict]:
    """The runs whose outputs Fig. 1 (the first network, three rows) or Fig. 15 (every network
    and row of Table III) show, in order."""
    family = config["experiments"]["table3"]
    table3 = runs(config)
    if figure == "fig15":
        return table3
    first = family["networks"][0]
    rows = [(family["rows"][i]["rain"], family["counts"][i]) for i in family["fig1_rows"]]
    return [
        next(r for r in table3 if r["network"] == first and (r["rain_range"], r["n"]) == row)
        for row in rows
    ]


def targets(config: dict) -> list[str]:
    return ["tables/table3.html", "tables/table3.tex", "figures/fig1.pdf", "figures/fig15.pdf"]


def claims(tables: dict, config: dict) -> list:
    from ..claims import table3_claims

    return table3_claims(tables["table3_runs"], tables["table3"])
