# Figs. 5, 6 (slacking.experiments.sharpness): one network per sharpness class, evaluated on
# the weights it kept during training.


rule sharpness_examples_figure:
    input:
        expand(
            f"{R}/data/sharpness/{{sclass}}.npy", sclass=config["sharpness"]["classes"]
        ),
    output:
        pdf=f"{R}/figures/fig5.pdf",
        png=report(
            f"{R}/figures/fig5.png",
            caption="../report/sharpness_figure.rst",
            category=CATEGORY["sharpness"],
            labels={"result": "Fig. 5"},
        ),
    log:
        f"{R}/logs/figures/fig5.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        classes=config["sharpness"]["classes"],
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_examples_figure.py"


rule sharpness_table:
    input:
        metrics=family_metrics("sharpness"),
        models=family_models("sharpness"),
        baselines=f"{R}/metrics/baselines/{config['experiments']['sharpness']['test_category']}.csv",
    output:
        f"{R}/tables/sharpness.csv",
    log:
        f"{R}/logs/tables/sharpness.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        validity=config["validity"],
        runs=runs("sharpness"),
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_table.py"


rule sharpness_figure:
    input:
        table=f"{R}/tables/sharpness.csv",
        strips=[f"{examples_path(run)}.npz" for run in runs("sharpness")],
    output:
        pdf=f"{R}/figures/fig6.pdf",
        png=report(
            f"{R}/figures/fig6.png",
            caption="../report/sharpness_figure.rst",
            category=CATEGORY["sharpness"],
            labels={"result": "Fig. 6"},
        ),
    log:
        f"{R}/logs/figures/fig6.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        classes=list(config["sharpness"]["classes"]),
        network=config["experiments"]["sharpness"]["network"],
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_figure.py"
