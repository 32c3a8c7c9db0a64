from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


# common.smk checks the config first, so a bad value fails with one line naming the key;
# validate() then applies the same schema the Snakemake way.
include: "workflow/rules/common.smk"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/data.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


# Each experiment family's own rules (slacking.experiments, docs/adding-an-experiment.md).
for rules in family_rules():

    include: rules


# Cheap rules run on the submit host under a cluster executor instead of waiting in the queue;
# downloads too, since compute nodes often have no internet.
localrules:
    all,
    download,
    link_placed,
    baselines,
    test_set_baselines,
    claims,
    table_page,
    run_table,
    run_validity,


rule all:
    default_target: True
    input:
        all_targets(),
