# What a results bundle holds (bundle.smk), listed from the run table: the same listing for
# export and import. Functions apart from rules, as `snakemake --lint` asks.

from slacking import bundle as results_bundles

# bundle.models: model.pt files too (Figs. 2, 16, 18, 20 and any re-evaluation take them).
BUNDLE_MODELS = (config.get("bundle") or {}).get("models", False)
IMPORTED_BUNDLE = config.get("results_bundle")
# The exporter's tables and claims, unpacked apart so that the rebuilt ones can be compared.
BUNDLE_REFERENCE = f"{R}/bundle/reference"
# What a family's tables and figures read beyond its runs' metrics and strips: made from the
# datasets (patch complexity) or by evaluating a model that no run lists (the prior).
BUNDLE_EXTRAS = {
    "patch_count": [f"{R}/tables/complexity.csv"],
    "content_prior": [PRIOR_RECONSTRUCTION],
}


def run_strips(run):
    """What a run's figures show besides its metrics: the evaluation's example strips, the
    sharpness snapshots' strip, or a cosine network's test curves."""
    if "order" in run:
        return f"{TOY_DIR}/curves/O{run['order']}.npz"
    if "sharpness" in run:
        return f"{examples_path(run)}.npz"
    return examples_path(run)


def bundle_contents():
    """What a bundle holds, by role (slacking.bundle.ROLES), listed from the run table: the
    target families' runs' metrics and strips, their baselines and BUNDLE_EXTRAS ("results"),
    every trained run's train.csv and training.json ("records"), the model.pt files with
    bundle.models, and the tables and claims ("reference"). "directories": the strips that
    are directories; "trained": each record's model.pt, which export needs built."""
    table = experiments.run_table(config)
    results, directories = [], []
    for name in config["targets"]:
        for run in runs(name):
            strips = run_strips(run)
            results += [metrics_path(run), strips]
            if strips == examples_path(run):
                directories.append(strips)
        results += BUNDLE_EXTRAS.get(name, [])
    for tested in table["tested_on"]:
        results += [
            baselines_path(*where.split("/", 1))
            for where in tested.split(";")
            if "/" in where  # not the cosines of function denoising
        ]
    trained = [
        f"{R}/{model}" for model in table["model"] if model.startswith("models/")
    ]
    tables = [
        f"{R}/{path}"
        for name in config["targets"]
        for path in [
            *experiments.family(name).CLAIM_TABLES.values(),
            *(f"{page}.md" for page in experiments.family(name).PAGES),
        ]
    ]
    results = list(dict.fromkeys(results))
    return {
        "results": results,
        "records": [
            f"{Path(model).parent}/{record}"
            for model in trained
            for record in results_bundles.RECORDS
        ],
        "models": [f"{R}/{model}" for model in table["model"]] if BUNDLE_MODELS else [],
        "reference": [
            path
            for path in dict.fromkeys([*tables, f"{R}/claims.md", f"{R}/claims.csv"])
            if path not in results
        ],
        "directories": directories,
        "trained": trained,
    }


def relative(path):
    """A path under results_dir as the bundle names it."""
    return path.removeprefix(f"{R}/")


def export_inputs(wildcards):
    """Everything a bundle packs, built first; a record is not an output of training (a failed
    run's log survives for its resumption), so its run's model.pt stands for it, or with a
    bundle imported, the record itself."""
    contents = bundle_contents()
    return {
        "results": contents["results"],
        "models": contents["models"],
        "trained": contents["records"] if IMPORTED_BUNDLE else contents["trained"],
        "reference": contents["reference"],
    }
