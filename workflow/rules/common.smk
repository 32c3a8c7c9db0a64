import sys
import tomllib
from pathlib import Path

# This checkout: the directory of this workflow's Snakefile. Not workflow.basedir, which is the
# main Snakefile's, another directory when this workflow is used as a module (README).
REPO = Path(workflow.current_basedir.get_path_or_uri(secret_free=False)).parents[1]
# This checkout's package first, installed or not (rule scripts do the same via _package.py).
sys.path.insert(0, str(REPO / "src"))

from slacking import experiments
from slacking.config import check_config, check_device
from slacking.provenance import provenance

check_config(
    config,
    REPO / "workflow/schemas/config.schema.yaml",
    experiments.families(),
)


# The executor is known only once the workflow starts (at parse time local_exec is always
# true): check the device then, before any job, where jobs run on this machine.
onstart:
    if workflow.local_exec:
        check_device(config["training"]["device"])


R = config["results_dir"]
# Written into every figure and table (and shown in the report): version, config hash, data.
PROVENANCE = provenance(
    config,
    tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"],
)
ENV = "../../envs/slacking.yaml"
SOURCES = config["datasets"]["sources"]
DOWNLOADED = [name for name, spec in SOURCES.items() if "url" in spec]
PLACED = [name for name, spec in SOURCES.items() if "placed" in spec]


# Report categories (snakemake --report), one per experiment family, and the Markdown tables
# shown in the report as HTML pages: name -> (category, label).
CATEGORY = {name: experiments.family(name).CATEGORY for name in experiments.families()}
TABLE_PAGES = {
    page: (CATEGORY[name], label)
    for name in experiments.families()
    for page, label in experiments.family(name).PAGES.items()
} | {"claims": ("Claims", "the papers' claims checked")}


def by_attempt(value):
    """A resource that grows with each retry (x2, x3), so a job killed for memory gets more, and
    one killed for time that starts over gets longer."""
    return lambda wildcards, attempt: value * attempt


# The runtime (minutes) of every job that takes seconds: tables, figures, pages, small data.
SHORT_RUNTIME = 5


def training_resources(runs=1):
    """A training job's resources (config training.resources): the GPU where there is one
    (slacking.cluster.GPU_RULES lists the rules that use this), memory growing with each retry,
    and a job of several runs (stacked) allowed as long as they take one after another. The
    runtime stays as configured on a retry: training resumes from its newest checkpoint, so a
    longer request would only wait longer in the queue."""
    block = config["training"]["resources"]
    return dict(
        gpu=block["gpu"],
        mem_mb=by_attempt(block["mem_mb"]),
        runtime=block["runtime"] * runs,
        cpus_per_task=block["threads"],
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
    replicate=r"(-s\d+)?",
    source="embedded|real",
    network=alternatives([*config["networks"], *CONTENT_PRIOR_MODELS]),
    rain_range=alternatives(DEGRADATIONS),
    sclass=alternatives(config["sharpness"]["classes"]),


def pool_manifest(category, split):
    return f"{R}/data/backgrounds/{config['data_source']}/{category}/{split}.txt"


def extracted(dataset):
    return f"{R}/data/raw/{dataset}/extracted"


def test_set_path(category, test_set=config["test"]["rain"]):
    """A category's test set: the unseen test rain (config test.rain) by default; also
    "seen-<range>" (training rain on the test backgrounds) and "salt-pepper" (Sec. VI).
    """
    return f"{R}/data/test/{category}/{test_set}.npz"


def baselines_path(category, test_set=config["test"]["rain"]):
    """The identity and perfect derainers' metrics on a test set."""
    if test_set == config["test"]["rain"]:
        return f"{R}/metrics/baselines/{category}.csv"
    return f"{R}/metrics/baselines/{test_set}/{category}.csv"


def content_prior_figure_inputs(figure):
    """The runs' example strips, and for Fig. 18 their models (train.csv lies beside)."""
    runs = experiments.content_prior.figure_runs(config, figure)
    inputs = {"strips": [examples_path(run) for run in runs]}
    if figure == "fig18":
        inputs["models"] = [training_record(model_file(run)) for run in runs]
    return inputs


def runs(family):
    """The runs a family's tables evaluate (slacking.experiments)."""
    return experiments.family_runs(config, family)


def run_schedule(wc):
    """A training job's schedule (slacking.experiments.schedule), from its wildcards."""
    run = {"network": wc.network, "rain_range": wc.rain_range}
    if "sclass" in wc.keys():
        run["sharpness"] = wc.sclass
    return experiments.schedule(config, run)


def model_file(run):
    return f"{R}/{experiments.model_path(run)}"


def metrics_path(run):
    return f"{R}/{experiments.metrics_path(run)}"


def examples_path(run):
    return f"{R}/{experiments.examples_path(run)}"


def family_metrics(family):
    return [metrics_path(run) for run in runs(family)]


def training_record(model):
    """What a table or figure that reads a run's training (train.csv and training.json beside
    its model.pt: the validity test, loss curves) takes as input: the model.pt, or with a
    results bundle imported (results_bundle, bundle.smk) its training.json, which the bundle
    holds without the models."""
    if config.get("results_bundle"):
        return f"{Path(model).parent}/training.json"
    return model


def family_models(family):
    """The training record (training_record) of each run a family's tables evaluate."""
    return [training_record(model_file(run)) for run in runs(family)]


def family_baselines(family):
    """The baselines of the test sets a family's runs are evaluated on, each once."""
    tested = (experiments.run_tested_on(config, run) for run in runs(family))
    return list(dict.fromkeys(baselines_path(*where) for where in tested))


def all_targets():
    """Every target family's targets (slacking.experiments), and the claims check."""
    targets = [
        t
        for name in config["targets"]
        for t in experiments.family(name).targets(config)
    ]
    return [f"{R}/{target}" for target in targets] + [f"{R}/claims.html"]


def claims_inputs(wildcards):
    """The tables the claims check reads: those of the families this preset builds."""
    return {
        name: f"{R}/{path}" for name, path in experiments.claim_tables(config).items()
    }


def family_rules():
    """Each family's own rule file, where it has one (workflow/rules/<family>.smk)."""
    rules = REPO / "workflow/rules"
    return [
        f"workflow/rules/{name}.smk"
        for name in experiments.families()
        if (rules / f"{name}.smk").exists()
    ]
