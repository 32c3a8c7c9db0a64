# Table III and Figs. 1, 15 (slacking.experiments.table3): every network on the paper's rows.


rule table3:
    input:
        f"{R}/tables/runs/table3.csv",
    output:
        csv=f"{R}/tables/table3.csv",
        md=f"{R}/tables/table3.md",
        tex=f"{R}/tables/table3.tex",
    log:
        f"{R}/logs/tables/table3.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        table3=config["experiments"]["table3"],
        networks=config["networks"],
        tested_on=experiments.test_set(config, experiments.table3.runs(config)[0]),
        provenance=PROVENANCE,
    script:
        "../scripts/table3.py"


rule table3_grid:
    input:
        [examples_path(run) for run in experiments.table3.grid_runs(config, "fig1")],
    output:
        pdf=f"{R}/figures/fig1.pdf",
        png=report(
            f"{R}/figures/fig1.png",
            caption="../report/grid_figure.rst",
            category=CATEGORY["table3"],
            labels={"result": "Fig. 1"},
        ),
    log:
        f"{R}/logs/figures/fig1.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        figure="fig1",
        runs=experiments.table3.grid_runs(config, "fig1"),
        image=config["experiments"]["table3"]["example_image"],
        provenance=PROVENANCE,
    script:
        "../scripts/grid_figure.py"


use rule table3_grid as table3_grid_fig15 with:
    input:
        [examples_path(run) for run in experiments.table3.grid_runs(config, "fig15")],
    output:
        pdf=f"{R}/figures/fig15.pdf",
        png=report(
            f"{R}/figures/fig15.png",
            caption="../report/grid_figure.rst",
            category=CATEGORY["table3"],
            labels={"result": "Fig. 15"},
        ),
    log:
        f"{R}/logs/figures/fig15.log",
    params:
        figure="fig15",
        runs=experiments.table3.grid_runs(config, "fig15"),
        image=config["experiments"]["table3"]["example_image"],
        provenance=PROVENANCE,
