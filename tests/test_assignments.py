"""Grading round trip for every assignment in solutions/, with the course's sandboxed grader.

In one temporary copy of the course per assignment, `python -m grader autograde` (grader/README.md)
grades, in one parallel run:
- the instructor's solution: full marks;
- the untouched student version: zero;
- one wrong answer per answer cell (the first listed in tests/wrong_answers/<assignment>.py): loses
  points, in the cells the in-process probe check (test_wrong_answers_probes.py) says it loses;
and nbgrader's feedback (hidden tests not revealed) and CSV export work on what it wrote. Every
other wrong answer is judged by the same probes and comparison in-process, in
test_wrong_answers_probes.py: a sandbox costs about 3.5 s a submission, the in-process check
about a tenth of that.
Also: every autograded test cell has a probe in the assignment's grading_spec.py, and
exercises/ is exactly what `nbgrader generate_assignment` makes from solutions/.
"""

from __future__ import annotations

import csv
import filecmp
import html as html_lib

import pytest

from grader.core import probe_ids
from grader.notebook import test_cells as autograded_cells
from grading import (ROOT, assignments, cells_by_grade_id, grade, graded_cells_after, load, make_course, nbgrader,
                     probe_lost, scores, source, submit, wrong_answers)

# One xdist group per assignment (run with --dist loadgroup): each group is one grader run of all
# its submissions, two sandboxes at a time.
ASSIGNMENTS = [pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in assignments()]


def sandboxed_wrong_answers(assignment: str) -> dict[str, tuple[str, str]]:
    """The first wrong answer listed for each answer cell: these go through the sandbox end to end."""
    chosen: dict[str, tuple[str, str]] = {}
    for name, (grade_id, code) in wrong_answers(assignment).items():
        if all(gid != grade_id for gid, _ in chosen.values()):
            chosen[name] = (grade_id, code)
    return chosen


WRONG = [pytest.param(a, name, marks=pytest.mark.xdist_group(a)) for a in assignments()
         for name in sandboxed_wrong_answers(a)]
_graded: dict = {}


def graded(assignment: str, tmp_path_factory: pytest.TempPathFactory):
    """Grade the solution, the blank exercise and every wrong answer of ``assignment`` in one run; cache it."""
    if assignment not in _graded:
        course = make_course(tmp_path_factory.mktemp(f"course_{assignment}"), assignment)
        submit(course, assignment, "solution")
        submit(course, assignment, "blank", solve=False)
        for name, (grade_id, wrong_source) in sandboxed_wrong_answers(assignment).items():
            submit(course, assignment, f"wrong_{name}", replace={grade_id: wrong_source})
        run = grade(course, assignment)
        _graded[assignment] = (course, *scores(course, assignment), run.stdout)
    return _graded[assignment]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_a_probe(assignment):
    spec = ROOT / "solutions" / assignment / "grading_spec.py"
    assert spec.exists(), f"{spec.relative_to(ROOT)} is missing (see grader/README.md)"
    cells = {g for p in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")) for g in autograded_cells(load(p))}
    missing = cells - probe_ids(spec)
    assert not missing, f"autograded test cells without a probe in {spec.name} (they would go ungraded): {sorted(missing)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_match_generated(assignment, tmp_path):
    course = make_course(tmp_path, assignment)
    generated = course / "exercises" / assignment
    committed = ROOT / "exercises" / assignment
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in committed.iterdir()), f"exercises/{assignment} has other files than generated"
    assert "grading_spec.py" not in names, "the trusted grading spec must never be released"
    stale = [n for n in names if not filecmp.cmp(generated / n, committed / n, shallow=False)]
    assert not stale, f"exercises/{assignment}/{stale} differ from `nbgrader generate_assignment`: run `make exercises`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(assignment, tmp_path_factory):
    _, result, max_cells, log = graded(assignment, tmp_path_factory)
    score = result["solution"]
    assert score.max_total > 0
    assert score.total == score.max_total, f"solution lost points in {score.lost(max_cells)}\n{log}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_exercise_scores_zero(assignment, tmp_path_factory):
    _, result, _, _ = graded(assignment, tmp_path_factory)
    earned = {gid: pts for gid, pts in result["blank"].cells.items() if pts > 0}
    assert result["blank"].total == 0, f"the untouched exercise earns points in {earned}"


@pytest.mark.parametrize(("assignment", "wrong"), WRONG)
def test_wrong_answer_loses_points(assignment, wrong, tmp_path_factory):
    _, result, max_cells, _ = graded(assignment, tmp_path_factory)
    score = result[f"wrong_{wrong}"]
    assert score.total < score.max_total, f"wrong answer {wrong!r} kept full marks: the probes do not catch it"
    # The sandbox and the in-process probe check agree on where it loses points.
    grade_id, code = wrong_answers(assignment)[wrong]
    cells = graded_cells_after(assignment, grade_id)
    in_process = set(probe_lost(assignment, {grade_id: code}, only=cells))
    in_sandbox = {gid for gid, pts in score.cells.items() if gid in cells and pts < max_cells[gid]}
    assert in_sandbox == in_process, f"{wrong!r} loses {sorted(in_sandbox)} in the sandbox, {sorted(in_process)} in-process"
    print(f"{assignment}/{wrong}: {score.total:g}/{score.max_total:g}, lost {score.lost(max_cells)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_answer_cell_has_wrong_answers(assignment):
    nb_paths = sorted((ROOT / "solutions" / assignment).glob("*.ipynb"))
    answers = {gid for p in nb_paths for gid, c in cells_by_grade_id(load(p)).items()
               if c["metadata"]["nbgrader"].get("solution")}
    covered = {grade_id for grade_id, _ in wrong_answers(assignment).values()}
    assert answers - covered == set(), f"answer cells without wrong answers in tests/: {sorted(answers - covered)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_hides_hidden_tests_and_grades_export(assignment, tmp_path_factory):
    course, result, _, _ = graded(assignment, tmp_path_factory)
    student = next(s for s in result if s.startswith("wrong_"))
    nbgrader(course, "generate_feedback", assignment, "--student", student, "--force")
    html = "\n".join(p.read_text(encoding="utf-8") for p in (course / "feedback" / student / assignment).glob("*.html"))
    assert html, "no feedback HTML was written"
    hidden_lines = []
    for nb_path in (course / "solutions" / assignment).glob("*.ipynb"):
        for cell in load(nb_path)["cells"]:
            text = source(cell)
            if "### BEGIN HIDDEN TESTS" in text:
                region = text.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
                hidden_lines += [ln.strip() for ln in region.splitlines() if len(ln.strip()) > 30]
    assert hidden_lines, "no hidden tests found"
    text = html_lib.unescape(html)
    leaked = [ln for ln in hidden_lines if ln in text]
    assert not leaked, f"feedback reveals hidden test lines: {leaked[:3]}"
    assert "[grader]" in text, "feedback does not show the grader's verdicts"

    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == assignment]
    assert {r["student_id"] for r in rows} == set(result), "grades.csv does not list every submission"
    by_student = {r["student_id"]: float(r["score"]) for r in rows}
    assert by_student["solution"] == result["solution"].max_total
