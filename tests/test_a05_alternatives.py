"""a05_sequences: correct answers written another way (loops, einsum, manual softmax) keep full marks.

The nbgrader round trip (test_assignments.py) checks that wrong answers lose points; this file
checks the other direction, fast and in-process: the solution notebook's cells run in one
namespace with one answer cell replaced, and every graded test cell must pass.
"""

from __future__ import annotations

import pytest

from grading import ROOT, lost, run_in_process
from wrong_answers.a05_sequences import ALTERNATIVE_ANSWERS, WRONG_ANSWERS

NOTEBOOK = ROOT / "solutions" / "a05_sequences" / "a05_sequences.ipynb"


def run_notebook(replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    return run_in_process(NOTEBOOK, replace)


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
