# Journal Fig. 2 (slacking.experiments.synthesis): the synthesis B + R = I and the error maps
# behind E_R and E_B, on one test image through one trained model.


rule fig2:
    input:
        model=model_file(experiments.synthesis.untested_runs(config)[0]),
        test_set=test_set_path(
            experiments.synthesis.untested_runs(config)[0]["category"]
        ),
    output:
        pdf=f"{R}/figures/fig2.pdf",
        png=report(
            f"{R}/figures/fig2.png",
            caption="../report/synthesis_figure.rst",
            category=CATEGORY["synthesis"],
            labels={"result": "Fig. 2"},
        ),
    log:
        f"{R}/logs/figures/fig2.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        image=experiments.family("synthesis").IMAGE,
        metrics=config["metrics"],  # threshold and average
        provenance=PROVENANCE,
    script:
        "../scripts/synthesis_figure.py"
