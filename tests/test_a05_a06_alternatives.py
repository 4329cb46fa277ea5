"""a05_sequences and a06_deployment, in-process: correct answers written another way keep full marks.

(Loops, einsum, a manual softmax or KL, pydantic validators.) The sandboxed round trip
(test_assignments.py) is the authority on grading; this file is the fast companion: the solution
notebook's cells run in one namespace with one answer cell replaced, and every graded test cell
must pass for an alternative, while every wrong answer must lose points.
"""

from __future__ import annotations

import importlib

import pytest

from grading import ROOT, lost, run_in_process

ASSIGNMENTS = ("a05_sequences", "a06_deployment")


def answers(kind: str) -> list:
    return [pytest.param(a, name, code, id=f"{a}-{name}") for a in ASSIGNMENTS
            for name, code in sorted(getattr(importlib.import_module(f"wrong_answers.{a}"), kind).items())]


def run_notebook(assignment: str, replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    return run_in_process(ROOT / "solutions" / assignment / f"{assignment}.ipynb", replace)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_in_process(assignment):
    assert lost(run_notebook(assignment, {})) == {}


@pytest.mark.parametrize("assignment, name, answer", answers("ALTERNATIVE_ANSWERS"))
def test_alternative_correct_answer_keeps_full_marks(assignment, name, answer):
    grade_id, code = answer
    assert lost(run_notebook(assignment, {grade_id: code})) == {}, f"correct alternative {name!r} lost points"


@pytest.mark.parametrize("assignment, name, answer", answers("WRONG_ANSWERS"))
def test_wrong_answer_loses_points_in_process(assignment, name, answer):
    grade_id, code = answer
    assert lost(run_notebook(assignment, {grade_id: code})), f"wrong answer {name!r} keeps full marks"
