# Figs. 3, 4, 9, 10 (slacking.experiments.patch_count): every network, category and patch
# count on one training rain. Its table keeps its own paths (the figures and claims read it).


rule patch_count_table:
    input:
        metrics=family_metrics("patch_count"),
        models=family_models("patch_count"),
        baselines=family_baselines("patch_count"),
    output:
        table=f"{R}/tables/patch_count.csv",
        summary=f"{R}/tables/patch_count_summary.md",
    log:
        f"{R}/logs/tables/patch_count.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        validity=config["validity"],
        runs=runs("patch_count"),
        provenance=PROVENANCE,
    script:
        "../scripts/runs_table.py"


rule patch_count_figure:
    input:
        f"{R}/tables/patch_count.csv",
    output:
        pdf=f"{R}/figures/fig4.pdf",
        png=report(
            f"{R}/figures/fig4.png",
            caption="../report/patch_count_figure.rst",
            category=CATEGORY["patch_count"],
            labels={"result": "Fig. 4"},
        ),
    log:
        f"{R}/logs/figures/fig4.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        figure="4",
        metric="E_R",
        provenance=PROVENANCE,
    script:
        "../scripts/patch_count_figure.py"


use rule patch_count_figure as patch_count_figure_fig10 with:
    output:
        pdf=f"{R}/figures/fig10.pdf",
        png=report(
            f"{R}/figures/fig10.png",
            caption="../report/patch_count_figure.rst",
            category=CATEGORY["patch_count"],
            labels={"result": "Fig. 10"},
        ),
    log:
        f"{R}/logs/figures/fig10.log",
    params:
        figure="10",
        metric="E_B",
        provenance=PROVENANCE,


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
            category=CATEGORY["patch_count"],
            labels={"result": "Fig. 9"},
        ),
    log:
        f"{R}/logs/figures/fig9.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        network=config["experiments"]["patch_count"]["networks"][0],
        provenance=PROVENANCE,
    script:
        "../scripts/complexity_figure.py"


rule data_figure:
    input:
        patches=expand(
            f"{R}/data/patches/{{category}}/n{max(config['patches']['counts'])}.npy",
            category=config["categories"],
        ),
        test_set=test_set_path(config["experiments"]["table3"]["category"]),
    output:
        pdf=f"{R}/figures/fig3.pdf",
        png=report(
            f"{R}/figures/fig3.png",
            caption="../report/data_figure.rst",
            category=CATEGORY["patch_count"],
            labels={"result": "Fig. 3"},
        ),
    log:
        f"{R}/logs/figures/fig3.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        categories=config["categories"],
        rain=config["rain"],
        size=config["patches"]["size"],
        seed=config["seed"],
        provenance=PROVENANCE,
    script:
        "../scripts/data_figure.py"
