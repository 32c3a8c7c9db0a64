import sys
import tomllib
from pathlib import Path

# This checkout's package first, installed or not (rule scripts do the same via _package.py).
sys.path.insert(0, str(Path(workflow.basedir) / "src"))

from slacking.config import check_config, check_device
from slacking.provenance import provenance

check_config(config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml")


# The executor is known only once the workflow starts (at parse time local_exec is always
# true): check the device then, before any job, where jobs run on this machine.
onstart:
    if workflow.local_exec:
        check_device(config["training"]["device"])


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
RAIN_RANGE_CATEGORY = "Training rain range (Fig. 8)"
TRANSFER_CATEGORY = "Other test category (NeurIPS appendix B)"
SHARPNESS_CATEGORY = "Sharpness (Figs. 5, 6)"
TABLE3_CATEGORY = "Other networks (Table III, Figs. 1, 15)"
CONTENT_PRIOR_CATEGORY = "Content prior (Sec. VI, Figs. 18, 19)"
# Figures drawn from one family's runs table: name -> (family, report category, label).
FAMILY_FIGURES = {
    "fig8": ("rain_range", RAIN_RANGE_CATEGORY, "Fig. 8"),
    "transfer": ("transfer", TRANSFER_CATEGORY, "NeurIPS Fig. 10"),
}
# Markdown tables shown in the report as HTML pages: name -> (category, label).
TABLE_PAGES = {
    "tables/table3": (TABLE3_CATEGORY, "Table III"),
    "tables/rain_range_summary": (RAIN_RANGE_CATEGORY, "summary of Fig. 8"),
    "tables/transfer_summary": (TRANSFER_CATEGORY, "summary of the transfer figure"),
    "tables/content_prior": (
        CONTENT_PRIOR_CATEGORY,
        "content prior against the baselines",
    ),
    "claims": ("Claims", "the papers' claims checked"),
    "tables/patch_count_summary": (PATCH_COUNT_CATEGORY, "summary of Figs. 4 and 10"),
    "tables/function_denoising_mse": (FUNCTION_DENOISING_CATEGORY, "test MSE table"),
    "tables/table2": (FUNCTION_DENOISING_CATEGORY, "Table II"),
}


def by_attempt(value):
    """A resource that grows with each retry, so a job killed for memory or time gets more."""
    return lambda wildcards, attempt: value * attempt


# Weights kept per sharpness run (Fig. 6), each evaluated on the whole test set.
SNAPSHOTS = -(
    -config["experiments"]["sharpness"]["iterations"]
    // config["experiments"]["sharpness"]["snapshot_every"]
)
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


# The content prior's VQGAN runs (journal Sec. VI), named apart from the registry networks.
CONTENT_PRIOR_MODELS = ["vqgan-prior", "vqgan-finetuned", "vqgan-novq"]
# What a run trains on: a Table I rain range, Gaussian noise (denoising) or nothing (the
# content prior's autoencoder); slacking.degradations.
DEGRADATIONS = [*config["rain"]["ranges"], "noise", "clean"]


wildcard_constraints:
    category=alternatives(config["category_data"]),
    split="train|test",
    n=r"\d+",
    source="embedded|real",
    network=alternatives([*config["networks"], *CONTENT_PRIOR_MODELS]),
    rain_range=alternatives(DEGRADATIONS),
    sclass=alternatives(config["sharpness"]["classes"]),


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


def test_set_path(category, test_set=config["test"]["rain"]):
    """A category's test set: the unseen test rain (config test.rain) by default; also
    "seen-<range>" (training rain on the test backgrounds) and "salt-pepper" (Sec. VI).
    """
    return f"{R}/data/test/{category}/{test_set}.npz"


def test_set_config(test_set):
    """The config block that renders a test set (slacking.data.testsets.build_test_set)."""
    if test_set.startswith("seen-"):
        return config["rain"]
    if test_set == "salt-pepper":
        return config["noise"]
    return config["test_rain"][test_set]


def evaluated_test_set(wc):
    """Denoisers are tested on salt-and-pepper noise, derainers on the unseen test rain."""
    if wc.rain_range == "noise":
        return test_set_path(wc.category, "salt-pepper")
    return test_set_path(wc.category)


def baselines_path(category, test_set=config["test"]["rain"]):
    """The identity and perfect derainers' metrics on a test set."""
    if test_set == config["test"]["rain"]:
        return f"{R}/metrics/baselines/{category}.csv"
    return f"{R}/metrics/baselines/{test_set}/{category}.csv"


def patch_count_runs():
    """(network, category, n) of every run of the patch-count family (Figs. 4 and 10)."""
    family = config["experiments"]["patch_count"]
    return [
        {"network": network, "category": category, "n": n, "rain_range": family["rain"]}
        for network in family["networks"]
        for category in config["categories"]
        for n in config["patches"]["counts"]
    ]


def rain_range_runs():
    """Fig. 8: one network and category, every training rain range and patch count."""
    family = config["experiments"]["rain_range"]
    return [
        {
            "network": family["network"],
            "category": family["category"],
            "rain_range": rain,
            "n": n,
        }
        for rain in family["ranges"]
        for n in config["patches"]["counts"]
    ]


def transfer_runs():
    """NeurIPS appendix B: the patch-count models of every category, on one test category."""
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


def table3_runs():
    """Table III: every network on every row (patch count, training rain)."""
    family = config["experiments"]["table3"]
    return [
        {
            "network": network,
            "category": family["category"],
            "rain_range": row["rain"],
            "n": n,
        }
        for row, n in zip(family["rows"], family["counts"])
        for network in family["networks"]
    ]


CONTENT_PRIOR = config["experiments"]["content_prior"]
# The content prior's test sets by the name its runs' ``test`` key gives them.
CONTENT_PRIOR_TESTS = {
    "unseen": config["test"]["rain"],
    "seen": f"seen-{CONTENT_PRIOR['rain']}",
    "salt-pepper": "salt-pepper",
}
PRIOR_IMPORTED = f"{R}/models/vqgan-prior/imported/model.pt"
# The prior fine-tuning starts from: a taming checkpoint when config names one, else ours.
PRIOR = (
    PRIOR_IMPORTED
    if CONTENT_PRIOR["prior"]["checkpoint"]
    else f"{R}/models/vqgan-prior/{CONTENT_PRIOR['category']}/clean/"
    f"n{CONTENT_PRIOR['prior']['n']}/model.pt"
)


def content_prior_training(variant):
    from slacking.content_prior import variant_training

    return variant_training(
        variant, CONTENT_PRIOR, config["networks"]["vqgan"], config["training"]
    )


def run_training(wc):
    """A training run's schedule: config training, but Sec. VI's from-scratch denoisers (runs
    on `noise`) train as the section says (experiments.content_prior.denoisers)."""
    if wc.rain_range == "noise":
        return {**config["training"], **CONTENT_PRIOR["denoisers"]["training"]}
    return config["training"]


def content_prior_runs():
    """Sec. VI: the baselines (large-background setting) and the fine-tuned prior on deraining
    (tested on unseen and on training rain) and denoising (tested on salt-and-pepper noise),
    and the no-VQ ablation on deraining."""
    family = CONTENT_PRIOR
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


def content_prior_figure_runs(figure):
    """Fig. 18: the ablation and the fine-tuned prior on training and unseen rain; Fig. 19:
    the baselines and the fine-tuned prior on unseen rain and unseen noise."""
    runs = content_prior_runs()
    if figure == "fig18":
        return [
            r
            for r in runs
            if r["network"].startswith("vqgan-") and r["test"] != "salt-pepper"
        ]
    return [r for r in runs if r["test"] != "seen" and r["network"] != "vqgan-novq"]


def content_prior_figure_inputs(wc):
    """The runs' example strips, and for Fig. 18 their models (train.csv lies beside)."""
    runs = content_prior_figure_runs(wc.figure)
    inputs = {"strips": [examples_path(run) for run in runs]}
    if wc.figure == "fig18":
        inputs["models"] = [
            f"{R}/models/{r['network']}/{r['category']}/{r['rain_range']}/n{r['n']}/model.pt"
            for r in runs
        ]
    return inputs


RUNS = {
    "patch_count": patch_count_runs,
    "rain_range": rain_range_runs,
    "transfer": transfer_runs,
    "table3": table3_runs,
}


def metrics_path(run):
    """Where a run's per-image metrics are: on its own category's test set, another's, or
    (``test`` "seen") on its training rain."""
    trained_on = run.get("train_category", run["category"])
    tested_on = "" if trained_on == run["category"] else f"on-{run['category']}/"
    if run.get("test") == "seen":
        tested_on = "seen/"
    return (
        f"{R}/metrics/{tested_on}{run['network']}/{trained_on}/{run['rain_range']}/"
        f"n{run['n']}.csv"
    )


def examples_path(run):
    """The rainy | output | clean strips written beside a run's metrics."""
    return (
        metrics_path(run)
        .replace(f"{R}/metrics/", f"{R}/examples/", 1)
        .removesuffix(".csv")
    )


def family_metrics(family):
    return [metrics_path(run) for run in RUNS[family]()]


def family_baselines(family):
    categories = dict.fromkeys(run["category"] for run in RUNS[family]())
    return [f"{R}/metrics/baselines/{category}.csv" for category in categories]


def grid_runs(figure):
    """The runs whose outputs Fig. 1 (the first network, three rows) or Fig. 15 (every network
    and row of Table III) show, in order."""
    family = config["experiments"]["table3"]
    runs = table3_runs()
    if figure == "fig15":
        return runs
    rows = [
        (family["rows"][i]["rain"], family["counts"][i]) for i in family["fig1_rows"]
    ]
    first = family["networks"][0]
    return [
        next(
            r
            for r in runs
            if r["network"] == first and (r["rain_range"], r["n"]) == row
        )
        for row in rows
    ]


def sharpness_runs():
    """Fig. 6: one network per sharpness class, tested on one category."""
    family = config["experiments"]["sharpness"]
    return [
        {
            "network": family["network"],
            "category": family["test_category"],
            "rain_range": family["rain"],
            "sharpness": sclass,
        }
        for sclass in sharpness_classes()
    ]


def sharpness_path(run):
    return f"{run['network']}/{run['sharpness']}/{run['rain_range']}"


def sharpness_metrics():
    return [
        f"{R}/metrics/sharpness/{sharpness_path(run)}.csv" for run in sharpness_runs()
    ]


def sharpness_strips():
    return [
        f"{R}/examples/sharpness/{sharpness_path(run)}.npz" for run in sharpness_runs()
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
            f"{R}/figures/fig3.pdf",
        ],
        "rain_range": [
            f"{R}/figures/fig8.pdf",
            f"{R}/tables/rain_range_summary.html",
        ],
        "transfer": [f"{R}/figures/transfer.pdf", f"{R}/tables/transfer_summary.html"],
        "sharpness": [f"{R}/figures/fig5.pdf", f"{R}/figures/fig6.pdf"],
        "table3": [
            f"{R}/tables/table3.html",
            f"{R}/tables/table3.tex",
            f"{R}/figures/fig1.pdf",
            f"{R}/figures/fig15.pdf",
        ],
        "content_prior": [
            f"{R}/tables/content_prior.html",
            f"{R}/figures/fig18.pdf",
            f"{R}/figures/fig19.pdf",
        ],
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
        "rain_range": {"rain_range": f"{R}/tables/runs/rain_range.csv"},
        "transfer": {"transfer": f"{R}/tables/runs/transfer.csv"},
        "sharpness": {"sharpness": f"{R}/tables/sharpness.csv"},
        "table3": {"table3": f"{R}/tables/table3.csv"},
        "content_prior": {"content_prior": f"{R}/tables/content_prior.csv"},
        "function_denoising": {
            "function_denoising": f"{R}/tables/function_denoising_mse.csv"
        },
    }
    return {
        name: path
        for family in config["targets"]
        for name, path in tables.get(family, {}).items()
    }
