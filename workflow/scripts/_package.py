"""Put the repository's src/ first on sys.path, so rule scripts import this checkout's package
in any environment (a plain venv, `--use-conda`, a Slurm node) whether or not it is installed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
