"""Run the grading round trip in a throw-away copy of the course.

A course copy holds solutions/ and nbgrader_config.py; `nbgrader generate_assignment` makes the
student version, submissions are written to submitted/<student>/<assignment>/, the course's
sandboxed grader (`python -m grader autograde`, see grader/README.md) grades them all in one run,
and the gradebook is read back with nbgrader's API. `autograde` (plain nbgrader) stays for the
attack-corpus comparison and the benchmark.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"


def assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and not p.name.startswith("."))


def wrong_answers(assignment: str) -> dict[str, tuple[str, str]]:
    """name -> (answer cell grade_id, wrong source) from tests/wrong_answers/<assignment>.py."""
    module = importlib.import_module(f"wrong_answers.{assignment}")
    return module.WRONG_ANSWERS


def nbgrader(course: Path, *args: str, timeout: int = 1500) -> subprocess.CompletedProcess:
    """Run an nbgrader command in ``course``; nbgrader needs the venv's bin/ on PATH (alembic)."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("NBGRADER_DB_URL", None)  # always the throw-away SQLite gradebook of the copy
    result = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def autograde(course: Path, assignment: str) -> None:
    """``nbgrader autograde`` every submission; retry once the ones whose kernel failed to start.

    With two test workers, two kernels occasionally race for the same TCP port and one dies
    before it answers ("Kernel died before replying to kernel_info"). nbgrader then drops that
    submission's autograded copy, so a second run without --force grades exactly those.
    """
    try:
        nbgrader(course, "autograde", assignment, "--force")
    except RuntimeError as err:
        if "Kernel died before replying to kernel_info" not in str(err):
            raise
        nbgrader(course, "autograde", assignment)


def grade(course: Path, assignment: str, *extra: str, jobs: int = 2, timeout: int = 1500) -> subprocess.CompletedProcess:
    """Run the course's sandboxed grader (``python -m grader autograde``) in ``course``."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env.pop("NBGRADER_DB_URL", None)  # always the throw-away SQLite gradebook of the copy
    result = subprocess.run([sys.executable, "-m", "grader", "autograde", assignment, "--jobs", str(jobs), *extra],
                            cwd=course, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"grader {assignment} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def make_course(dest: Path, assignment: str) -> Path:
    """Copy the course's nbgrader source for one assignment and generate its student version."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / assignment, dest / "solutions" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader(dest, "generate_assignment", assignment, "--force")
    return dest


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def cells_by_grade_id(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c.get("metadata", {})}


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def solved_source(cell: dict) -> str:
    """An answer cell's solution as a learner would type it: the markers dropped."""
    lines = [ln for ln in source(cell).splitlines() if ln.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
    return "\n".join(lines)


def answer_ids(nb: dict) -> list[str]:
    return [gid for gid, c in cells_by_grade_id(nb).items() if c["metadata"]["nbgrader"].get("solution")]


def submit(course: Path, assignment: str, student: str, replace: dict[str, str] | None = None,
           solve: bool = True) -> None:
    """Write a submission: the released notebooks, answer cells solved (or left blank), some replaced.

    Args:
        replace: answer-cell grade_id -> source to put there instead (a wrong answer).
        solve: fill every other answer cell with the instructor's solution.
    """
    replace = dict(replace or {})
    release = course / "exercises" / assignment
    for nb_path in sorted(release.glob("*.ipynb")):
        nb = load(nb_path)
        solutions = cells_by_grade_id(load(course / "solutions" / assignment / nb_path.name))
        for gid, cell in cells_by_grade_id(nb).items():
            if gid in replace:
                cell["source"] = replace.pop(gid).strip("\n")
            elif solve and cell["metadata"]["nbgrader"].get("solution"):
                cell["source"] = solved_source(solutions[gid])
        out = course / "submitted" / student / assignment / nb_path.name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    if replace:
        raise KeyError(f"{assignment}: no answer cell with grade_id {sorted(replace)}")


@dataclass
class Score:
    total: float
    max_total: float
    cells: dict[str, float]  # test cell grade_id -> points earned

    def lost(self, max_cells: dict[str, float]) -> dict[str, float]:
        return {gid: max_cells[gid] - pts for gid, pts in self.cells.items() if pts < max_cells[gid]}


def scores(course: Path, assignment: str) -> tuple[dict[str, Score], dict[str, float]]:
    """Every student's score, and each test cell's maximum, from the copy's gradebook."""
    from nbgrader.api import Gradebook

    db_url = "sqlite:///" + str(course / "gradebook.db")
    result: dict[str, Score] = {}
    max_cells: dict[str, float] = {}
    with Gradebook(db_url) as gb:
        for sub in gb.assignment_submissions(assignment):
            cells = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    cells[grade.name] = grade.score
                    max_cells[grade.name] = grade.max_score
            result[sub.student.id] = Score(sub.score, sub.max_score, cells)
    return result, max_cells


def run_in_process(notebook: Path, replace: dict[str, str], only: set[str] | None = None) -> dict[str, tuple[float, float]]:
    """grade_id -> (points earned, points possible) for the graded test cells of ``notebook``, run in this process.

    The notebook's code cells run in one namespace, those named in ``replace`` swapped for other code; a
    test cell that raises scores 0, as under nbgrader. With ``only``, graded cells outside it are skipped.
    A fast check that correct alternatives keep full marks (the sandboxed round trip is the real grading).
    """
    import contextlib
    import io

    import torch

    torch.set_num_threads(1)
    namespace: dict = {"__name__": "__main__"}
    results = {}
    for cell in load(notebook)["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and only is not None and meta["grade_id"] not in only:
            continue
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                # dont_inherit: this module's `from __future__ import annotations` must not reach the cells
                # (FastAPI and pydantic read the learner's annotations at run time).
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec", dont_inherit=True), namespace)
            ok = True
        except Exception:  # noqa: BLE001 - a failing test cell scores 0, like nbgrader
            ok = False
        if meta.get("grade"):
            results[meta["grade_id"]] = (meta["points"] if ok else 0, meta["points"])
    return results


def lost(results: dict[str, tuple[float, float]]) -> dict[str, float]:
    """The points each graded cell lost, for the cells that lost any."""
    return {gid: possible - earned for gid, (earned, possible) in results.items() if earned < possible}


def probe_entries(assignment: str, replace: dict[str, str], only: set[str] | None = None) -> dict[str, list | str]:
    """grade_id -> flattened probe entries (or the exception name) for the solution with ``replace`` applied.

    The in-process twin of the sandboxed grader (grader/runner.py): the learner's cells run, never the
    test cells, then the assignment's probes. With ``only``, other probes are skipped.
    """
    import contextlib
    import importlib.util
    import io

    import torch

    from grader import spec
    from grader.runner import flatten

    torch.set_num_threads(1)
    ns: dict = {"__name__": "__main__"}
    for cell in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or meta.get("grade"):
            continue  # the grader runs the learner's cells only, never the test cells
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec", dont_inherit=True), ns)
        except Exception:  # noqa: BLE001 - like the sandbox: a failing cell fails what depends on it
            pass
    spec.REGISTRY.clear()
    loader = importlib.util.spec_from_file_location("grading_spec", ROOT / "solutions" / assignment / "grading_spec.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    results: dict[str, list | str] = {}
    for grade_id, p in spec.REGISTRY.items():
        if only is not None and grade_id not in only:
            continue
        entries: list = []
        arrays: dict = {}
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                flatten(p.func(ns), "", entries, arrays)
            results[grade_id] = [dict(e, values=[arrays[k] for k in e["arrays"]]) for e in entries]
        except Exception as exc:  # noqa: BLE001
            results[grade_id] = type(exc).__name__
    return results


def graded_cells_after(assignment: str, answer_id: str) -> set[str]:
    """grade_ids of the graded test cells after the answer cell ``answer_id``, up to the next answer cell.

    Answer cells that follow each other (``quantize`` then ``dequantize``) share the tests after them.
    """
    found, group, tests_seen = set(), set(), False
    for cell in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            group, tests_seen = (group if not tests_seen else set()) | {meta["grade_id"]}, False
        elif meta.get("grade"):
            tests_seen = True
            if answer_id in group:
                found.add(meta["grade_id"])
    return found


_PROBE_REFERENCE: dict[str, dict] = {}


def probe_lost(assignment: str, replace: dict[str, str], only: set[str] | None = None) -> list[str]:
    """grade_ids whose probe fails for the submission (solution with ``replace``), judged against the solution.

    Probes skipped through ``only`` keep the solution's own entries (their answers are unchanged).
    """
    from grader.compare import compare_entry

    if assignment not in _PROBE_REFERENCE:
        _PROBE_REFERENCE[assignment] = probe_entries(assignment, {})
    ref = _PROBE_REFERENCE[assignment]
    got = probe_entries(assignment, replace, only) if replace else ref
    failed = []
    for grade_id, entries in ref.items():
        assert not isinstance(entries, str), f"the solution's probe {grade_id} raised {entries}"
        mine = got.get(grade_id, entries)
        if isinstance(mine, str):
            failed.append(grade_id)
            continue
        values = {e["name"]: e["values"] for e in mine}
        if not all(compare_entry(e, values.get(e["name"])) for e in entries):
            failed.append(grade_id)
    return failed
