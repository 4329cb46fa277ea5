"""nbgrader round trip for every assignment in solutions/.

In temporary copies of the course (one per shard of submissions, see SHARD_SIZE):
- the instructor's solution scores full marks;
- the untouched student version scores zero;
- every wrong answer in tests/wrong_answers/<assignment>.py loses points;
- feedback does not reveal hidden tests, and grades export to CSV.
Also: exercises/ is exactly what `nbgrader generate_assignment` makes from solutions/.
"""

from __future__ import annotations

import csv
import filecmp

import pytest

from grading import (ROOT, assignments, autograde, cells_by_grade_id, load, make_course, nbgrader, scores, source,
                     submit, wrong_answers)

# Submissions are autograded in shards of SHARD_SIZE, one nbgrader run per shard in its own course
# copy. Each shard is an xdist group (run with --dist loadgroup), so the ~100 autograded notebooks
# spread evenly over the CI machine's two cores; shard 0 also holds the solution and the blank.
SHARD_SIZE = 12


def _shards(assignment: str) -> list[list[str]]:
    names = list(wrong_answers(assignment))
    return [names[i:i + SHARD_SIZE] for i in range(0, len(names), SHARD_SIZE)] or [[]]


def _shard_of(assignment: str, wrong: str) -> int:
    return next(k for k, names in enumerate(_shards(assignment)) if wrong in names)


ASSIGNMENTS = [pytest.param(a, marks=pytest.mark.xdist_group(f"{a}-0")) for a in assignments()]
WRONG = [pytest.param(a, name, marks=pytest.mark.xdist_group(f"{a}-{_shard_of(a, name)}"))
         for a in assignments() for name in wrong_answers(a)]
_graded: dict = {}


def graded(assignment: str, tmp_path_factory: pytest.TempPathFactory, shard: int = 0):
    """Autograde one shard of ``assignment``'s submissions in one nbgrader run; cache the result.

    Shard 0 holds the solution and the untouched exercise; every shard holds up to SHARD_SIZE
    wrong answers, each the solution with one answer cell replaced.
    """
    key = (assignment, shard)
    if key not in _graded:
        course = make_course(tmp_path_factory.mktemp(f"course_{assignment}_{shard}"), assignment)
        if shard == 0:
            submit(course, assignment, "solution")
            submit(course, assignment, "blank", solve=False)
        answers = wrong_answers(assignment)
        for name in _shards(assignment)[shard]:
            grade_id, wrong_source = answers[name]
            submit(course, assignment, f"wrong_{name}", replace={grade_id: wrong_source})
        autograde(course, assignment)
        _graded[key] = (course, *scores(course, assignment))
    return _graded[key]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_exercises_match_generated(assignment, tmp_path):
    course = make_course(tmp_path, assignment)
    generated = course / "exercises" / assignment
    committed = ROOT / "exercises" / assignment
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in committed.iterdir()), f"exercises/{assignment} has other files than generated"
    stale = [n for n in names if not filecmp.cmp(generated / n, committed / n, shallow=False)]
    assert not stale, f"exercises/{assignment}/{stale} differ from `nbgrader generate_assignment`: run `make exercises`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(assignment, tmp_path_factory):
    _, result, max_cells = graded(assignment, tmp_path_factory)
    score = result["solution"]
    assert score.max_total > 0
    assert score.total == score.max_total, f"solution lost points in {score.lost(max_cells)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_exercise_scores_zero(assignment, tmp_path_factory):
    _, result, _ = graded(assignment, tmp_path_factory)
    earned = {gid: pts for gid, pts in result["blank"].cells.items() if pts > 0}
    assert result["blank"].total == 0, f"the untouched exercise earns points in {earned}"


@pytest.mark.parametrize(("assignment", "wrong"), WRONG)
def test_wrong_answer_loses_points(assignment, wrong, tmp_path_factory):
    _, result, max_cells = graded(assignment, tmp_path_factory, _shard_of(assignment, wrong))
    score = result[f"wrong_{wrong}"]
    assert score.total < score.max_total, f"wrong answer {wrong!r} kept full marks: the tests do not catch it"
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
    course, result, _ = graded(assignment, tmp_path_factory)
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
    import html as html_lib

    text = html_lib.unescape(html)
    leaked = [ln for ln in hidden_lines if ln in text]
    assert not leaked, f"feedback reveals hidden test lines: {leaked[:3]}"

    nbgrader(course, "export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == assignment]
    assert {r["student_id"] for r in rows} == set(result), "grades.csv does not list every submission"
    by_student = {r["student_id"]: float(r["score"]) for r in rows}
    assert by_student["solution"] == result["solution"].max_total
