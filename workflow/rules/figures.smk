# Metrics -> tables and figures, for the families drawn the same way (Fig. 8, the transfer
# figure, Table III's runs); each family's own figures are in its rule file. Figures depend
# only on metrics tables, so restyling a figure never retrains a model.


rule runs_table:
    input:
        metrics=lambda wc: family_metrics(wc.family),
        models=lambda wc: family_models(wc.family),
        baselines=lambda wc: family_baselines(wc.family),
    output:
        table=f"{R}/tables/runs/{{family}}.csv",
        summary=f"{R}/tables/{{family}}_summary.md",
    log:
        f"{R}/logs/tables/runs/{{family}}.log",
    wildcard_constraints:
        family="rain_range|transfer|table3",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        validity=config["validity"],
        runs=lambda wc: runs(wc.family),
        provenance=PROVENANCE,
    script:
        "../scripts/runs_table.py"


rule runs_figure:
    input:
        f"{R}/tables/runs/rain_range.csv",
    output:
        pdf=f"{R}/figures/fig8.pdf",
        png=report(
            f"{R}/figures/fig8.png",
            caption="../report/runs_figure.rst",
            category=CATEGORY["rain_range"],
            labels={"result": "Fig. 8"},
        ),
    log:
        f"{R}/logs/figures/fig8.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        figure="fig8",
        family="rain_range",
        title="Fig. 8",
        drop_share=config["experiments"]["rain_range"]["drop_share"],
        provenance=PROVENANCE,
    script:
        "../scripts/runs_figure.py"


use rule runs_figure as runs_figure_transfer with:
    input:
        f"{R}/tables/runs/transfer.csv",
    output:
        pdf=f"{R}/figures/transfer.pdf",
        png=report(
            f"{R}/figures/transfer.png",
            caption="../report/runs_figure.rst",
            category=CATEGORY["transfer"],
            labels={"result": "NeurIPS Fig. 10"},
        ),
    log:
        f"{R}/logs/figures/transfer.log",
    params:
        figure="transfer",
        family="transfer",
        title="NeurIPS Fig. 10",
        drop_share=config["experiments"]["rain_range"]["drop_share"],
        provenance=PROVENANCE,


rule depictqa_figure:
    output:
        f"{R}/figures/fig7.pdf",
    log:
        f"{R}/logs/figures/fig7.log",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        figure="7",
    script:
        "../scripts/depictqa_figure.py"


use rule depictqa_figure as depictqa_figure_fig21 with:
    output:
        f"{R}/figures/fig21.pdf",
    log:
        f"{R}/logs/figures/fig21.log",
    params:
        figure="21",
