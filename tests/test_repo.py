"""Repository-level contracts: pins agree with pyproject, notebooks are stripped, the book lists every chapter."""

from __future__ import annotations

import json
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
    # Root-level pages: the landing pages, the glossary and the build status page.
    pages |= {p.stem for p in ROOT.glob("*.md") if p.name != "README.md"}
    assert listed - pages == set(), f"_toc.yml lists missing files: {sorted(listed - pages)}"


def test_every_part_has_an_assignment():
    # The capstone (chapters/08_capstone) closes Part 7: its graded part, make_pipeline, is in a07_beyond.
    parts = sorted(p.name[:2] for p in (ROOT / "chapters").iterdir() if p.is_dir() and p.name != "08_capstone")
    assignments = sorted(p.name[1:3] for p in (ROOT / "solutions").iterdir() if p.is_dir())
    assert parts == assignments, f"parts {parts} vs assignments {assignments}"


def test_pins_script_runs_with_system_python():
    out = subprocess.run([sys.executable, str(ROOT / ".ci" / "pins.py")], capture_output=True, text=True, check=True)
    assert "torch==" in out.stdout


# Control characters (other than tab, newline, carriage return) are never intended in a source: a `"\a"` typed
# into a notebook's JSON becomes a BEL byte where `\approx` was meant, and MathJax shows "Math input error".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_sources() -> dict[str, str]:
    """Every notebook cell source and every Markdown file the repository ships, keyed by a readable location."""
    found = {}
    for path in notebooks.notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            found[f"{path.relative_to(ROOT)} cell {i}"] = notebooks.source(cell)
    skip = {".venv", "_build", ".git", "node_modules"}
    for path in ROOT.rglob("*.md"):
        if not skip.intersection(path.relative_to(ROOT).parts):
            found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return found


def test_no_control_characters_in_notebooks_or_markdown():
    sources = _text_sources()
    assert any(k.endswith(".md") for k in sources) and any(" cell " in k for k in sources)
    bad = {where: repr(text[max(m.start() - 20, 0):m.end() + 20])
           for where, text in sources.items() for m in [_CONTROL.search(text)] if m}
    assert not bad, f"control characters (a JSON escape such as \\a gone wrong?): {bad}"


_DROPDOWN_OPEN = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<kind>admonition|dropdown)\}", re.MULTILINE)
_CODE_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(python|py|ipython3?|\{code-cell\}|\{code-block\}\s*python)?\s*$",
                         re.MULTILINE)


def dropdown_code_solutions(markdown: str) -> list[str]:
    """The dropdown blocks of a Markdown text that contain a fenced code block (first line of each)."""
    found = []
    for match in _DROPDOWN_OPEN.finditer(markdown):
        fence = match.group("fence")
        rest = markdown[match.end():]
        close = re.search(rf"^{re.escape(fence)}\s*$", rest, re.MULTILINE)
        block = rest[:close.start()] if close else rest
        is_dropdown = match.group("kind") == "dropdown" or re.search(r"^:class:.*\bdropdown\b", block, re.MULTILINE)
        if is_dropdown and _CODE_FENCE.search(block):
            found.append(markdown[match.start():].splitlines()[0])
    return found


def test_dropdown_detector_finds_code_and_ignores_prose():
    with_code = ":::{admonition} Solution\n:class: dropdown\n\nText.\n\n```python\nprint(1)\n```\n:::\n"
    prose_only = ":::{admonition} Why\n:class: dropdown\n\nBecause $x > 0$.\n:::\n"
    not_dropdown = ":::{note}\n```python\nprint(1)\n```\n:::\n"
    assert dropdown_code_solutions(with_code) and not dropdown_code_solutions(prose_only)
    assert not dropdown_code_solutions(not_dropdown)


def test_chapter_exercise_solutions_are_executed_cells_not_dropdown_code():
    """Code in a folded markdown dropdown never runs, so it goes stale; solutions are `hide-input` code cells."""
    bad = {}
    for where, text in _text_sources().items():
        if where.startswith("chapters/") and (" cell " not in where or _is_markdown_cell(where)):
            if found := dropdown_code_solutions(text):
                bad[where] = found
    assert not bad, ("code solutions inside markdown dropdowns (make them code cells tagged hide-input whose "
                     f"first line is `# Solution to exercise N`): {bad}")


def _is_markdown_cell(where: str) -> bool:
    path, _, index = where.rpartition(" cell ")
    nb = json.loads((ROOT / path).read_text(encoding="utf-8"))
    return nb["cells"][int(index)]["cell_type"] == "markdown"


def test_solution_cells_follow_the_convention():
    """A code cell that opens with `# Solution to exercise N` is folded away (hide-input) and follows its exercise."""
    bad = []
    for path in (ROOT / "chapters").rglob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            match = re.match(r"# Solution to exercise (\d+)", notebooks.source(cell))
            if cell["cell_type"] != "code" or not match:
                continue
            if "hide-input" not in cell.get("metadata", {}).get("tags", []):
                bad.append(f"{path.relative_to(ROOT)} cell {i}: not tagged hide-input")
            before = "\n".join(notebooks.source(c) for c in cells[:i] if c["cell_type"] == "markdown")
            if not re.search(rf"\bExercise {match.group(1)}\b", before):
                bad.append(f"{path.relative_to(ROOT)} cell {i}: no 'Exercise {match.group(1)}' before it")
    assert not bad, bad
