"""a07_beyond, in-process: wrong answers lose points under the notebook's own test cells.

The solution notebook's cells run in one namespace with one answer cell replaced, and only the
test cells after that answer run. (For every assignment: wrong answers under the grader's probes in
test_wrong_answers_probes.py; correct alternatives, such as loops, softplus or einsum, in
test_alternative_answers_probes.py; the sandboxed round trip in test_assignments.py.)
"""

from __future__ import annotations


import pytest

import grading
from grading import ROOT, load, lost, run_in_process
from wrong_answers.a07_beyond import WRONG_ANSWERS

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


@pytest.mark.parametrize("name", sorted(WRONG_ANSWERS))
def test_wrong_answer_loses_points_in_process(name):
    grade_id, code = WRONG_ANSWERS[name]
    assert lost(run_notebook({grade_id: code})), f"wrong answer {name!r} keeps full marks"


# --- the same checks under the trusted grader's probes (grader/README.md), in-process -----------

def test_every_test_cell_has_a_probe_and_the_solution_passes_them():
    assignment = ASSIGNMENT
    from grader.core import probe_ids

    cells = {c["metadata"]["nbgrader"]["grade_id"] for c in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")}
    assert cells <= probe_ids(ROOT / "solutions" / assignment / "grading_spec.py")
    assert grading.probe_lost(assignment, {}) == []
