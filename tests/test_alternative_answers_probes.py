"""Correct answers written another way keep full marks, in-process, for every assignment.

``tests/wrong_answers/<a>.py`` lists ``ALTERNATIVE_ANSWERS`` (loops instead of vectorized code, einsum,
another optimizer, other module layouts). Each one, swapped into the solution, must pass
- the trusted grader's probes and comparison (``grader.compare``), all of them, since an alternative
  must not break the cells that use it later either: that is what grades;
- the notebook's own visible and hidden test cells after the answer: that is what the learner sees.
"""

from __future__ import annotations

import importlib

import pytest

from grading import ROOT, assignments, graded_cells_after, lost, probe_lost, run_in_process


def alternatives(assignment: str) -> dict[str, tuple[str, str]]:
    return getattr(importlib.import_module(f"wrong_answers.{assignment}"), "ALTERNATIVE_ANSWERS", {})


ALTERNATIVES = [pytest.param(a, name, id=f"{a}-{name}") for a in assignments() for name in alternatives(a)]


@pytest.mark.parametrize("assignment", assignments())
def test_every_assignment_lists_correct_alternatives(assignment):
    assert len(alternatives(assignment)) >= 3, f"tests/wrong_answers/{assignment}.py lists too few ALTERNATIVE_ANSWERS"


@pytest.mark.parametrize(("assignment", "name"), ALTERNATIVES)
def test_alternative_keeps_full_marks_under_the_probes(assignment, name):
    grade_id, code = alternatives(assignment)[name]
    assert probe_lost(assignment, {grade_id: code}) == [], f"correct alternative {assignment}/{name} loses points"


@pytest.mark.parametrize(("assignment", "name"), ALTERNATIVES)
def test_alternative_passes_the_notebooks_own_test_cells(assignment, name):
    """What the learner sees: the visible and hidden test cells after the answer pass too."""
    grade_id, code = alternatives(assignment)[name]
    notebook = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    results = run_in_process(notebook, {grade_id: code}, only=graded_cells_after(assignment, grade_id))
    assert lost(results) == {}, f"correct alternative {assignment}/{name} fails test cells {sorted(lost(results))}"
