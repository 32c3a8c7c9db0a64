# Training runs, one rule per experiment family. Resources come from config, so the same rule
# runs on a laptop and through the Slurm executor (gpu=1 there). With training.stack_counts a
# job trains every patch count of one network, category and rain as one stacked model.


rule train_patch_count:
    input:
        patches=per_job(f"{R}/data/patches/{{category}}/n{{n}}.npy"),
    output:
        # replicate: "" for seed 0, "-s<seed>" for training.seeds' others.
        per_job(
            f"{R}/models/{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}/model.pt"
        ),
    log:
        f"{R}/logs/train/{{network}}/{{category}}/{{rain_range}}/{TRAIN_LOG}{{replicate}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/train_patch_count/{{network}}/{{category}}/{{rain_range}}/{TRAIN_LOG}{{replicate}}.tsv"
    wildcard_constraints:
        # The content prior's VQGANs train apart (train_content_prior): never stacked.
        network=alternatives([name for name in config["networks"] if name != "vqgan"]),
    conda:
        ENV
    threads: config["training"]["resources"]["threads"]
    resources:
        **training_resources(RUNS_PER_JOB),
    params:
        network_kwargs=lambda wc: config["networks"][wc.network],
        training=run_schedule,
        rain=config["rain"],
        noise=config["noise"],
        seed=lambda wc: config["seed"] + experiments.replicate_seed(wc.replicate),
    script:
        "../scripts/train.py"


rule train_sharpness:
    input:
        patches=f"{R}/data/sharpness/{{sclass}}.npy",
    output:
        f"{R}/models/{{network}}/sharpness-{{sclass}}/{{rain_range}}/model.pt",
    log:
        f"{R}/logs/train/{{network}}/sharpness-{{sclass}}/{{rain_range}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/train_sharpness/{{network}}/sharpness-{{sclass}}/{{rain_range}}.tsv"
    conda:
        ENV
    threads: config["training"]["resources"]["threads"]
    resources:
        **training_resources(),
    params:
        network_kwargs=lambda wc: config["networks"][wc.network],
        # Weights are kept every snapshot_every iterations (next to model.pt) for Fig. 6a.
        training=run_schedule,
        rain=config["rain"],
        noise=config["noise"],
        seed=config["seed"],
    script:
        "../scripts/train.py"


rule run_table:
    output:
        f"{R}/runs.csv",
    log:
        f"{R}/logs/runs.log",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        config=config,
        provenance=PROVENANCE,
    script:
        "../scripts/run_table.py"


rule run_validity:
    input:
        # The deraining runs (function denoising trains on curves, without the test); built
        # only when the table is asked for, not at every parse.
        lambda wc: [
            training_record(f"{R}/{model}")
            for model in experiments.run_table(config)["model"]
            if model.startswith("models/")
        ],
    output:
        f"{R}/tables/run_validity.csv",
    log:
        f"{R}/logs/tables/run_validity.log",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        config=config,
        provenance=PROVENANCE,
    script:
        "../scripts/run_validity.py"
