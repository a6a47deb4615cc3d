"""The conda environment, the pip pins and the lock file must agree."""

import re
import tomllib

import yaml

from helpers.config import PROJ_ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for deps in project["optional-dependencies"].values() for d in deps]
    pins = {}
    for spec in specs:
        name, sep, version = spec.partition("==")
        assert sep, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[_norm(name)] = version
    return pins


def conda_pins() -> tuple[str, dict[str, str]]:
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    pins, python = {}, None
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                name, sep, version = spec.partition("==")
                if sep:
                    pins[_norm(name)] = version
        elif dep.startswith("python="):
            python = dep.split("=", 1)[1]
        elif "=" in dep:
            name, version = dep.split("=", 1)
            pins[_norm(name)] = version
    return python, pins


def test_environment_yml_matches_pyproject_pins():
    python, pins = conda_pins()
    assert python == "3.11"
    assert pins == pyproject_pins()


def test_lock_file_agrees_with_direct_pins():
    lock = {}
    for line in (PROJ_ROOT / "requirements-lock.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep:
            lock[_norm(name)] = version
    drift = {n: (v, lock.get(n)) for n, v in pyproject_pins().items() if lock.get(n) != v}
    assert not drift, f"pyproject pin vs requirements-lock.txt: {drift}"
