"""Colab learners: installing the course must leave Colab's own packages exactly as they are.

`.ci/colab/constraints-*.txt` is Colab's published `pip freeze` (googlecolab/backend-info). The test
builds an environment that looks installed to pip (one metadata stub per Colab package), asks pip
for a dry-run install of the course with every part's extra, and fails if pip would install,
upgrade or downgrade any package Colab already has. It needs the package index, as `make install` does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = sorted((ROOT / ".ci" / "colab").glob("constraints-*.txt"))[-1]


def colab_packages() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_file_is_dated_and_names_its_source():
    assert re.fullmatch(r"constraints-\d{4}-\d{2}-\d{2}\.txt", CONSTRAINTS.name)
    header = CONSTRAINTS.read_text(encoding="utf-8")
    assert "googlecolab/backend-info" in header and "pip-freeze" in header
    pins = colab_packages()
    assert pins["ipywidgets"] == "7.7.1" and pins["torch"].startswith("2.")


def test_pyproject_ranges_admit_colab_versions():
    """Every course dependency Colab preinstalls is already in range: pip has no reason to touch it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    reqs = project["dependencies"] + [r for name in extras if name.startswith("part") for r in extras[name]]
    pins = colab_packages()
    outside = {}
    for req in map(Requirement, reqs):
        have = pins.get(canonicalize_name(req.name))
        if have is not None and Version(have) not in req.specifier:
            outside[req.name] = f"Colab has {have}, pyproject wants {req.specifier}"
    assert not outside, f"installing the course would replace Colab packages: {outside}"


@pytest.fixture(scope="module")
def colab_like_env(tmp_path_factory) -> Path:
    """A venv whose site-packages holds one metadata stub per Colab package (pip sees them installed)."""
    venv = tmp_path_factory.mktemp("colab") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    for name, version in colab_packages().items():
        info = site / f"{re.sub(r'[-.]+', '_', name)}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "INSTALLER").write_text("colab-freeze\n")
        (info / "RECORD").write_text("")
    return venv


def test_dry_run_install_changes_no_colab_package(colab_like_env, tmp_path):
    extras = ",".join(n for n in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
                      ["optional-dependencies"] if n.startswith("part"))
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(colab_like_env / "bin" / "python"), "install", "--dry-run",
         "--quiet", "--report", str(report), f"{ROOT}[{extras}]"],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"pip could not resolve the course against Colab's packages:\n{proc.stderr[-3000:]}"
    pins = colab_packages()
    would = {canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"]
             for i in json.loads(report.read_text())["install"]}
    changed = {n: f"{pins[n]} -> {v}" for n, v in would.items() if n in pins}
    assert not changed, f"pip would replace Colab's packages: {changed}"
    assert "course-utils" in would  # the dry run did resolve the course itself
    print(f"Colab dry run: installs {len(would)} new packages, changes 0 of {len(pins)} Colab packages: "
          + ", ".join(sorted(would)))
