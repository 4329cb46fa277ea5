"""Every wrong answer of every assignment loses points under the trusted grader's probes, in-process.

The grader (grader/README.md) judges a submission only by its probes (``solutions/<a>/grading_spec.py``)
compared with the solution's. This file runs the same probes and the same comparison
(``grader.compare``) in this process for every wrong answer in ``tests/wrong_answers/``, on the
test cells of the answer it replaces: about a second each instead of a sandbox each.
``test_assignments.py`` grades the solution, the blank exercise and one wrong answer per answer
cell end to end, in the sandbox, and checks that the two ways agree on those.
"""

from __future__ import annotations

import pytest

from grading import assignments, probe_lost, graded_cells_after, wrong_answers

WRONG = [pytest.param(a, name, id=f"{a}-{name}") for a in assignments() for name in wrong_answers(a)]


@pytest.mark.parametrize(("assignment", "name"), WRONG)
def test_wrong_answer_loses_points_under_the_probes(assignment, name):
    grade_id, code = wrong_answers(assignment)[name]
    cells = graded_cells_after(assignment, grade_id)
    assert cells, f"{name!r} replaces {grade_id!r}, which is not an answer cell followed by graded tests"
    assert probe_lost(assignment, {grade_id: code}, only=cells), \
        f"wrong answer {assignment}/{name} keeps full marks under the probes of {sorted(cells)}"
