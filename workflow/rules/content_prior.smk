# The content prior (journal Sec. VI, Figs. 17-19): a VQ autoencoder pretrained on clean
# images (or a taming-transformers checkpoint) whose encoder alone is fine-tuned for deraining
# and for denoising, its no-VQ ablation, and the from-scratch baselines, on one category.


CONTENT_PRIOR = config["experiments"]["content_prior"]
# The content prior's test sets by the name its runs' ``test`` key gives them.
CONTENT_PRIOR_TESTS = {
    "unseen": config["test"]["rain"],
    "seen": f"seen-{CONTENT_PRIOR['rain']}",
    "salt-pepper": "salt-pepper",
}
PRIOR_IMPORTED = f"{R}/models/vqgan-prior/imported/model.pt"
# The prior fine-tuning starts from: a taming checkpoint when config names one, else ours.
PRIOR = (
    PRIOR_IMPORTED
    if CONTENT_PRIOR["prior"]["checkpoint"]
    else f"{R}/models/vqgan-prior/{CONTENT_PRIOR['category']}/clean/"
    f"n{CONTENT_PRIOR['prior']['n']}/model.pt"
)


rule train_content_prior:
    input:
        patches=f"{R}/data/patches/{{category}}/n{{n}}.npy",
        # Fine-tuning starts from the prior; pretraining and the ablation start from scratch.
        prior=lambda wc: PRIOR if wc.variant == "finetuned" else [],
    output:
        f"{R}/models/vqgan-{{variant}}/{{category}}/{{rain_range}}/n{{n}}/model.pt",
    log:
        f"{R}/logs/train/vqgan-{{variant}}/{{category}}/{{rain_range}}/n{{n}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/train_content_prior/vqgan-{{variant}}/{{category}}/{{rain_range}}/n{{n}}.tsv"
    wildcard_constraints:
        variant="prior|finetuned|novq",
    conda:
        ENV
    threads: config["training"]["resources"]["threads"]
    resources:
        **training_resources(),
    params:
        network="vqgan",
        network_kwargs=lambda wc: experiments.vqgan_settings(
            config, f"vqgan-{wc.variant}"
        )[0],
        training=lambda wc: experiments.vqgan_settings(config, f"vqgan-{wc.variant}")[1],
        rain=config["rain"],
        noise=config["noise"],
        seed=config["seed"],
    script:
        "../scripts/train.py"


if CONTENT_PRIOR["prior"]["checkpoint"]:

    rule import_prior:
        input:
            extracted(CONTENT_PRIOR["prior"]["checkpoint"]["dataset"]),
        output:
            PRIOR_IMPORTED,
        log:
            f"{R}/logs/train/vqgan-prior/imported.log",
        conda:
            ENV
        resources:
            mem_mb=by_attempt(8000),  # taming's last.ckpt is about 1 GB with its loss weights
            runtime=by_attempt(10),
        params:
            checkpoint=CONTENT_PRIOR["prior"]["checkpoint"],
            network_kwargs=config["networks"]["vqgan"],
        script:
            "../scripts/import_prior.py"


# The prior's own PSNR on the clean test images: the ceiling of every output it decodes.
PRIOR_RECONSTRUCTION = f"{R}/metrics/content_prior/prior_reconstruction.csv"


rule prior_reconstruction:
    input:
        model=PRIOR,
        test_set=test_set_path(CONTENT_PRIOR["category"]),
    output:
        PRIOR_RECONSTRUCTION,
    log:
        f"{R}/logs/evaluate/prior_reconstruction.log",
    benchmark:
        f"{R}/benchmarks/jobs/prior_reconstruction/prior.tsv"
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        batch_size=config["evaluation"]["batch_size"],
    script:
        "../scripts/prior_reconstruction.py"


rule content_prior_table:
    input:
        metrics=family_metrics("content_prior"),
        prior=PRIOR_RECONSTRUCTION,
        models=family_models("content_prior"),
        baselines=[
            baselines_path(CONTENT_PRIOR["category"], test)
            for test in CONTENT_PRIOR_TESTS.values()
        ],
    output:
        table=f"{R}/tables/content_prior.csv",
        markdown=f"{R}/tables/content_prior.md",
    log:
        f"{R}/logs/tables/content_prior.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        validity=config["validity"],
        runs=runs("content_prior"),
        baseline_tests=list(CONTENT_PRIOR_TESTS),
        rain=CONTENT_PRIOR["rain"],
        provenance=PROVENANCE,
    script:
        "../scripts/content_prior_table.py"


rule content_prior_figure:
    input:
        **content_prior_figure_inputs("fig18"),
    output:
        pdf=f"{R}/figures/fig18.pdf",
        png=report(
            f"{R}/figures/fig18.png",
            caption="../report/content_prior_figure.rst",
            category=CATEGORY["content_prior"],
            labels={"result": "Fig. 18"},
        ),
    log:
        f"{R}/logs/figures/fig18.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        figure="fig18",
        runs=experiments.content_prior.figure_runs(config, "fig18"),
        image=CONTENT_PRIOR["example_image"],
        provenance=PROVENANCE,
    script:
        "../scripts/content_prior_figure.py"


use rule content_prior_figure as content_prior_figure_fig19 with:
    input:
        **content_prior_figure_inputs("fig19"),
    output:
        pdf=f"{R}/figures/fig19.pdf",
        png=report(
            f"{R}/figures/fig19.png",
            caption="../report/content_prior_figure.rst",
            category=CATEGORY["content_prior"],
            labels={"result": "Fig. 19"},
        ),
    log:
        f"{R}/logs/figures/fig19.log",
    params:
        figure="fig19",
        runs=experiments.content_prior.figure_runs(config, "fig19"),
        image=CONTENT_PRIOR["example_image"],
        provenance=PROVENANCE,
