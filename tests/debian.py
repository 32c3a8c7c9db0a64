"""Installing the Debian packages a marked test needs (Slurm, Chromium) when they are missing."""

import os
import subprocess


def ensure_packages(packages: tuple[str, ...], present: bool) -> None:
    """apt-get install ``packages`` unless ``present``; needs root, says so otherwise."""
    if present:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"{', '.join(packages)} missing, and installing them needs root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)
