"""a07_beyond: correct answers written another way (loops, softplus, einsum) keep full marks.

(Wrong answers under the grader's probes: test_wrong_answers_probes.py, for every assignment.)

The nbgrader round trip (test_assignments.py) checks that wrong answers lose points; this file
checks the other direction, fast and in-process, with the nbgrader tests and with the trusted
grader's probes (solutions/a07_beyond/grading_spec.py): the solution notebook's cells run in one
namespace with one answer cell replaced, and every graded test cell must pass.
"""

from __future__ import annotations


import pytest

import grading
from grading import ROOT, load, lost, run_in_process
from wrong_answers.a07_beyond import ALTERNATIVE_ANSWERS, WRONG_ANSWERS

ASSIGNMENT = "a07_beyond"
NOTEBOOK = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _test_cells_of(answer_id: str) -> set[str]:
    return grading.graded_cells_after(ASSIGNMENT, answer_id)


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

def probe_lost(assignment: str, replace: dict[str, str]) -> list[str]:
    """Only the probes of the replaced answers run; the others keep the solution's entries."""
    only = set().union(*(_test_cells_of(gid) for gid in replace)) if replace else None
    return grading.probe_lost(assignment, replace, only)


def test_every_test_cell_has_a_probe_and_the_solution_passes_them():
    assignment = ASSIGNMENT
    from grader.core import probe_ids

    cells = {c["metadata"]["nbgrader"]["grade_id"] for c in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")}
    assert cells <= probe_ids(ROOT / "solutions" / assignment / "grading_spec.py")
    assert probe_lost(assignment, {}) == []


@pytest.mark.parametrize("name", sorted(ALTERNATIVE_ANSWERS))
def test_alternative_correct_answer_keeps_full_marks_under_the_grader_probes(name):
    grade_id, code = ALTERNATIVE_ANSWERS[name]
    assert probe_lost(ASSIGNMENT, {grade_id: code}) == [], f"correct alternative {name!r} lost points under the probes"
