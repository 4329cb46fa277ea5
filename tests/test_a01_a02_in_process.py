"""a01_math and a02_numpy_nets, in-process: wrong answers to the derivation tasks lose points.

The solution notebook's cells run in one namespace with one answer cell replaced, and each graded
test cell scores its points or 0, as nbgrader would. (For every assignment: correct alternatives in
test_alternative_answers_probes.py; the grader's probes in test_wrong_answers_probes.py; the
sandboxed round trip in test_assignments.py.)
"""

from __future__ import annotations

import importlib

import pytest

from grading import ROOT, load, lost, probe_lost, run_in_process

ASSIGNMENTS = ("a01_math", "a02_numpy_nets")


def answers(assignment: str, kind: str) -> dict[str, tuple[str, str]]:
    return getattr(importlib.import_module(f"wrong_answers.{assignment}"), kind, {})


def run_notebook(assignment: str, replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    return run_in_process(ROOT / "solutions" / assignment / f"{assignment}.ipynb", replace)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_in_process(assignment):
    assert lost(run_notebook(assignment, {})) == {}


NEW_TASKS = {"a01_math": ("softmax_jacobian", "softmax_backward"),
             "a02_numpy_nets": ("batchnorm_forward", "batchnorm_backward")}


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n, (gid, _) in
                                             answers(a, "WRONG_ANSWERS").items() if gid in NEW_TASKS[a]])
def test_wrong_answer_to_a_derivation_task_loses_points_in_process(assignment, name):
    grade_id, code = answers(assignment, "WRONG_ANSWERS")[name]
    assert lost(run_notebook(assignment, {grade_id: code})), f"wrong answer {name!r} keeps full marks"


# --- the same checks under the trusted grader's probes (grader/README.md), in-process -----------
# (Wrong answers and these alternatives under the probes, for every assignment:
# test_wrong_answers_probes.py and test_alternative_answers_probes.py.)

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_a_probe_and_the_solution_passes_them(assignment):
    from grader.core import probe_ids

    cells = {c["metadata"]["nbgrader"]["grade_id"] for c in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")}
    assert cells <= probe_ids(ROOT / "solutions" / assignment / "grading_spec.py")
    assert probe_lost(assignment, {}) == []
