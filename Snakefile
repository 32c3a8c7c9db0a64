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
include: "workflow/rules/costs.smk"


# Each experiment family's own rules (slacking.experiments, docs/adding-an-experiment.md).
for rules in family_rules():

    include: rules


# Results bundles: export what the figures read, or import it (after the families' rules,
# whose files it lists).
include: "workflow/rules/bundle.smk"


# Where jobs run under a cluster executor (slacking.cluster, README "Running on Slurm"): the
# rules that ask for a GPU are exactly slacking.cluster.GPU_RULES (checked here), and every
# rule that takes seconds (no GPU, runtime SHORT_RUNTIME: tables, figures, pages, links) runs
# on the submit host instead of waiting in the queue; downloads too, since compute nodes often
# have no internet. Everything else goes to the default partition.
from slacking.cluster import check_gpu_rules, submit_host_rules

# Used as a module (README), `use rule * from slacking as slacking_*` renames the rules: they
# are named here as used, and the GPU list is checked where this is the main Snakefile.
as_used = workflow.modifier.modify_rulename
workflow.localrules(as_used("all"), as_used("download"))
if workflow.modifier.is_main_snakefile():
    check_gpu_rules(workflow.rules)
workflow.localrules(*submit_host_rules(workflow.rules, SHORT_RUNTIME))


rule all:
    default_target: True
    input:
        all_targets(),
