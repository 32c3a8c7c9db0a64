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
include: "workflow/rules/content_prior.smk"
include: "workflow/rules/function_denoising.smk"
include: "workflow/rules/report.smk"


# Cheap rules run on the submit host under a cluster executor instead of waiting in the queue;
# downloads too, since compute nodes often have no internet.
localrules:
    all,
    download,
    link_placed,
    baselines,
    test_set_baselines,
    content_prior_table,
    content_prior_figure,
    patch_count_table,
    patch_count_figure,
    complexity_figure,
    function_denoising_table,
    function_denoising_analogy,
    function_denoising_figure,
    claims,
    table_page,


rule all:
    default_target: True
    input:
        all_targets(),
