"""Maintainer tool for the course notebooks.

    python .ci/notebooks.py setup-cell [NB] print the canonical first code cell (of notebook NB)
    python .ci/notebooks.py sync           rewrite every notebook's setup cell from _config.yml
    python .ci/notebooks.py strip [FILES]  remove outputs, execution counts and volatile metadata
    python .ci/notebooks.py check          exit 1 if a notebook is unstripped or its setup cell is stale

The repository address lives in one place, `repository.url` in _config.yml; on Colab the
setup cell installs course_utils from there.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("chapters", "solutions", "exercises")
SETUP_MARKER = "# Setup: on Colab"
# Metadata a notebook may keep; everything else (widgets state, Colab ids, ...) is volatile.
KEEP_NB_METADATA = ("kernelspec", "language_info")
KEEP_CELL_METADATA = ("tags", "nbgrader", "deletable", "editable")


def repository_url() -> str:
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^repository:\s*\n((?:[ \t]+.*\n)+)", text, re.M)
    match = block and re.search(r"^\s+url:\s*(\S+)", block.group(1), re.M)
    if not match:
        raise SystemExit("_config.yml: no repository.url found")
    return match.group(1).strip("'\"")


def part_extra(path: Path | None) -> str | None:
    """The pyproject extra (``part5``...) a notebook's folder needs, or None for the core alone.

    ``chapters/05_sequences/x.ipynb`` and ``solutions/a05_sequences/x.ipynb`` both map to ``part5``.
    """
    if path is None:
        return None
    match = re.match(r"a?0*(\d+)_", path.parent.name)
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    name = match and f"part{int(match.group(1))}"
    return name if name in extras else None


def setup_cell_source(path: Path | None = None) -> str:
    url = repository_url()
    extra = part_extra(path)
    spec = f'f"course-utils[{extra}] @ {{url}}"' if extra else "url"
    return (
        f"{SETUP_MARKER}, install the course helpers; elsewhere they are installed already.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    url = "git+{url}"\n'
        '    pip = [sys.executable, "-m", "pip", "install", "-q"]\n'
        f"    subprocess.run([*pip, {spec}], check=True)\n"
        "\n"
        "from course_utils import env\n"
        "\n"
        "device = env.setup()"
    )


def notebooks() -> list[Path]:
    found = []
    for folder in NOTEBOOK_DIRS:
        found += sorted(p for p in (ROOT / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return found


def first_code_cell(nb: dict) -> dict | None:
    return next((c for c in nb["cells"] if c["cell_type"] == "code"), None)


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def strip(nb: dict) -> dict:
    nb["metadata"] = {k: v for k, v in nb.get("metadata", {}).items() if k in KEEP_NB_METADATA}
    for cell in nb["cells"]:
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def problems(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    if json.dumps(strip(json.loads(json.dumps(nb))), sort_keys=True) != json.dumps(nb, sort_keys=True):
        found.append("not stripped (outputs, execution counts or volatile metadata): run `make strip`")
    cell = first_code_cell(nb)
    if cell is None or not source(cell).startswith(SETUP_MARKER):
        found.append("first code cell is not the setup cell")
    elif source(cell) != setup_cell_source(path):
        found.append("setup cell differs from the canonical one: run `make sync-setup`")
    return found


def write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "setup-cell":
        print(setup_cell_source(Path(argv[1]).resolve() if len(argv) > 1 else None))
        return 0
    if cmd == "strip":
        for path in [Path(a) for a in argv[1:]] or notebooks():
            write(path, strip(json.loads(path.read_text(encoding="utf-8"))))
        return 0
    if cmd == "sync":
        for path in notebooks():
            if path.is_relative_to(ROOT / "exercises"):
                continue  # generated from solutions/ by `make exercises`
            nb = json.loads(path.read_text(encoding="utf-8"))
            cell = first_code_cell(nb)
            if cell is not None and source(cell).startswith(SETUP_MARKER):
                cell["source"] = setup_cell_source(path).splitlines(keepends=True)
                write(path, nb)
        return 0
    if cmd == "check":
        bad = {p: problems(p) for p in notebooks()}
        bad = {p: v for p, v in bad.items() if v}
        for path, msgs in bad.items():
            for msg in msgs:
                print(f"{path.relative_to(ROOT)}: {msg}")
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
