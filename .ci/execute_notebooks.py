"""Execute notebooks with nbclient, report each one's wall time, and keep the executed copies.

    python .ci/execute_notebooks.py OUT_DIR NOTEBOOK [NOTEBOOK ...]

Used to run chapters on a GPU machine (where full-scale settings switch on) and to time them;
the printed text outputs of each notebook are written to OUT_DIR/<name>.txt.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def text_outputs(nb: nbformat.NotebookNode) -> str:
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                lines.append(out["text"])
            elif "data" in out and "text/plain" in out["data"] and "image/png" not in out["data"]:
                lines.append(out["data"]["text/plain"] + "\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    out_dir, paths = Path(argv[0]), [Path(p) for p in argv[1:]]
    out_dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
            status = "ok"
        except Exception as err:  # report and go on with the next notebook
            status, failed = f"FAILED: {type(err).__name__}: {str(err)[-800:]}", failed + 1
        seconds = time.perf_counter() - start
        (out_dir / f"{path.stem}.txt").write_text(text_outputs(nb))
        print(f"{seconds:7.1f} s  {path}  {status}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
