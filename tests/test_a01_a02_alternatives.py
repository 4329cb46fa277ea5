"""a01_math and a02_numpy_nets, in-process: wrong answers lose points, correct answers written another way do not.

The nbgrader round trip (test_assignments.py) is the authority on grading; this file is the fast
companion (seconds, no nbgrader): the solution notebook's cells run in one namespace with one
answer cell replaced, and each graded test cell scores its points or 0, as nbgrader would.
"""

from __future__ import annotations

import contextlib
import importlib
import io

import pytest

from grading import ROOT, load, lost, run_in_process, source

ASSIGNMENTS = ("a01_math", "a02_numpy_nets")


def answers(assignment: str, kind: str) -> dict[str, tuple[str, str]]:
    return getattr(importlib.import_module(f"wrong_answers.{assignment}"), kind, {})


def run_notebook(assignment: str, replace: dict[str, str]) -> dict[str, tuple[float, float]]:
    return run_in_process(ROOT / "solutions" / assignment / f"{assignment}.ipynb", replace)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_in_process(assignment):
    assert lost(run_notebook(assignment, {})) == {}


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n in answers(a, "ALTERNATIVE_ANSWERS")])
def test_alternative_correct_answer_keeps_full_marks(assignment, name):
    grade_id, code = answers(assignment, "ALTERNATIVE_ANSWERS")[name]
    assert lost(run_notebook(assignment, {grade_id: code})) == {}, f"correct alternative {name!r} lost points"


NEW_TASKS = {"a01_math": ("softmax_jacobian", "softmax_backward"),
             "a02_numpy_nets": ("batchnorm_forward", "batchnorm_backward")}


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n, (gid, _) in
                                             answers(a, "WRONG_ANSWERS").items() if gid in NEW_TASKS[a]])
def test_wrong_answer_to_a_derivation_task_loses_points_in_process(assignment, name):
    grade_id, code = answers(assignment, "WRONG_ANSWERS")[name]
    assert lost(run_notebook(assignment, {grade_id: code})), f"wrong answer {name!r} keeps full marks"


# --- the same checks under the trusted grader's probes (grader/README.md), in-process -----------

def _probe_entries(assignment: str, replace: dict[str, str]) -> dict[str, list | str]:
    """grade_id -> flattened probe entries (or the exception name) for the solution with `replace` applied."""
    import importlib.util

    from grader import spec
    from grader.runner import flatten

    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    ns: dict = {"__name__": "__main__"}
    for cell in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or meta.get("grade"):
            continue  # the grader runs the learner's cells only, never the test cells
        code = replace.get(meta.get("grade_id"), source(cell))
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(code, f"<{meta.get('grade_id', 'cell')}>", "exec"), ns)
        except Exception:  # noqa: BLE001 - like the sandbox: a failing cell fails what depends on it
            pass
    spec.REGISTRY.clear()
    loader = importlib.util.spec_from_file_location("grading_spec", ROOT / "solutions" / assignment / "grading_spec.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    results: dict[str, list | str] = {}
    for grade_id, p in spec.REGISTRY.items():
        entries: list = []
        arrays: dict = {}
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                flatten(p.func(ns), "", entries, arrays)
            results[grade_id] = [dict(e, values=[arrays[k] for k in e["arrays"]]) for e in entries]
        except Exception as exc:  # noqa: BLE001
            results[grade_id] = type(exc).__name__
    return results


_REFERENCE: dict[str, dict] = {}


def probe_lost(assignment: str, replace: dict[str, str]) -> list[str]:
    """grade_ids whose probe fails for the submission (solution with `replace`), judged against the solution."""
    from grader.compare import compare_entry

    if assignment not in _REFERENCE:
        _REFERENCE[assignment] = _probe_entries(assignment, {})
    ref = _REFERENCE[assignment]
    got = _probe_entries(assignment, replace) if replace else ref
    failed = []
    for grade_id, entries in ref.items():
        assert not isinstance(entries, str), f"the solution's probe {grade_id} raised {entries}"
        mine = got.get(grade_id)
        if isinstance(mine, str) or mine is None:
            failed.append(grade_id)
            continue
        values = {e["name"]: e["values"] for e in mine}
        if not all(compare_entry(e, values.get(e["name"])) for e in entries):
            failed.append(grade_id)
    return failed


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_test_cell_has_a_probe_and_the_solution_passes_them(assignment):
    from grader.core import probe_ids

    cells = {c["metadata"]["nbgrader"]["grade_id"] for c in load(ROOT / "solutions" / assignment / f"{assignment}.ipynb")["cells"]
             if c["metadata"].get("nbgrader", {}).get("grade")}
    assert cells <= probe_ids(ROOT / "solutions" / assignment / "grading_spec.py")
    assert probe_lost(assignment, {}) == []


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n in answers(a, "WRONG_ANSWERS")])
def test_wrong_answer_loses_points_under_the_grader_probes(assignment, name):
    grade_id, code = answers(assignment, "WRONG_ANSWERS")[name]
    assert probe_lost(assignment, {grade_id: code}), f"wrong answer {name!r} keeps full marks under the probes"


@pytest.mark.parametrize("assignment,name", [(a, n) for a in ASSIGNMENTS for n in answers(a, "ALTERNATIVE_ANSWERS")])
def test_alternative_correct_answer_keeps_full_marks_under_the_grader_probes(assignment, name):
    grade_id, code = answers(assignment, "ALTERNATIVE_ANSWERS")[name]
    assert probe_lost(assignment, {grade_id: code}) == [], f"correct alternative {name!r} lost points under the probes"
