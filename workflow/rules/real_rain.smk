# Journal Figs. 16 and 20 (slacking.experiments.real_rain): real rainy photographs, placed in
# data/real_rain/ (link_placed stops with where to put them), through trained networks.


rule fig16:
    input:
        photographs=extracted("real_rain"),
        models=[
            model_file(run)
            for run in experiments.real_rain.figure_runs(config, "fig16")
        ],
    output:
        pdf=f"{R}/figures/fig16.pdf",
        png=report(
            f"{R}/figures/fig16.png",
            caption="../report/real_rain_figure.rst",
            category=CATEGORY["real_rain"],
            labels={"result": "Fig. 16"},
        ),
    log:
        f"{R}/logs/figures/fig16.log",
    conda:
        ENV
    resources:
        # Every network it shows, on the CPU of the submit host or a node: paper-scale ones too.
        mem_mb=by_attempt(8000),
        runtime=by_attempt(30),
    params:
        figure="Fig. 16",
        runs=experiments.real_rain.figure_runs(config, "fig16"),
        size=config["test"]["size"],
        photographs=experiments.real_rain.PHOTOGRAPHS,
        provenance=PROVENANCE,
    script:
        "../scripts/real_rain_figure.py"


use rule fig16 as fig20 with:
    input:
        photographs=extracted("real_rain"),
        models=[
            model_file(run)
            for run in experiments.real_rain.figure_runs(config, "fig20")
        ],
    output:
        pdf=f"{R}/figures/fig20.pdf",
        png=report(
            f"{R}/figures/fig20.png",
            caption="../report/real_rain_figure.rst",
            category=CATEGORY["real_rain"],
            labels={"result": "Fig. 20"},
        ),
    log:
        f"{R}/logs/figures/fig20.log",
    params:
        figure="Fig. 20",
        runs=experiments.real_rain.figure_runs(config, "fig20"),
        size=config["test"]["size"],
        photographs=experiments.real_rain.PHOTOGRAPHS,
        provenance=PROVENANCE,
