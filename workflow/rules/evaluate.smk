# Trained models -> per-image E_R, E_B, PSNR on their category's fixed test set.


rule evaluate:
    input:
        model=f"{R}/models/{{network}}/{{category}}/{{rain_range}}/n{{n}}/model.pt",
        test_set=lambda wc: test_set_path(wc.category),
    output:
        metrics=f"{R}/metrics/{{network}}/{{category}}/{{rain_range}}/n{{n}}.csv",
        examples=directory(
            f"{R}/examples/{{network}}/{{category}}/{{rain_range}}/n{{n}}"
        ),
    log:
        f"{R}/logs/evaluate/{{network}}/{{category}}/{{rain_range}}/n{{n}}.log",
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


rule baselines:
    input:
        lambda wc: test_set_path(wc.category),
    output:
        f"{R}/metrics/baselines/{{category}}.csv",
    log:
        f"{R}/logs/baselines/{{category}}.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        threshold=config["metrics"]["threshold"],
    script:
        "../scripts/baselines.py"
