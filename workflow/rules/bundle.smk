# Results bundles (slacking.bundle): `snakemake results/bundle.tar.gz` packs what the figures,
# tables and claims read; with `results_bundle: {url, sha256}` those files come from a bundle
# instead of training and evaluation (README, "Reproduce a figure from a bundle").


include: "bundle_files.smk"


rule export_bundle:
    input:
        unpack(export_inputs),
    output:
        f"{R}/bundle.tar.gz",
    log:
        f"{R}/logs/bundle/export.log",
    conda:
        ENV
    resources:
        # Seconds without models (the default preset's bundle takes one); runtime
        # SHORT_RUNTIME keeps it on the submit host (slacking.cluster), unlimited there.
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        # Paths under results_dir, the archive's names.
        contents=lambda wc: {
            role: [relative(path) for path in paths]
            for role, paths in bundle_contents().items()
            if role in results_bundles.ROLES
        },
        config=config,
        provenance=PROVENANCE,
    script:
        "../scripts/bundle_export.py"


if IMPORTED_BUNDLE:
    BUNDLED = bundle_contents()

    # The datasets' checksummed, retrying download (data.smk), for the bundle.
    use rule download as fetch_bundle with:
        output:
            f"{R}/bundle/imported.tar.gz",
        log:
            f"{R}/logs/bundle/fetch.log",
        params:
            url=IMPORTED_BUNDLE["url"],
            checksum=f"sha256:{IMPORTED_BUNDLE['sha256']}",
            retries=config["datasets"]["retries"],

    rule unpack_bundle:
        input:
            f"{R}/bundle/imported.tar.gz",
        output:
            results=[
                directory(path) if path in BUNDLED["directories"] else path
                for path in BUNDLED["results"]
            ],
            records=BUNDLED["records"],
            models=BUNDLED["models"],
            reference=[
                f"{BUNDLE_REFERENCE}/{relative(path)}" for path in BUNDLED["reference"]
            ],
            manifest=f"{R}/{results_bundles.MANIFEST}",
        log:
            f"{R}/logs/bundle/unpack.log",
        conda:
            ENV
        resources:
            mem_mb=1000,
            runtime=SHORT_RUNTIME,  # on the submit host (slacking.cluster), as export
        params:
            # The archive's name of each output, in their order.
            members=[
                relative(path)
                for role in ("results", "records", "models", "reference")
                for path in BUNDLED[role]
            ],
            config=config,
            version=PROVENANCE["version"],
        script:
            "../scripts/bundle_unpack.py"

    # On the submit host, as the datasets' downloads (compute nodes often have no internet);
    # named as used when the workflow is a module, as the Snakefile names `download`.
    workflow.localrules(workflow.modifier.modify_rulename("fetch_bundle"))

    # The bundle's files come from it, not from the rules that made them where it was made.
    ruleorder: unpack_bundle > evaluate
    ruleorder: unpack_bundle > evaluate_snapshots
    ruleorder: unpack_bundle > baselines
    ruleorder: unpack_bundle > test_set_baselines
    ruleorder: unpack_bundle > complexity_table
    ruleorder: unpack_bundle > prior_reconstruction
    ruleorder: unpack_bundle > function_denoising_test
    ruleorder: unpack_bundle > train_patch_count
    ruleorder: unpack_bundle > train_sharpness
    ruleorder: unpack_bundle > train_content_prior
    ruleorder: unpack_bundle > function_denoising_train
