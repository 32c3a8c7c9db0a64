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
