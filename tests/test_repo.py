"""Repository-level contracts: pins agree with pyproject, notebooks are stripped, the book lists every chapter."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))

import notebooks  # noqa: E402
import pins  # noqa: E402


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for group in project["optional-dependencies"].values() for r in group]
    # `dev` names the package's own extras (course-utils[part5,...]); those are not third-party pins.
    return [Requirement(r) for r in reqs if canonicalize_name(Requirement(r).name) != canonicalize_name(project["name"])]


def test_environment_pins_every_pyproject_dependency_within_its_range():
    pinned = {canonicalize_name(p.split("==")[0]): Version(p.split("==")[1])
              for p in pins.pins((ROOT / "environment.yml").read_text())}
    required = {canonicalize_name(r.name): r for r in _pyproject_requirements()}
    assert set(pinned) == set(required), (
        f"only in environment.yml: {sorted(set(pinned) - set(required))}; "
        f"only in pyproject.toml: {sorted(set(required) - set(pinned))}")
    outside = {n: f"{pinned[n]} not in {r.specifier}" for n, r in required.items() if pinned[n] not in r.specifier}
    assert not outside, f"environment.yml pins outside pyproject ranges: {outside}"


def test_environment_installs_the_course_package_and_python_matches():
    text = (ROOT / "environment.yml").read_text()
    assert "- -e .[dev]" in text
    python = re.search(r"- python=(\d+\.\d+)", text).group(1)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    from packaging.specifiers import SpecifierSet

    assert Version(python) in SpecifierSet(requires)


def test_notebooks_are_stripped_and_start_with_the_setup_cell():
    found = {str(p.relative_to(ROOT)): notebooks.problems(p) for p in notebooks.notebooks()}
    assert found, "no notebooks found"
    bad = {k: v for k, v in found.items() if v}
    assert not bad, f"notebook problems: {bad}"


def test_setup_cell_installs_from_the_repository_in_config():
    url = notebooks.repository_url()
    assert url.startswith("https://github.com/")
    assert f"git+{url}" in notebooks.setup_cell_source()


def test_toc_lists_every_chapter_and_exercise():
    toc = (ROOT / "_toc.yml").read_text()
    listed = set(re.findall(r"file:\s*(\S+)", toc))
    pages = {str(p.relative_to(ROOT).with_suffix("")) for d in ("chapters", "exercises")
             for p in (ROOT / d).rglob("*") if p.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in p.parts}
    assert pages - listed == set(), f"pages missing from _toc.yml: {sorted(pages - listed)}"
    assert listed - pages - {"intro"} == set(), f"_toc.yml lists missing files: {sorted(listed - pages - {'intro'})}"


def test_every_part_has_an_assignment():
    parts = sorted(p.name[:2] for p in (ROOT / "chapters").iterdir() if p.is_dir())
    assignments = sorted(p.name[1:3] for p in (ROOT / "solutions").iterdir() if p.is_dir())
    assert parts == assignments, f"parts {parts} vs assignments {assignments}"


def test_pins_script_runs_with_system_python():
    out = subprocess.run([sys.executable, str(ROOT / ".ci" / "pins.py")], capture_output=True, text=True, check=True)
    assert "torch==" in out.stdout
