"""Trusted side: check a submitted notebook, pick the code to run, write the autograded copy.

Everything here runs in the instructor's process on untrusted bytes, so it parses defensively
and turns each way a file can be malformed into one clear line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 20 * 2**20  # a larger notebook is rejected unread
MAX_OUTPUT_BYTES = 2 * 2**20  # outputs beyond this are noted (they are never run or shown anyway)


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


class Rejected(Exception):
    """The submission cannot be graded; the message is the one-line verdict."""


def source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def nbgrader_meta(cell: dict) -> dict | None:
    meta = cell.get("metadata")
    if not isinstance(meta, dict):
        return None
    nbg = meta.get("nbgrader")
    return nbg if isinstance(nbg, dict) else None


def is_test_cell(meta: dict) -> bool:
    return bool(meta.get("grade")) and not meta.get("solution")


def load_notebook_bytes(data: bytes, name: str) -> dict:
    """Parse untrusted bytes into a v4 notebook dict, or raise Rejected with the reason."""
    if len(data) == 0:
        raise Rejected(f"{name} is an empty file")
    if len(data) > MAX_BYTES:
        raise Rejected(f"{name} is too large ({len(data) / 2**20:.1f} MiB > {MAX_BYTES // 2**20} MiB)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Rejected(f"{name} is not UTF-8 text (invalid byte at offset {err.start})") from None
    try:
        nb = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        where = f" at line {err.lineno}, column {err.colno}" if isinstance(err, json.JSONDecodeError) else ""
        raise Rejected(f"{name} is not valid JSON{where}") from None
    if not isinstance(nb, dict):
        raise Rejected(f"{name} is JSON but not a notebook")
    if nb.get("nbformat") != 4:
        raise Rejected(f"{name} has notebook format version {nb.get('nbformat')!r}; expected 4 "
                       "(save it with Jupyter 4+ or Colab)")
    if not isinstance(nb.get("cells"), list):
        raise Rejected(f"{name} is JSON but not a notebook (no list of cells)")
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source", ""), (str, list)):
            raise Rejected(f"{name}: cell {i} is not a valid notebook cell")
    return nb


@dataclass
class Checked:
    """A submission notebook that can be graded: code to run, autograded copy, notes."""

    name: str
    cells: list[str]  # code sources to run in order (test cells left out)
    autograded: dict  # the notebook to write to autograded/ (locked cells restored, outputs cleared)
    notes: list[str] = field(default_factory=list)


def check_notebook(data: bytes, name: str, source_nb: dict) -> Checked:
    """Validate one submitted notebook against the instructor's source version.

    Locked cells (imports, tests) get the source's text and metadata back, as nbgrader's
    OverwriteCells does; answer cells keep the learner's text. Test cells are not run: the
    probes grade them.
    """
    nb = load_notebook_bytes(data, name)
    src_cells = {}
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta and meta.get("grade_id"):
            src_cells[meta["grade_id"]] = cell
    seen: dict[str, int] = {}
    notes: list[str] = []
    out_bytes = 0
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id") if meta else None
        if gid is not None:
            seen[str(gid)] = seen.get(str(gid), 0) + 1
        for o in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
            out_bytes += len(json.dumps(o))
    dup = sorted(g for g, n in seen.items() if n > 1)
    if dup:
        raise Rejected(f"{name} has duplicated cells: {', '.join(dup)} (copy your answers into a fresh copy of the notebook)")
    missing = [g for g in src_cells if g not in seen]
    answers_missing = [g for g in missing if nbgrader_meta(src_cells[g]).get("solution")]
    if answers_missing:
        notes.append(f"missing answer cells: {_names(answers_missing)}")
    elif missing:
        notes.append(f"missing locked cells restored: {_names(missing)}")
    if out_bytes > MAX_OUTPUT_BYTES:
        notes.append(f"outputs of {out_bytes / 2**20:.1f} MiB dropped")
    unknown = sorted(str(g) for g in seen if g not in src_cells)
    if unknown:
        notes.append(f"unknown nbgrader cells ignored: {_names(unknown)}")

    cells: list[str] = []
    autograded_cells: list[dict] = []
    changed_meta: list[str] = []
    changed_type: list[str] = []
    placed: set[str] = set()

    def restore(gid: str) -> dict:
        src = src_cells[gid]
        placed.add(gid)
        return {"cell_type": src["cell_type"], "metadata": json.loads(json.dumps(src["metadata"])),
                "source": source(src), **({"outputs": [], "execution_count": None} if src["cell_type"] == "code" else {})}

    src_order = [g for g in src_cells]
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        gid = str(meta["grade_id"]) if meta and meta.get("grade_id") is not None else None
        if gid in src_cells:
            # Locked cells that the learner deleted earlier in the source order come back first.
            for g in src_order[:src_order.index(gid)]:
                if g in missing and g not in placed and not nbgrader_meta(src_cells[g]).get("solution"):
                    autograded_cells.append(restore(g))
                    if src_cells[g]["cell_type"] == "code" and not is_test_cell(nbgrader_meta(src_cells[g])):
                        cells.append(source(src_cells[g]))
            src_meta = nbgrader_meta(src_cells[gid])
            if {k: meta.get(k) for k in ("grade", "solution", "locked", "points")} != \
                    {k: src_meta.get(k) for k in ("grade", "solution", "locked", "points")}:
                changed_meta.append(gid)
            if src_meta.get("solution"):
                if cell.get("cell_type") != src_cells[gid]["cell_type"]:
                    changed_type.append(gid)
                new = restore(gid)
                new["source"] = source(cell)
                autograded_cells.append(new)
                if src_cells[gid]["cell_type"] == "code" and cell.get("cell_type") == "code":
                    cells.append(source(cell))
                continue
            new = restore(gid)
            if cell.get("cell_type") != src_cells[gid]["cell_type"]:
                changed_type.append(gid)
            autograded_cells.append(new)
            if new["cell_type"] == "code" and not is_test_cell(src_meta):
                cells.append(new["source"])
            continue
        # A cell of the learner's own: markdown is kept, code runs (helpers they wrote).
        ctype = cell.get("cell_type")
        if ctype == "code":
            cells.append(source(cell))
            autograded_cells.append({"cell_type": "code", "metadata": {}, "source": source(cell), "outputs": [],
                                     "execution_count": None})
        else:
            autograded_cells.append({"cell_type": ctype, "metadata": {}, "source": source(cell)})
    for g in src_order:  # locked cells deleted at the end come back at the end
        if g in missing and g not in placed and not nbgrader_meta(src_cells[g]).get("solution"):
            autograded_cells.append(restore(g))
    if changed_type:
        notes.append(f"changed cell types (answers in a non-code cell are not run): {_names(changed_type)}")
    if changed_meta:
        notes.append(f"changed nbgrader metadata restored: {_names(changed_meta)}")
    autograded = {"cells": autograded_cells, "metadata": source_nb.get("metadata", {}), "nbformat": 4,
                  "nbformat_minor": source_nb.get("nbformat_minor", 5)}
    return Checked(name, cells, autograded, notes)


def test_cells(nb: dict) -> dict[str, float]:
    """grade_id -> points of every autograded test cell of a (source) notebook."""
    out = {}
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta and is_test_cell(meta):
            out[meta["grade_id"]] = float(meta.get("points", 0))
    return out


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
