# Trained models -> per-image E_R, E_B, PSNR on their category's fixed test set.


# Weights kept per sharpness run (Fig. 6), each evaluated on the whole test set.
SNAPSHOTS = -(
    -config["experiments"]["sharpness"]["iterations"]
    // config["experiments"]["sharpness"]["snapshot_every"]
)


rule evaluate:
    input:
        model=f"{R}/models/{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}/model.pt",
        test_set=lambda wc: test_set_path(
            *experiments.evaluated_on(config, wc.tested, wc.category, wc.rain_range)
        ),
    output:
        # tested: "" (its own category's test set), "seen/" (its training rain), "rain100l/"
        # (Rain100L's own pairs) or
        # "on-<category>/" (another category's test set); slacking.experiments.evaluated_on.
        metrics=f"{R}/metrics/{{tested}}{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}.csv",
        examples=directory(
            f"{R}/examples/{{tested}}{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}"
        ),
    log:
        f"{R}/logs/evaluate/{{tested}}{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/evaluate/{{tested}}{{network}}/{{category}}/{{rain_range}}/n{{n}}{{replicate}}.tsv"
    wildcard_constraints:
        tested=f"(on-({alternatives(config['category_data'])})/|seen/|rain100l/)?",
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        metrics=config["metrics"],  # threshold and average
        batch_size=config["evaluation"]["batch_size"],
        examples=config["evaluation"]["examples"],
    script:
        "../scripts/evaluate.py"


rule evaluate_snapshots:
    input:
        # The snapshots lie next to model.pt; they are not outputs of training, so that a
        # failed run's snapshots survive for its resumption.
        model=f"{R}/models/{{network}}/sharpness-{{sclass}}/{{rain_range}}/model.pt",
        test_set=test_set_path(config["experiments"]["sharpness"]["test_category"]),
    output:
        metrics=f"{R}/metrics/sharpness/{{network}}/{{sclass}}/{{rain_range}}.csv",
        strip=f"{R}/examples/sharpness/{{network}}/{{sclass}}/{{rain_range}}.npz",
    log:
        f"{R}/logs/evaluate/sharpness/{{network}}/{{sclass}}/{{rain_range}}.log",
    benchmark:
        f"{R}/benchmarks/jobs/evaluate_snapshots/{{network}}/{{sclass}}/{{rain_range}}.tsv"
    conda:
        ENV
    threads: config["training"]["resources"]["threads"]
    resources:
        # Every snapshot is a full evaluation: on the training GPU where there is one.
        gpu=config["training"]["resources"]["gpu"],
        mem_mb=by_attempt(4000),
        runtime=by_attempt(10 * SNAPSHOTS),
        cpus_per_task=config["training"]["resources"]["threads"],
    params:
        metrics=config["metrics"],  # threshold and average
        batch_size=config["evaluation"]["batch_size"],
        strip_image=config["experiments"]["sharpness"]["strip_image"],
    script:
        "../scripts/evaluate_snapshots.py"


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
        runtime=SHORT_RUNTIME,
    params:
        metrics=config["metrics"],  # threshold and average
    script:
        "../scripts/baselines.py"


rule test_set_baselines:
    input:
        lambda wc: test_set_path(wc.category, wc.test_set),
    output:
        f"{R}/metrics/baselines/{{test_set}}/{{category}}.csv",
    log:
        f"{R}/logs/baselines/{{test_set}}/{{category}}.log",
    wildcard_constraints:
        test_set=r"seen-[\w-]+|salt-pepper|rain100l-pairs",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        metrics=config["metrics"],  # threshold and average
    script:
        "../scripts/baselines.py"
