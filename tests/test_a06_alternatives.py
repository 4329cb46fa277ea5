"""a06_deployment: correct answers written another way (loops, manual KL, pydantic validators) keep full marks.

The nbgrader round trip (test_assignments.py) checks that wrong answers lose points; this file
checks the other direction, fast and in-process: the solution notebook's cells run in one
namespace with one answer cell replaced, and every graded test cell must pass.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from grading import ROOT, load, source
from wrong_answers.a06_deployment import ALTERNATIVE_ANSWERS, WRONG_ANSWERS

NOTEBOOK = ROOT / "solutions" / "a06_deployment" / "a06_deployment.ipynb"


def run_notebook(replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    """grade_id -> (points earned, points possible) for every graded test cell, run in-process."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    namespace: dict = {"__name__": "__main__"}
    results = {}
    for cell in load(NOTEBOOK)["cells"]:
        if cell["cell_type"] != "code":
            continue
        meta = cell["metadata"].get("nbgrader", {})
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                # dont_inherit: this file's `from __future__ import annotations` must not reach the cells
                # (FastAPI reads the learner's annotations at run time).
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec", dont_inherit=True), namespace)
            ok = True
        except Exception:  # noqa: BLE001 - a failing test cell scores 0, like nbgrader
            ok = False
        if meta.get("grade"):
            results[meta["grade_id"]] = (meta["points"] if ok else 0, meta["points"])
    return results


def lost(results: dict[str, tuple[float, float]]) -> dict[str, float]:
    return {gid: possible - earned for gid, (earned, possible) in results.items() if earned < possible}


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
