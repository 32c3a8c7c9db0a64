"""Sec. V: one 1-D network per cosine order, each tested on every order and test noise."""

ORDER = 70
CATEGORY = "Function denoising (Sec. V, Figs. 11-14, Table II)"
SOURCE = "Sec. V"
CLAIM_TABLES = {"function_denoising": "tables/function_denoising_mse.csv"}
PAGES = {"tables/function_denoising_mse": "test MSE table", "tables/table2": "Table II"}


def runs(config: dict) -> list[dict]:
    toy = config["function_denoising"]
    mean, std = toy["train_noise"]
    return [
        {"network": "toy1d", "order": order, "category": "", "rain_range": f"N({mean}, {std})"}
        for order in toy["orders"]
    ]


def targets(config: dict) -> list[str]:
    figures = [f"figures/fig{number}.pdf" for number in (11, 12, 13, 14)]
    return ["tables/table2.html", "tables/function_denoising_mse.html", *figures]


def claims(tables: dict, config: dict) -> list:
    from ..claims import function_denoising_claims

    toy = config["function_denoising"]
    return function_denoising_claims(
        tables["function_denoising"],
        toy["train_noise"],
        config["claims"]["function_denoising_unseen_noise"],
    )
