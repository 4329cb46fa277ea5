"""Maintainer tool for the course notebooks.

    python .ci/notebooks.py setup-cell     print the canonical first code cell
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


def setup_cell_source() -> str:
    url = repository_url()
    return (
        f"{SETUP_MARKER}, install the course helpers from the course repository; elsewhere they are installed already.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "git+{url}"], check=True)\n'
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
    elif source(cell) != setup_cell_source():
        found.append("setup cell differs from the canonical one: run `make sync-setup`")
    return found


def write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "setup-cell":
        print(setup_cell_source())
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
                cell["source"] = setup_cell_source()
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
