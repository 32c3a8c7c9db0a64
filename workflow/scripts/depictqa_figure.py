"""Figs. 7 and 21 are not reproduced: they need DepictQA, which this pipeline cannot run."""

import sys

sys.stderr = open(snakemake.log[0], "w")
message = (
    f"Fig. {snakemake.params.figure} is not reproduced by this pipeline. It shows the answers "
    "of DepictQA (Fig. 7: which of two outputs has fewer rain artefacts), a vision-language "
    "model the journal paper fine-tuned for deraining; its weights and fine-tuning data are not "
    "public and it cannot run offline. To build it, serve DepictQA yourself, ask it the paper's "
    "pairwise question for each pair of models' outputs on every test image (run the models "
    "with slacking.evaluation.derain), and plot the win rates. "
    "results/claims.md lists these claims as NOT RUN."
)
print(message, file=sys.stderr)
sys.exit(message)
