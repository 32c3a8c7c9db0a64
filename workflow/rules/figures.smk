# Metrics -> tables and figures. Figures depend only on metrics tables, so restyling a figure
# never retrains a model.


rule patch_count_table:
    input:
        metrics=patch_count_metrics(),
        baselines=expand(
            f"{R}/metrics/baselines/{{category}}.csv", category=config["categories"]
        ),
    output:
        table=f"{R}/tables/patch_count.csv",
        summary=f"{R}/tables/patch_count_summary.md",
    log:
        f"{R}/logs/tables/patch_count.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        runs=patch_count_runs(),
        provenance=PROVENANCE,
    script:
        "../scripts/patch_count_table.py"


rule patch_count_figure:
    input:
        f"{R}/tables/patch_count.csv",
    output:
        pdf=f"{R}/figures/fig{{figure}}.pdf",
        png=report(
            f"{R}/figures/fig{{figure}}.png",
            caption="../report/patch_count_figure.rst",
            category=PATCH_COUNT_CATEGORY,
            labels={"result": "Fig. {figure}"},
        ),
    log:
        f"{R}/logs/figures/fig{{figure}}.log",
    wildcard_constraints:
        figure="4|10",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        metric=lambda wc: {"4": "E_R", "10": "E_B"}[wc.figure],
        provenance=PROVENANCE,
    script:
        "../scripts/patch_count_figure.py"


rule complexity_table:
    input:
        expand(
            f"{R}/data/patches/{{category}}/n{max(config['patches']['counts'])}.npy",
            category=config["categories"],
        ),
    output:
        f"{R}/tables/complexity.csv",
    log:
        f"{R}/logs/tables/complexity.log",
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        categories=config["categories"],
        provenance=PROVENANCE,
    script:
        "../scripts/complexity_table.py"


rule complexity_figure:
    input:
        table=f"{R}/tables/patch_count.csv",
        complexity=f"{R}/tables/complexity.csv",
    output:
        pdf=f"{R}/figures/fig9.pdf",
        png=report(
            f"{R}/figures/fig9.png",
            caption="../report/complexity_figure.rst",
            category=PATCH_COUNT_CATEGORY,
            labels={"result": "Fig. 9"},
        ),
    log:
        f"{R}/logs/figures/fig9.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        network=config["experiments"]["patch_count"]["networks"][0],
        provenance=PROVENANCE,
    script:
        "../scripts/complexity_figure.py"
