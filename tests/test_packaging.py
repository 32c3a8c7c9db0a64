"""Three descriptions of one install agree: pyproject.toml's compatible ranges (the library),
requirements.lock's exact versions (the pipeline's install, README and CI) and envs/ (the
rules' conda environment), and this environment is the locked one."""

import re
import tomllib
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

from conftest import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[\w.-]+==[\w.]+", pin) for pin in pins), "exact pins only"
    return {canonical(pin.split("==")[0]): pin.split("==")[1] for pin in pins}


def requirements(extra_test=True) -> list[Requirement]:
    listed = PROJECT["dependencies"] + (PROJECT["optional-dependencies"]["test"] * extra_test)
    return [Requirement(line) for line in listed]


def test_pyproject_ranges_hold_the_locked_versions():
    locked = lock()
    for requirement in requirements():
        name = canonical(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(locked[name]), (str(requirement), locked[name])
        # A range, not a pin, except for the formatters (another version formats differently).
        if name not in ("ruff", "snakefmt"):
            assert not str(requirement.specifier).startswith("=="), str(requirement)


def test_conda_env_pins_the_locked_versions_of_the_dependencies():
    env = yaml.safe_load((ROOT / "envs/slacking.yaml").read_text())
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    locked = lock()
    expected = [f"{r.name}=={locked[canonical(r.name)]}" for r in requirements(False)]
    assert sorted(pip) == sorted(expected)


def test_this_environment_is_the_locked_one():
    """CI installs with the lock as constraints: every locked package is installed at its
    version (a CPU build's local label, as in 2.13.0+cpu, aside)."""
    for name, version in lock().items():
        installed = Version(metadata.version(name))
        assert installed.public == version, (name, str(installed), version)


def test_install_commands_use_the_lock():
    command = 'pip install -c requirements.lock -e ".[test]"'
    assert command in (ROOT / "README.md").read_text()
    assert command in (ROOT / ".ci/run").read_text()
