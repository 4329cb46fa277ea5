"""a01_math and a02_numpy_nets, in-process: wrong answers lose points, correct answers written another way do not.

The nbgrader round trip (test_assignments.py) is the authority on grading; this file is the fast
companion (seconds, no nbgrader): the solution notebook's cells run in one namespace with one
answer cell replaced, and each graded test cell scores its points or 0, as nbgrader would.
"""

from __future__ import annotations

import contextlib
import importlib
import io

import pytest

from grading import ROOT, load, source

ASSIGNMENTS = ("a01_math", "a02_numpy_nets")


def answers(assignment: str, kind: str) -> dict[str, tuple[str, str]]:
    return getattr(importlib.import_module(f"wrong_answers.{assignment}"), kind, {})


def run_notebook(assignment: str, replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    """grade_id -> (points earned, points possible) for every graded test cell, run in-process."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    namespace: dict = {"__name__": "__main__"}
    results = {}
    for cell in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell["metadata"].get("nbgrader", {})
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec"), namespace)
            ok = True
        except Exception:  # noqa: BLE001 - a failing test cell scores 0, like nbgrader
            ok = False
        if meta.get("grade"):
            results[meta["grade_id"]] = (meta["points"] if ok else 0, meta["points"])
    return results


def lost(results: dict[str, tuple[float, float]]) -> dict[str, float]:
    return {gid: possible - earned for gid, (earned, possible) in results.items() if earned < possible}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_in_process(assignment):
    assert lost(run_notebook(assignment, {})) == {}


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n in answers(a, "ALTERNATIVE_ANSWERS")])
def test_alternative_correct_answer_keeps_full_marks(assignment, name):
    grade_id, code = answers(assignment, "ALTERNATIVE_ANSWERS")[name]
    assert lost(run_notebook(assignment, {grade_id: code})) == {}, f"correct alternative {name!r} lost points"


NEW_TASKS = {"a01_math": ("softmax_jacobian", "softmax_backward"),
             "a02_numpy_nets": ("batchnorm_forward", "batchnorm_backward")}


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n, (gid, _) in
                                             answers(a, "WRONG_ANSWERS").items() if gid in NEW_TASKS[a]])
def test_wrong_answer_to_a_derivation_task_loses_points_in_process(assignment, name):
    grade_id, code = answers(assignment, "WRONG_ANSWERS")[name]
    assert lost(run_notebook(assignment, {grade_id: code})), f"wrong answer {name!r} keeps full marks"
