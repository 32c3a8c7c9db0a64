# The claims check: every quantitative claim of the papers against this run's numbers.


rule claims:
    input:
        unpack(claims_inputs),
    output:
        markdown=f"{R}/claims.md",
        table=f"{R}/claims.csv",
    log:
        f"{R}/logs/claims.log",
    conda:
        ENV
    resources:
        mem_mb=1000,
        runtime=SHORT_RUNTIME,
    params:
        config=config,
        provenance=PROVENANCE,
    script:
        "../scripts/claims.py"


rule table_page:
    input:
        f"{R}/{{name}}.md",
    output:
        report(
            f"{R}/{{name}}.html",
            caption="../report/table.rst",
            category=lambda wc: TABLE_PAGES[wc.name][0],
            labels=lambda wc: {"result": TABLE_PAGES[wc.name][1]},
        ),
    log:
        f"{R}/logs/pages/{{name}}.log",
    wildcard_constraints:
        name=alternatives(TABLE_PAGES),
    conda:
        ENV
    resources:
        mem_mb=500,
        runtime=SHORT_RUNTIME,
    params:
        provenance=PROVENANCE,
    script:
        "../scripts/markdown_page.py"
