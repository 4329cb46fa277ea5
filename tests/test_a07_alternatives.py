"""a07_beyond: correct answers written another way (loops, softplus, einsum) keep full marks.

The nbgrader round trip (test_assignments.py) checks that wrong answers lose points; this file
checks the other direction, fast and in-process, with the nbgrader tests and with the trusted
grader's probes (solutions/a07_beyond/grading_spec.py): the solution notebook's cells run in one
namespace with one answer cell replaced, and every graded test cell must pass.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from grading import ROOT, load, lost, run_in_process, source
from wrong_answers.a07_beyond import ALTERNATIVE_ANSWERS, WRONG_ANSWERS

ASSIGNMENT = "a07_beyond"
NOTEBOOK = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _test_cells_of(answer_id: str) -> set[str]:
    """grade_ids of the test cells that follow the answer cell ``answer_id`` (up to the next answer cell)."""
    found, current = set(), None
    for cell in load(NOTEBOOK)["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            current = meta["grade_id"]
        elif meta.get("grade") and current == answer_id:
            found.add(meta["grade_id"])
    return found


def run_notebook(replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Graded test cells run in-process; with ``replace``, only the test cells of the replaced answers run."""
    only = set().union(*(_test_cells_of(gid) for gid in replace)) if replace else None
    return run_in_process(NOTEBOOK, replace, only)


def test_solution_passes_in_process():
    assert lost(run_notebook({})) == {}


@pytest.mark.parametrize("name", sorted(ALTERNATIVE_ANSWERS))
def test_alternative_correct_answer_keeps_full_marks(name):
    grade_id, code = ALTERNATIVE_ANSWERS[name]
    assert lost(run_notebook({grade_id: code})) == {}, f"correct alternative {name!r} lost points"


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_wrong_answer_loses_points_in_process(name):
    grade_id, code = WRONG_ANSWERS[name]
    assert lost(run_notebook({grade_id: code})), f"wrong answer {name!r} keeps full marks"


# --- the same checks under the trusted grader's probes (grader/README.md), in-process -----------

def _probe_entries(assignment: str, replace: dict[str, str]) -> dict[str, list | str]:
    """grade_id -> flattened probe entries (or the exception name) for the solution with `replace` applied."""
    import importlib.util

    from grader import spec
    from grader.runner import flatten

    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    ns: dict = {"__name__": "__main__"}
    for cell in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or meta.get("grade"):
            continue  # the grader runs the learner's cells only, never the test cells
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec"), ns)
        except Exception:  # noqa: BLE001 - like the sandbox: a failing cell fails what depends on it
            pass
    spec.REGISTRY.clear()
    loader = importlib.util.spec_from_file_location("grading_spec", ROOT / "solutions" / assignment / "grading_spec.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    results: dict[str, list | str] = {}
    wanted = set().union(*(_test_cells_of(gid) for gid in replace)) if replace else None
    for grade_id, p in spec.REGISTRY.items():
        if wanted is not None and grade_id not in wanted:
            continue  # probes of unchanged answers: the solution's own entries stand
        entries: list = []
        arrays: dict = {}
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                flatten(p.func(ns), "", entries, arrays)
            results[grade_id] = [dict(e, values=[arrays[k] for k in e["arrays"]]) for e in entries]
        except Exception as exc:  # noqa: BLE001
            results[grade_id] = type(exc).__name__
    return results


_REFERENCE: dict[str, dict] = {}


def probe_lost(assignment: str, replace: dict[str, str]) -> list[str]:
    """grade_ids whose probe fails for the submission (solution with `replace`), judged against the solution."""
    from grader.compare import compare_entry

    if assignment not in _REFERENCE:
        _REFERENCE[assignment] = _probe_entries(assignment, {})
    ref = _REFERENCE[assignment]
    got = _probe_entries(assignment, replace) if replace else ref
    failed = []
    for grade_id, entries in ref.items():
        assert not isinstance(entries, str), f"the solution's probe {grade_id} raised {entries}"
        mine = got.get(grade_id, entries)
        if isinstance(mine, str) or mine is None:
            failed.append(grade_id)
            continue
        values = {e["name"]: e["values"] for e in mine}
        if not all(compare_entry(e, values.get(e["name"])) for e in entries):
            failed.append(grade_id)
    return failed


def test_every_test_cell_has_a_probe_and_the_solution_passes_them():
    assignment = ASSIGNMENT
    from grader.core import probe_ids

    cells = {c["metadata"]["nbgrader"]["grade_id"] for c in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")}
    assert cells <= probe_ids(ROOT / "solutions" / assignment / "grading_spec.py")
    assert probe_lost(assignment, {}) == []


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_wrong_answer_loses_points_under_the_grader_probes(name):
    grade_id, code = WRONG_ANSWERS[name]
    assert probe_lost(ASSIGNMENT, {grade_id: code}), f"wrong answer {name!r} keeps full marks under the probes"


@pytest.mark.parametrize("name", sorted(ALTERNATIVE_ANSWERS))
def test_alternative_correct_answer_keeps_full_marks_under_the_grader_probes(name):
    grade_id, code = ALTERNATIVE_ANSWERS[name]
    assert probe_lost(ASSIGNMENT, {grade_id: code}) == [], f"correct alternative {name!r} lost points under the probes"
