# Per-job cost, measured: the benchmark (benchmark:) of every training and evaluation job of
# this config, one table; `python -m slacking.costs results/benchmarks/jobs.csv` sums it into
# CPU-hours and GPU-hours (slacking.costs). The jobs come from the run table, listed only when
# the table is asked for, not at every parse.
from slacking import costs


rule jobs_table:
    input:
        lambda wc: [f"{R}/{job['benchmark']}" for job in costs.timed_jobs(config)],
    output:
        f"{R}/benchmarks/jobs.csv",
    log:
        f"{R}/logs/benchmarks/jobs.log",
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        jobs=lambda wc: costs.timed_jobs(config),
        provenance=PROVENANCE,
    script:
        "../scripts/jobs_table.py"
