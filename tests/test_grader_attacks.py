"""The attack corpus (tests/grader_attacks.py) against the sandboxed grader, beside correct controls.

One grader run grades every attack and two controls (one sorted before, one after the attacks);
then: no attack scores more than it deserves, the controls keep full marks, nothing leaks
(feedback, a loopback listener, files planted outside the sandbox), every malformed notebook gets
a clear one-line verdict, and a control graded in a later run is unharmed.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from grader_attacks import ASSIGNMENT, MARK, feedback_text, hidden_lines, write_submissions
from grading import grade, make_course, scores, submit

pytestmark = pytest.mark.xdist_group("grader-attacks")

VERDICTS = {  # a word of the one-line verdict each malformed submission must get
    "invalid_json": "not valid JSON", "nbformat3": "format version 3", "empty_file": "empty file",
    "huge_file": "too large", "non_utf8": "not UTF-8", "wrong_filename": "wrong filename",
    "duplicated_cells": "duplicated cells", "huge_outputs": "outputs of", "changed_metadata": "metadata restored",
    "changed_cell_type": "changed cell types", "deleted_tests": "missing locked cells restored",
}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    received: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(20)
    listener.settimeout(0.5)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                received.append(conn.recv(100))
                conn.close()
            except OSError:
                continue
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    course = make_course(tmp_path_factory.mktemp("attacks"), ASSIGNMENT)
    submit(course, ASSIGNMENT, "a_control")
    attacks = write_submissions(course)
    submit(course, ASSIGNMENT, "z_control")
    import os

    os.environ["ATTACK_PORT"] = str(listener.getsockname()[1])  # the grader's sandbox gets a clean env anyway
    try:
        run = grade(course, ASSIGNMENT, "--timeout", "40", jobs=2)
        result, _ = scores(course, ASSIGNMENT)
        # A later run: a fresh control after every attack has run.
        submit(course, ASSIGNMENT, "zz_later_control")
        later = grade(course, ASSIGNMENT, "--timeout", "40", jobs=1)
        result_later, _ = scores(course, ASSIGNMENT)
    finally:
        stop.set()
        listener.close()
        os.environ.pop("ATTACK_PORT", None)
    return course, attacks, result, result_later, run.stdout + later.stdout, received


def test_no_undeserved_points(attacked):
    _, attacks, result, _, log, _ = attacked
    for name, attack in attacks.items():
        score = result[name]
        deserved = score.max_total if attack.deserved == float("inf") else attack.deserved
        assert score.total <= deserved, f"attack {name} scored {score.total} > {deserved}\n{log}"


def test_controls_keep_full_marks(attacked):
    _, _, result, result_later, log, _ = attacked
    for student in ("a_control", "z_control"):
        assert result[student].total == result[student].max_total, f"{student} lost points beside the attacks\n{log}"
    later = result_later["zz_later_control"]
    assert later.total == later.max_total, f"a control graded after the attacks lost points\n{log}"
    assert result_later["a_control"].total == result["a_control"].max_total, "the gradebook changed between runs"


def test_nothing_leaks(attacked):
    course, _, _, _, _, received = attacked
    assert not any(MARK.encode() in r for r in received), "a sandbox reached a loopback listener"
    planted = list(Path("/tmp").glob(f"{MARK}*")) + list(Path.home().glob(f"{MARK}*")) + \
        list((Path.home() / ".ipython").rglob(f"*{MARK}*"))
    assert not planted, f"files planted outside the sandbox: {planted}"
    text = feedback_text(course, "read_hidden")
    assert "[grader]" in text
    leaked = [ln for ln in hidden_lines(course) if ln in text]
    assert not leaked, f"hidden tests leaked into feedback: {leaked[:2]}"
    spec = (course / "solutions" / ASSIGNMENT / "grading_spec.py").read_text()
    assert not [ln for ln in spec.splitlines() if len(ln.strip()) > 40 and ln.strip() in text], "probes leaked"


def test_malformed_submissions_get_one_line_verdicts(attacked):
    _, _, result, _, log, _ = attacked
    lines = {ln.split(":", 1)[0]: ln for ln in log.splitlines() if ":" in ln}
    for name, word in VERDICTS.items():
        assert name in lines and word in lines[name], f"{name}: expected a verdict with {word!r}, got {lines.get(name)!r}"
    for name in ("invalid_json", "nbformat3", "empty_file", "huge_file", "non_utf8", "wrong_filename", "duplicated_cells"):
        assert "REJECTED" in lines[name] and result[name].total == 0
    for name in ("huge_outputs", "deleted_tests", "changed_metadata"):
        assert result[name].total == result[name].max_total, f"{name} is a correct solution: {lines[name]}"
    assert result["changed_metadata"].max_total == result["a_control"].max_total, "points come from the gradebook"
    assert 0 < result["changed_cell_type"].total < result["changed_cell_type"].max_total
