"""Results bundles: what the figures, tables and claims of a run read, packed in one archive,
so that another machine rebuilds them without training or evaluating anything.

A bundle is a ``tar.gz`` of files under their paths relative to ``results_dir`` (extracting it
into a results directory by hand gives the same tree) and ``bundle/manifest.json``: the sha256
and size of every file, the provenance of the config that made them (``slacking.provenance``)
and that config itself, and what the workflow listed, by role:

- ``results``: what training and evaluation wrote (per-image metrics, example strips, the
  baselines, the content prior's reconstruction ceiling, the function-denoising curves) and
  the tables computed from the datasets (patch complexity), unpacked in place on import;
- ``records``: each trained run's ``train.csv`` and ``training.json``, the validity test's
  input (``slacking.validity``), unpacked beside where its model.pt would be;
- ``models``: the model.pt files, only with ``bundle.models``;
- ``reference``: the exporter's tables and claims, unpacked under ``bundle/reference/`` so the
  rebuilt ones can be compared with them.

The workflow lists the files from the run table (``workflow/rules/bundle.smk``), on export and
on import alike; nothing here globs a results directory. Importing checks every file against
the manifest (a file that differs fails, naming it) and the bundle's config against the current
one: a difference is a warning, not an error, since settings that change no trained number
(validity thresholds, claims, figures) may differ on purpose; the tables, figures and claims
are rebuilt with the current config's settings from the bundle's numbers.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from collections.abc import Iterable
from pathlib import Path

from . import integrity
from .atomic import atomic_path
from .provenance import PLACEMENT

MANIFEST = "bundle/manifest.json"
FORMAT = 1
ROLES = ("results", "records", "models", "reference")
# A trained run's files beside its model.pt that the validity test reads.
RECORDS = ("train.csv", "training.json")
# Snakemake's own marker in a directory output, which it writes again on import.
SKIPPED = (".snakemake_timestamp",)
CHUNK = 1 << 20


class BundleError(ValueError):
    """A bundle that cannot be written or used: a missing or altered file. Its message is one
    line naming the file."""


def shared_config(config: dict) -> dict:
    """The config a bundle records and compares: without the keys that say where results go or
    come from (``provenance.PLACEMENT``), as JSON has it."""
    kept = {key: value for key, value in config.items() if key not in PLACEMENT}
    return json.loads(json.dumps(kept, sort_keys=True, default=str))


def config_differences(recorded: dict, config: dict) -> list[str]:
    """The top-level keys whose values differ between a bundle's config and ``config``."""
    current = shared_config(config)
    keys = sorted(set(recorded) | set(current))
    return [key for key in keys if recorded.get(key) != current.get(key)]


def _files(results_dir: Path, path: str) -> tuple[list[str], bool]:
    """The files of one listed path (itself, or those under a directory, sorted) and whether
    it is a directory."""
    full = results_dir / path
    if full.is_file():
        return [path], False
    if full.is_dir():
        found = []
        for root, dirs, names in os.walk(full):
            dirs.sort()
            found += [
                (Path(root) / name).relative_to(results_dir).as_posix()
                for name in names
                if name not in SKIPPED
            ]
        return sorted(found), True
    hint = ""
    if Path(path).name == RECORDS[1]:
        hint = " (a run trained before runs wrote it: delete its model.pt and train it again)"
    raise BundleError(f"cannot bundle {path}: {full} does not exist{hint}")


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    """A member with no time, owner or mode of this machine, so the same files give the same
    archive bytes (and sha256) wherever they are packed."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    return info


def export(
    dest: str | Path,
    results_dir: str | Path,
    contents: dict[str, list[str]],
    provenance: dict,
    config: dict,
) -> dict:
    """Pack ``contents`` (role -> paths relative to ``results_dir``; a directory stands for the
    files under it) into the archive ``dest``; returns its manifest."""
    results_dir = Path(results_dir)
    files: dict[str, dict] = {}
    directories: list[str] = []
    listed = {role: list(dict.fromkeys(contents.get(role, []))) for role in ROLES}
    for paths in listed.values():
        for path in paths:
            found, is_dir = _files(results_dir, path)
            if is_dir:
                directories.append(path)
            for name in found:
                if name not in files:
                    full = results_dir / name
                    digest = integrity.file_checksum(full, "sha256")
                    files[name] = {"sha256": digest, "bytes": full.stat().st_size}
    manifest = {
        "format": FORMAT,
        "provenance": provenance,
        "config": shared_config(config),
        "contents": listed,
        "directories": directories,
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True).encode()
    with atomic_path(dest) as tmp, open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
            with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.addfile(_tarinfo(MANIFEST, len(text)), io.BytesIO(text))
                for name in files:
                    with open(results_dir / name, "rb") as handle:
                        tar.addfile(_tarinfo(name, files[name]["bytes"]), handle)
    return manifest


def read_manifest(archive: str | Path) -> dict:
    """A bundle's manifest (its first member)."""
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.next()
        if member is None or member.name != MANIFEST:
            raise BundleError(f"{archive} is not a results bundle: it has no {MANIFEST} first")
        manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BundleError(
            f"{archive}: bundle format {manifest.get('format')!r}, this version reads {FORMAT}"
        )
    return manifest


def provenance_warnings(manifest: dict, config: dict, version: str) -> list[str]:
    """What differs between the config and version that made a bundle and the current ones."""
    made = manifest["provenance"]
    warnings = []
    differ = config_differences(manifest["config"], config)
    if differ:
        warnings.append(
            f"the bundle was made with another config (config sha256 {made['config_sha256']}); "
            f"these keys differ: {', '.join(differ)}. Its numbers are used as they are; tables, "
            "figures and claims are rebuilt with this config's settings"
        )
    if made["version"] != version:
        warnings.append(f"the bundle was made by slacking {made['version']}, this is {version}")
    return warnings


def _wanted(manifest: dict, wanted: dict[str, Path]) -> dict[str, Path]:
    """Each archive member to write, and where: a listed directory gives its files."""
    directories = set(manifest["directories"])
    members: dict[str, Path] = {}
    for path, dest in wanted.items():
        if path in directories:
            Path(dest).mkdir(parents=True, exist_ok=True)  # kept even when it holds nothing
            prefix = f"{path}/"
            for name in manifest["files"]:
                if name.startswith(prefix):
                    inside = Path(name.removeprefix(prefix))
                    if inside.is_absolute() or ".." in inside.parts:
                        raise BundleError(f"{name} in the bundle's manifest leaves {path}")
                    members[name] = Path(dest) / inside
        elif path in manifest["files"]:
            members[path] = Path(dest)
        else:
            made = manifest["provenance"]["config_sha256"]
            raise BundleError(
                f"the bundle has no {path}: it was exported from a config (sha256 {made}) that "
                "does not make this file; export it from this config, or use the config it was "
                "made with"
            )
    return members


def unpack(archive: str | Path, wanted: dict[str, Path]) -> dict:
    """Write the bundle's ``wanted`` paths (path relative to the exporter's results directory ->
    destination), each file verified against the manifest's sha256 (a file that differs raises
    ``BundleError`` naming it, and is not written); returns the manifest."""
    manifest = read_manifest(archive)
    members = _wanted(manifest, wanted)
    written = set()
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            dest = members.get(member.name)
            if dest is None or not member.isfile() or member.name in written:
                continue
            expected = manifest["files"][member.name]["sha256"]
            digest = integrity.hasher("sha256")
            with atomic_path(dest) as tmp, open(tmp, "wb") as out:
                source = tar.extractfile(member)
                while block := source.read(CHUNK):
                    digest.update(block)
                    out.write(block)
                if digest.hexdigest() != expected:
                    raise BundleError(
                        f"{member.name} in {archive} does not match the bundle's manifest "
                        f"(sha256 {digest.hexdigest()}, manifest {expected}): the bundle was "
                        "altered or damaged after it was made"
                    )
            if dest.suffix in (".npy", ".npz"):  # the checksum integrity.load_array reads
                integrity.checksum_path(dest).write_text(f"{expected}\n")
            written.add(member.name)
    missing = sorted(set(members) - written)
    if missing:
        raise BundleError(f"{missing[0]} is in the bundle's manifest but not in {archive}")
    return manifest


def describe(manifest: dict) -> Iterable[str]:
    """Lines for a log: what a bundle holds, by role."""
    made = manifest["provenance"]
    yield (
        f"bundle of slacking {made['version']}, config sha256 {made['config_sha256']}, "
        f"data: {made['data_source']}; {len(manifest['files'])} files, "
        f"{sum(f['bytes'] for f in manifest['files'].values())} bytes"
    )
    for role in ROLES:
        yield f"{role}: {len(manifest['contents'][role])} paths"
