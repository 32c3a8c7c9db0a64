"""Journal Fig. 2 (NeurIPS Fig. 3): the rainy-image synthesis B + R = I and the fine-grained
analysis behind the decoupled metrics (the mask M, the output, the errors E_R and E_B average),
on one test image through one trained model: the patch-count family's first network on its
first category's largest subset. Qualitative: no claim of its own."""

ORDER = 5
CATEGORY = "Synthesis and metrics (Fig. 2)"
SOURCE = "Fig. 2"
CLAIM_TABLES = {}
PAGES = {}
IMAGE = 0  # the test image shown


def runs(config: dict) -> list[dict]:
    return []  # the figure derains its one image itself


def untested_runs(config: dict) -> list[dict]:
    family = config["experiments"]["patch_count"]
    return [
        {
            "network": family["networks"][0],
            "category": config["categories"][0],
            "rain_range": family["rain"],
            "n": max(config["patches"]["counts"]),
        }
    ]


def targets(config: dict) -> list[str]:
    return ["figures/fig2.pdf"]


def claims(tables: dict, config: dict) -> list:
    return []
