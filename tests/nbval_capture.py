"""pytest plugin (loaded with ``-p nbval_capture``): keep what nbval executed, and time it.

nbval runs each notebook cell by cell in one kernel but throws the outputs away. This plugin
writes every notebook that ran without error, with its outputs, to ``_build/executed/<path>``,
so that ``.ci/cache_executed.py`` can put it into the Jupyter Book execution cache and the book
build does not execute it a second time. It also records each notebook's run time and fails
the notebook's last cell (at teardown) when it exceeds its budget (``NOTEBOOK_BUDGET_S``, default 60 s).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "executed"
BUDGET_S = float(os.environ.get("NOTEBOOK_BUDGET_S", "60"))
_state: dict[str, dict] = {}


def _is_cell(item: pytest.Item) -> bool:
    return type(item).__name__ == "IPyNbCell"


def _key(item: pytest.Item) -> str:
    return str(Path(str(item.parent.fspath)).resolve().relative_to(ROOT))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    if not _is_cell(item):
        yield
        return
    state = _state.setdefault(_key(item), {"start": time.perf_counter(), "failed": False, "count": 0})
    outcome = yield
    state["count"] += 1
    item.cell.outputs = [nbformat.from_dict(dict(o)) for o in (getattr(item, "test_outputs", None) or [])]
    item.cell.execution_count = state["count"]
    for out in item.cell.outputs:
        if out.get("output_type") == "execute_result":
            out["execution_count"] = state["count"]
    if outcome.excinfo is not None:
        state["failed"] = True


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if not _is_cell(item) or (nextitem is not None and nextitem.parent is item.parent):
        return
    key = _key(item)
    state = _state[key]
    state["seconds"] = time.perf_counter() - state["start"]
    timing = OUT / "times" / (key.replace("/", "__") + ".txt")
    timing.parent.mkdir(parents=True, exist_ok=True)
    timing.write_text(f"{state['seconds']:.1f}\t{key}\n")
    if not state["failed"]:
        dest = OUT / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(item.parent.nb, str(dest))
    if state["seconds"] > BUDGET_S:
        pytest.fail(f"{key} ran for {state['seconds']:.1f} s, over its {BUDGET_S:g} s budget")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    times = sorted((OUT / "times").glob("*.txt")) if (OUT / "times").exists() else []
    if not times:
        return
    terminalreporter.section("notebook run times (s)")
    over = []
    for path in times:
        seconds, key = path.read_text().strip().split("\t")
        terminalreporter.write_line(f"{float(seconds):6.1f}  {key}")
        if float(seconds) > BUDGET_S:
            over.append(key)
    if over:
        terminalreporter.write_line(f"over the {BUDGET_S:g} s budget: {', '.join(over)}", red=True)
