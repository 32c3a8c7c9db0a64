# Metrics -> tables and figures. Figures depend only on metrics tables, so restyling a figure
# never retrains a model.


# The patch-count family's table keeps its own paths (Figs. 4, 9, 10 and the claims read it);
# every other family's goes through runs_table below, with the same script.
rule patch_count_table:
    input:
        metrics=family_metrics("patch_count"),
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
        runtime=5,
    params:
        runs=patch_count_runs(),
        provenance=PROVENANCE,
    script:
        "../scripts/runs_table.py"


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


rule runs_table:
    input:
        metrics=lambda wc: family_metrics(wc.family),
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
        runtime=5,
    params:
        runs=lambda wc: RUNS[wc.family](),
        provenance=PROVENANCE,
    script:
        "../scripts/runs_table.py"


rule runs_figure:
    input:
        lambda wc: f"{R}/tables/runs/{FAMILY_FIGURES[wc.figure][0]}.csv",
    output:
        pdf=f"{R}/figures/{{figure}}.pdf",
        png=report(
            f"{R}/figures/{{figure}}.png",
            caption="../report/runs_figure.rst",
            category=lambda wc: FAMILY_FIGURES[wc.figure][1],
            labels=lambda wc: {"result": FAMILY_FIGURES[wc.figure][2]},
        ),
    log:
        f"{R}/logs/figures/{{figure}}.log",
    wildcard_constraints:
        figure="|".join(FAMILY_FIGURES),
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        family=lambda wc: FAMILY_FIGURES[wc.figure][0],
        title=lambda wc: FAMILY_FIGURES[wc.figure][2],
        drop_share=config["experiments"]["rain_range"]["drop_share"],
        provenance=PROVENANCE,
    script:
        "../scripts/runs_figure.py"


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
        runtime=5,
    params:
        table3=config["experiments"]["table3"],
        networks=config["networks"],
        provenance=PROVENANCE,
    script:
        "../scripts/table3.py"


rule table3_grid:
    input:
        lambda wc: [
            f"{R}/examples/{run['network']}/{run['category']}/{run['rain_range']}/n{run['n']}"
            for run in grid_runs(wc.figure)
        ],
    output:
        pdf=f"{R}/figures/{{figure}}.pdf",
        png=report(
            f"{R}/figures/{{figure}}.png",
            caption="../report/grid_figure.rst",
            category=TABLE3_CATEGORY,
            labels={"result": "{figure}"},
        ),
    log:
        f"{R}/logs/figures/{{figure}}.log",
    wildcard_constraints:
        figure="fig1|fig15",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        runs=lambda wc: grid_runs(wc.figure),
        image=config["experiments"]["table3"]["example_image"],
        provenance=PROVENANCE,
    script:
        "../scripts/grid_figure.py"


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
            category=PATCH_COUNT_CATEGORY,
            labels={"result": "Fig. 3"},
        ),
    log:
        f"{R}/logs/figures/fig3.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        categories=config["categories"],
        rain=config["rain"],
        size=config["patches"]["size"],
        seed=config["seed"],
        provenance=PROVENANCE,
    script:
        "../scripts/data_figure.py"


rule sharpness_examples_figure:
    input:
        sharpness_targets(),
    output:
        pdf=f"{R}/figures/fig5.pdf",
        png=report(
            f"{R}/figures/fig5.png",
            caption="../report/sharpness_figure.rst",
            category=SHARPNESS_CATEGORY,
            labels={"result": "Fig. 5"},
        ),
    log:
        f"{R}/logs/figures/fig5.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        classes=config["sharpness"]["classes"],
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_examples_figure.py"


rule sharpness_table:
    input:
        metrics=sharpness_metrics(),
        baselines=f"{R}/metrics/baselines/{config['experiments']['sharpness']['test_category']}.csv",
    output:
        f"{R}/tables/sharpness.csv",
    log:
        f"{R}/logs/tables/sharpness.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        runs=sharpness_runs(),
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_table.py"


rule sharpness_figure:
    input:
        table=f"{R}/tables/sharpness.csv",
        strips=sharpness_strips(),
    output:
        pdf=f"{R}/figures/fig6.pdf",
        png=report(
            f"{R}/figures/fig6.png",
            caption="../report/sharpness_figure.rst",
            category=SHARPNESS_CATEGORY,
            labels={"result": "Fig. 6"},
        ),
    log:
        f"{R}/logs/figures/fig6.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        classes=sharpness_classes(),
        network=config["experiments"]["sharpness"]["network"],
        provenance=PROVENANCE,
    script:
        "../scripts/sharpness_figure.py"


rule depictqa_figure:
    output:
        f"{R}/figures/fig{{figure}}.pdf",
    log:
        f"{R}/logs/figures/fig{{figure}}.log",
    wildcard_constraints:
        figure="7|21",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=5,
    script:
        "../scripts/depictqa_figure.py"
