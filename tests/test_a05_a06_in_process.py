"""a05_sequences and a06_deployment, in-process: wrong answers lose points under the notebook's test cells.

The solution notebook's cells run in one namespace with one answer cell replaced, and a graded test
cell that raises scores 0, as under nbgrader. (For every assignment: correct alternatives, such as
loops, einsum, a manual softmax or KL, or pydantic validators, in test_alternative_answers_probes.py;
the grader's probes in test_wrong_answers_probes.py; the sandboxed round trip in test_assignments.py.)
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


@pytest.mark.parametrize("assignment, name, answer", answers("WRONG_ANSWERS"))
def test_wrong_answer_loses_points_in_process(assignment, name, answer):
    grade_id, code = answer
    assert lost(run_notebook(assignment, {grade_id: code})), f"wrong answer {name!r} keeps full marks"
