"""Unpack an imported results bundle (config results_bundle) where the workflow reads its files,
each verified against the bundle's manifest; warn where the bundle's config differs from this
one (slacking.bundle)."""

import json
import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.bundle import BundleError, describe, provenance_warnings, read_manifest, unpack

terminal = sys.stderr  # Snakemake's own output: warnings and errors are said there too
sys.stderr = open(snakemake.log[0], "w")


def say(line):
    for stream in (sys.stderr, terminal):
        print(line, file=stream, flush=True)


params, output = snakemake.params, snakemake.output
paths = [path for role in ("results", "records", "models", "reference") for path in output[role]]
wanted = dict(zip(params.members, map(Path, paths), strict=True))
try:
    manifest = read_manifest(snakemake.input[0])
    for line in describe(manifest):
        print(line, file=sys.stderr)
    for warning in provenance_warnings(manifest, params.config, params.version):
        say(f"warning (results bundle): {warning}")
    unpack(snakemake.input[0], wanted)
except BundleError as error:
    say(f"error (results bundle): {error}")
    sys.exit(1)
Path(output.manifest).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
