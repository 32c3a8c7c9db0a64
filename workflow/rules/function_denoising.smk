# The function-denoising analogue (journal Sec. V): cosines of order O plus Gaussian noise.
# Independent of the image data; Table II and Figs. 11-14.


TOY = config["function_denoising"]
TOY_DIR = f"{R}/function_denoising"


rule function_denoising_train:
    output:
        model=f"{TOY_DIR}/models/O{{order}}.pt",
        log=f"{TOY_DIR}/models/O{{order}}.csv",
    log:
        f"{R}/logs/function_denoising/train_O{{order}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/function_denoising_train/O{{order}}.tsv"
    wildcard_constraints:
        order=alternatives([str(o) for o in TOY["orders"]]),
    conda:
        ENV
    threads: TOY["resources"]["threads"]
    resources:
        mem_mb=by_attempt(TOY["resources"]["mem_mb"]),
        runtime=by_attempt(TOY["resources"]["runtime"]),
        cpus_per_task=TOY["resources"]["threads"],
    params:
        toy=TOY,
        seed=config["seed"],
    script:
        "../scripts/function_denoising_train.py"


rule function_denoising_test:
    input:
        f"{TOY_DIR}/models/O{{order}}.pt",
    output:
        mse=f"{TOY_DIR}/mse/O{{order}}.csv",
        curves=f"{TOY_DIR}/curves/O{{order}}.npz",
    log:
        f"{R}/logs/function_denoising/test_O{{order}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/function_denoising_test/O{{order}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        toy=TOY,
        seed=config["seed"],
    script:
        "../scripts/function_denoising_test.py"


rule function_denoising_table:
    input:
        expand(f"{TOY_DIR}/mse/O{{order}}.csv", order=TOY["orders"]),
    output:
        table=f"{R}/tables/function_denoising_mse.csv",
        summary=f"{R}/tables/function_denoising_mse.md",
    log:
        f"{R}/logs/tables/function_denoising_mse.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        paper_mse=TOY["paper_mse"],
        test_noises=TOY["test_noises"],
        provenance=PROVENANCE,
    script:
        "../scripts/function_denoising_table.py"


rule function_denoising_analogy:
    output:
        f"{R}/tables/table2.md",
    log:
        f"{R}/logs/tables/table2.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        toy=TOY,
        provenance=PROVENANCE,
    script:
        "../scripts/function_denoising_analogy.py"


rule function_denoising_figure:
    input:
        curves=expand(f"{TOY_DIR}/curves/O{{order}}.npz", order=TOY["orders"]),
        table=f"{R}/tables/function_denoising_mse.csv",
    output:
        pdf=f"{R}/figures/fig11.pdf",
        png=report(
            f"{R}/figures/fig11.png",
            caption="../report/function_denoising_figure.rst",
            category=CATEGORY["function_denoising"],
            labels={"result": "Fig. 11"},
        ),
    log:
        f"{R}/logs/figures/fig11.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        figure="11",
        toy=TOY,
        provenance=PROVENANCE,
    script:
        "../scripts/function_denoising_figure.py"


use rule function_denoising_figure as function_denoising_figure_fig12 with:
    output:
        pdf=f"{R}/figures/fig12.pdf",
        png=report(
            f"{R}/figures/fig12.png",
            caption="../report/function_denoising_figure.rst",
            category=CATEGORY["function_denoising"],
            labels={"result": "Fig. 12"},
        ),
    log:
        f"{R}/logs/figures/fig12.log",
    params:
        figure="12",
        toy=TOY,
        provenance=PROVENANCE,


use rule function_denoising_figure as function_denoising_figure_fig13 with:
    output:
        pdf=f"{R}/figures/fig13.pdf",
        png=report(
            f"{R}/figures/fig13.png",
            caption="../report/function_denoising_figure.rst",
            category=CATEGORY["function_denoising"],
            labels={"result": "Fig. 13"},
        ),
    log:
        f"{R}/logs/figures/fig13.log",
    params:
        figure="13",
        toy=TOY,
        provenance=PROVENANCE,


use rule function_denoising_figure as function_denoising_figure_fig14 with:
    output:
        pdf=f"{R}/figures/fig14.pdf",
        png=report(
            f"{R}/figures/fig14.png",
            caption="../report/function_denoising_figure.rst",
            category=CATEGORY["function_denoising"],
            labels={"result": "Fig. 14"},
        ),
    log:
        f"{R}/logs/figures/fig14.log",
    params:
        figure="14",
        toy=TOY,
        provenance=PROVENANCE,
