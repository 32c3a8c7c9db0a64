# The content prior (journal Sec. VI, Figs. 17-19): a VQ autoencoder pretrained on clean
# images (or a taming-transformers checkpoint) whose encoder alone is fine-tuned for deraining
# and for denoising, its no-VQ ablation, and the from-scratch baselines, on one category.


rule train_content_prior:
    input:
        patches=f"{R}/data/patches/{{category}}/n{{n}}.npy",
        # Fine-tuning starts from the prior; pretraining and the ablation start from scratch.
        prior=lambda wc: PRIOR if wc.variant == "finetuned" else [],
    output:
        f"{R}/models/vqgan-{{variant}}/{{category}}/{{rain_range}}/n{{n}}/model.pt",
    log:
        f"{R}/logs/train/vqgan-{{variant}}/{{category}}/{{rain_range}}/n{{n}}.log",
    wildcard_constraints:
        variant="prior|finetuned|novq",
    conda:
        ENV
    threads: config["training"]["resources"]["threads"]
    resources:
        gpu=config["training"]["resources"]["gpu"],
        mem_mb=by_attempt(config["training"]["resources"]["mem_mb"]),
        runtime=by_attempt(config["training"]["resources"]["runtime"]),
        cpus_per_task=config["training"]["resources"]["threads"],
    params:
        network="vqgan",
        network_kwargs=lambda wc: content_prior_training(wc.variant)[0],
        training=lambda wc: content_prior_training(wc.variant)[1],
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


rule evaluate_seen:
    input:
        model=f"{R}/models/{{network}}/{{category}}/{{rain_range}}/n{{n}}/model.pt",
        test_set=f"{R}/data/test/{{category}}/seen-{{rain_range}}.npz",
    output:
        metrics=f"{R}/metrics/seen/{{network}}/{{category}}/{{rain_range}}/n{{n}}.csv",
        examples=directory(
            f"{R}/examples/seen/{{network}}/{{category}}/{{rain_range}}/n{{n}}"
        ),
    log:
        f"{R}/logs/evaluate/seen/{{network}}/{{category}}/{{rain_range}}/n{{n}}.log",
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        threshold=config["metrics"]["threshold"],
        batch_size=config["evaluation"]["batch_size"],
        examples=config["evaluation"]["examples"],
    script:
        "../scripts/evaluate.py"


rule content_prior_table:
    input:
        metrics=[metrics_path(run) for run in content_prior_runs()],
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
        runtime=5,
    params:
        runs=content_prior_runs(),
        baseline_tests=list(CONTENT_PRIOR_TESTS),
        rain=CONTENT_PRIOR["rain"],
        provenance=PROVENANCE,
    script:
        "../scripts/content_prior_table.py"


rule content_prior_figure:
    input:
        unpack(content_prior_figure_inputs),
    output:
        pdf=f"{R}/figures/{{figure}}.pdf",
        png=report(
            f"{R}/figures/{{figure}}.png",
            caption="../report/content_prior_figure.rst",
            category=CONTENT_PRIOR_CATEGORY,
            labels={"result": "{figure}"},
        ),
    log:
        f"{R}/logs/figures/{{figure}}.log",
    wildcard_constraints:
        figure="fig18|fig19",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        runs=lambda wc: content_prior_figure_runs(wc.figure),
        image=CONTENT_PRIOR["example_image"],
        provenance=PROVENANCE,
    script:
        "../scripts/content_prior_figure.py"
