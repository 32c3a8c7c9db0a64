"""Background pools: the list of image files a category draws its train or test patches from.

A pool is a manifest (one image path per line). Embedded pools write their bundled images as PNG
files first; real pools list the files of an extracted dataset, sorted, so a slice of the list is
a reproducible image-level train/test split.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..atomic import atomic_path
from .embedded import load_embedded
from .images import write_png


def read_manifest(path: str | Path) -> list[Path]:
    lines = Path(path).read_text().splitlines()
    return [Path(line) for line in lines if line.strip()]


def _write_manifest(paths: list[Path], manifest: Path) -> None:
    with atomic_path(manifest) as tmp:
        tmp.write_text("".join(f"{path}\n" for path in paths))


def write_embedded_pool(specs: list[str], lfw_size: int, directory: Path, manifest: Path) -> None:
    """Write the images of ``specs`` as numbered PNGs into ``directory`` and list them."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in specs:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", spec).strip("-")
        for image in load_embedded(spec, lfw_size):
            path = directory / f"{len(paths):04d}_{slug}.png"
            write_png(path, image)
            paths.append(path)
    _write_manifest(paths, manifest)


def write_real_pool(root: Path, pattern: str, bounds: list | None, manifest: Path) -> None:
    """List ``root/pattern`` sorted, keep ``files[start:stop]`` when bounds are given."""
    paths = sorted(Path(root).glob(pattern))
    if bounds is not None:
        paths = paths[slice(*bounds)]
    if not paths:
        raise FileNotFoundError(f"no images match {pattern!r} under {root} (slice {bounds})")
    _write_manifest(paths, manifest)
