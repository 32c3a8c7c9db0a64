import sys
import tomllib
from pathlib import Path

# This checkout's package first, installed or not (rule scripts do the same via _package.py).
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from slacking.config import check_config
from slacking.provenance import provenance

check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")

R = config["results_dir"]
# Written into every figure and table (and shown in the report): version, config hash, data.
PROVENANCE = provenance(
    config,
    tomllib.loads((Path(workflow.basedir) / "pyproject.toml").read_text())["project"][
        "version"
    ],
)
ENV = "../../envs/slacking.yaml"
SOURCES = config["datasets"]["sources"]
DOWNLOADED = [name for name, spec in SOURCES.items() if "url" in spec]
PLACED = [name for name, spec in SOURCES.items() if "placed" in spec]


# Report categories (snakemake --report): one per experiment.
PATCH_COUNT_CATEGORY = "Patch count (Figs. 4, 10)"
FUNCTION_DENOISING_CATEGORY = "Function denoising (Sec. V, Figs. 11-14, Table II)"
# Markdown tables shown in the report as HTML pages: name -> (category, label).
TABLE_PAGES = {
    "claims": ("Claims", "the papers' claims checked"),
    "tables/patch_count_summary": (PATCH_COUNT_CATEGORY, "summary of Figs. 4 and 10"),
    "tables/function_denoising_mse": (FUNCTION_DENOISING_CATEGORY, "test MSE table"),
    "tables/table2": (FUNCTION_DENOISING_CATEGORY, "Table II"),
}


def by_attempt(value):
    """A resource that grows with each retry, so a job killed for memory or time gets more."""
    return lambda wildcards, attempt: value * attempt


STACK_COUNTS = config["training"]["stack_counts"]
TRAIN_LOG = "stacked" if STACK_COUNTS else "n{n}"
# A stacked job may take as long as its runs one after another (on a CPU it does).
RUNS_PER_JOB = len(config["patches"]["counts"]) if STACK_COUNTS else 1


def per_job(pattern):
    """A training job's files: one patch count's, or every count's when they train stacked."""
    if STACK_COUNTS:
        return expand(pattern, n=config["patches"]["counts"], allow_missing=True)
    return pattern


def alternatives(names):
    """A wildcard regex matching exactly these names (or nothing when there are none)."""
    return "|".join(names) if names else "(?!)"


wildcard_constraints:
    category=alternatives(config["category_data"]),
    split="train|test",
    n=r"\d+",
    source="embedded|real",
    network=alternatives(config["networks"]),
    rain_range=alternatives(config["rain"]["ranges"]),


def pool_manifest(category, split):
    return f"{R}/data/backgrounds/{config['data_source']}/{category}/{split}.txt"


def extracted(dataset):
    return f"{R}/data/raw/{dataset}/extracted"


def test_rain_inputs(wc):
    """Real Rain100L streak maps are an input only when the test rain comes from them."""
    if wc.rain == "rain100l":
        return {"rain100l": extracted(config["test_rain"]["rain100l"]["dataset"])}
    return {}


def sharpness_classes():
    return list(config["sharpness"]["classes"])


def patch_targets():
    return expand(
        f"{R}/data/patches/{{category}}/n{{n}}.npy",
        category=config["categories"],
        n=config["patches"]["counts"],
    )


def test_set_targets():
    return expand(
        f"{R}/data/test/{{category}}/{{rain}}.npz",
        category=config["categories"],
        rain=config["test"]["rain"],
    )


def sharpness_targets():
    return expand(f"{R}/data/sharpness/{{sclass}}.npy", sclass=sharpness_classes())


def test_set_path(category):
    return f"{R}/data/test/{category}/{config['test']['rain']}.npz"


def patch_count_runs():
    """(network, category, n) of every run of the patch-count family (Figs. 4 and 10)."""
    family = config["experiments"]["patch_count"]
    return [
        {"network": network, "category": category, "n": n, "rain_range": family["rain"]}
        for network in family["networks"]
        for category in config["categories"]
        for n in config["patches"]["counts"]
    ]


def patch_count_metrics():
    return [
        f"{R}/metrics/{run['network']}/{run['category']}/{run['rain_range']}/n{run['n']}.csv"
        for run in patch_count_runs()
    ]


def family_targets():
    """What `rule all` builds for each experiment family named in config `targets`."""
    return {
        "patch_count": patch_targets()
        + test_set_targets()
        + [
            f"{R}/figures/fig4.pdf",
            f"{R}/figures/fig9.pdf",
            f"{R}/figures/fig10.pdf",
            f"{R}/tables/patch_count_summary.html",
        ],
        "sharpness": sharpness_targets(),
        "function_denoising": [
            f"{R}/tables/table2.html",
            f"{R}/tables/function_denoising_mse.html",
        ]
        + [f"{R}/figures/fig{number}.pdf" for number in (11, 12, 13, 14)],
    }


def all_targets():
    """Every family's targets, and the claims check, which reads them all."""
    families = family_targets()
    targets = [target for family in config["targets"] for target in families[family]]
    return targets + [f"{R}/claims.html"]


def claims_inputs(wildcards):
    """The tables the claims check reads: those of the families this preset builds."""
    tables = {
        "patch_count": {
            "patch_count": f"{R}/tables/patch_count.csv",
            "complexity": f"{R}/tables/complexity.csv",
        },
        "function_denoising": {
            "function_denoising": f"{R}/tables/function_denoising_mse.csv"
        },
    }
    return {
        name: path
        for family in config["targets"]
        for name, path in tables.get(family, {}).items()
    }
