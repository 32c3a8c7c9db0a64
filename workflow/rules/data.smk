# Datasets -> background pools -> patch subsets and fixed test sets.


rule download:
    output:
        f"{R}/data/raw/{{dataset}}/archive/{{filename}}",
    log:
        f"{R}/logs/download/{{dataset}}/{{filename}}.log",
    wildcard_constraints:
        dataset=alternatives(DOWNLOADED),
        filename=r"[^/]+",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=240,
    params:
        url=lambda wc: SOURCES[wc.dataset]["url"],
        checksum=lambda wc: SOURCES[wc.dataset]["checksum"],
        retries=config["datasets"]["retries"],
    script:
        "../scripts/download.py"


rule extract:
    input:
        lambda wc: f"{R}/data/raw/{wc.dataset}/archive/{SOURCES[wc.dataset]['filename']}",
    output:
        directory(f"{R}/data/raw/{{dataset}}/extracted"),
    log:
        f"{R}/logs/extract/{{dataset}}.log",
    wildcard_constraints:
        dataset=alternatives(DOWNLOADED),
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=120,
    script:
        "../scripts/extract.py"


rule link_placed:
    output:
        directory(f"{R}/data/raw/{{dataset}}/extracted"),
    log:
        f"{R}/logs/link_placed/{{dataset}}.log",
    wildcard_constraints:
        dataset=alternatives(PLACED),
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        placed=lambda wc: SOURCES[wc.dataset]["placed"],
        hint=lambda wc: SOURCES[wc.dataset]["hint"],
    script:
        "../scripts/link_placed.py"


rule embedded_pool:
    output:
        manifest=f"{R}/data/backgrounds/embedded/{{category}}/{{split}}.txt",
        images=directory(f"{R}/data/backgrounds/embedded/{{category}}/{{split}}"),
    log:
        f"{R}/logs/embedded_pool/{{category}}/{{split}}.log",
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        specs=lambda wc: config["category_data"][wc.category]["embedded"][wc.split],
        lfw_size=config["embedded"]["lfw_size"],
    script:
        "../scripts/embedded_pool.py"


rule real_pool:
    input:
        lambda wc: extracted(
            config["category_data"][wc.category]["real"][wc.split]["dataset"]
        ),
    output:
        f"{R}/data/backgrounds/real/{{category}}/{{split}}.txt",
    log:
        f"{R}/logs/real_pool/{{category}}/{{split}}.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        spec=lambda wc: config["category_data"][wc.category]["real"][wc.split],
    script:
        "../scripts/real_pool.py"


rule patches:
    input:
        lambda wc: pool_manifest(wc.category, "train"),
    output:
        f"{R}/data/patches/{{category}}/n{{n}}.npy",
    log:
        f"{R}/logs/patches/{{category}}/n{{n}}.log",
    conda:
        ENV
    resources:
        mem_mb=lambda wc: 1000 + int(wc.n) * config["patches"]["size"] ** 2 * 3 // 2**20,
        runtime=60,
    params:
        size=config["patches"]["size"],
        seed=config["seed"],
    script:
        "../scripts/patches.py"


rule test_set:
    input:
        # Real Rain100L streak maps are an input only when the test rain comes from them.
        unpack(
            lambda wc: (
                {"rain100l": extracted(config["test_rain"]["rain100l"]["dataset"])}
                if wc.rain in ("rain100l", "rain100l-pairs")
                else {}
            )
        ),
        backgrounds=lambda wc: pool_manifest(wc.category, "test"),
    output:
        f"{R}/data/test/{{category}}/{{rain}}.npz",
    log:
        f"{R}/logs/test_set/{{category}}/{{rain}}.log",
    wildcard_constraints:
        rain=alternatives(
            ["embedded", "rain100l", "rain100l-pairs", "salt-pepper"]
            + [f"seen-{name}" for name in config["rain"]["ranges"]]
        ),
    conda:
        ENV
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        size=config["test"]["size"],
        n_images=config["test"]["count"],
        seed=config["seed"],
        rain=lambda wc: experiments.test_set_config(config, wc.rain),
    script:
        "../scripts/test_set.py"


rule sharpness_sets:
    input:
        lambda wc: [
            pool_manifest(c, "train") for c in config["sharpness"]["categories"]
        ],
    output:
        sets=expand(
            f"{R}/data/sharpness/{{sclass}}.npy", sclass=config["sharpness"]["classes"]
        ),
        summary=f"{R}/data/sharpness/summary.csv",
    log:
        f"{R}/logs/sharpness_sets.log",
    conda:
        ENV
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        classes=config["sharpness"]["classes"],
        per_class=config["sharpness"]["count"],
        max_candidates=config["sharpness"]["max_candidates"],
        size=config["patches"]["size"],
        seed=config["seed"],
    script:
        "../scripts/sharpness_sets.py"
