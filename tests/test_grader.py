"""The sandboxed grader (grader/): input checks, the sandbox, kill -9 and resume, Dask, PostgreSQL.

The round trip over every assignment is tests/test_assignments.py; hostile submissions are
tests/test_grader_attacks.py. Here: small a01 courses.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from grader.compare import compare_entry
from grader.notebook import Rejected, check_notebook, load_notebook_bytes
from grader.sandbox import Limits, run_job
from grading import BIN, ROOT, load, make_course, scores, submit, wrong_answers

A = "a01_math"


def test_malformed_bytes_get_clear_verdicts():
    cases = {b"": "empty file", b"\xff\xfe{}": "not UTF-8", b"{nope": "not valid JSON", b"[]": "not a notebook",
             json.dumps({"nbformat": 3, "cells": []}).encode(): "format version 3"}
    for data, words in cases.items():
        with pytest.raises(Rejected, match=words):
            load_notebook_bytes(data, "x.ipynb")


def test_locked_cells_are_restored_and_test_cells_not_run():
    source = load(ROOT / "solutions" / A / f"{A}.ipynb")
    sub = json.loads(json.dumps(source))
    for cell in sub["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade_id") == "imports":
            cell["source"] = "import os; os.system('echo tampered')"
        if meta.get("grade_id") == "test_softmax_basic":
            meta["points"] = 100
    checked = check_notebook(json.dumps(sub).encode(), f"{A}.ipynb", source)
    assert not any("tampered" in c for c in checked.cells), "a locked cell kept the learner's text"
    assert not any("BEGIN HIDDEN TESTS" in c for c in checked.cells), "test cells must not run in the sandbox"
    assert any("metadata restored: test_softmax_basic" in n for n in checked.notes)


def test_comparisons():
    ref = {"how": "close", "params": {"rtol": 1e-5, "atol": 1e-8, "dtype": True}, "values": [np.ones(3, np.float32)]}
    assert compare_entry(ref, [np.ones(3, np.float32)])
    assert not compare_entry(ref, [np.ones(3)]), "dtype=True must reject float64"
    assert not compare_entry(ref, [np.ones(4, np.float32)])
    inf = {"how": "auto", "params": {}, "values": [np.array([np.inf, 0.0])]}
    assert compare_entry(inf, [np.array([np.inf, 0.0])]) and not compare_entry(inf, [np.array([-np.inf, 0.0])])
    assert not compare_entry({"how": "at_least", "params": {"bound": 0.9}, "values": [np.array(1.0)]}, [np.array(np.nan)])
    assert compare_entry({"how": "exact", "params": {}, "values": [np.array("a")]}, [np.array("a")])
    assert not compare_entry({"how": "exact", "params": {}, "values": [np.array(3)]}, [np.array("3")])


def test_sandbox_isolation():
    """The sandbox sees no course files, no network, a fresh HOME; it runs as an unprivileged uid."""
    probe = r'''
import os, socket, json
from grader.spec import probe

@probe("t")
def t(ns):
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1)
        net = "open"
    except OSError as e:
        net = "blocked"
    return {"uid": os.getuid(), "home": sorted(os.listdir(os.path.expanduser("~"))), "net": net,
            "course": os.path.exists(%r), "root": sorted(os.listdir("/")), "cwd": os.getcwd()}
''' % str(ROOT / "solutions")
    result = run_job({"cells": ["x = 1"], "probes": ["t"], "spec": probe, "limits": {"wall_s": 60}})
    record = json.loads(result["files"]["000.json"])
    assert record["error"] is None, result
    import io

    values = dict(np.load(io.BytesIO(result["files"]["000.npz"]), allow_pickle=False))
    by_name = {e["name"]: values[e["arrays"][0]] for e in record["entries"]}
    assert int(by_name["uid"]) != 0
    assert by_name["home"].size == 0, "HOME must start empty"
    assert str(by_name["net"]) == "blocked"
    assert not bool(by_name["course"]), "the course directory is visible in the sandbox"
    assert "solutions" not in set(by_name["root"].tolist())


def _course_with(tmp_path: Path, students: dict[str, str | None]) -> Path:
    """An a01 course whose submissions are the solution (None) or the solution with one wrong answer."""
    course = make_course(tmp_path / "course", A)
    answers = wrong_answers(A)
    for student, wrong in students.items():
        if wrong is None:
            submit(course, A, student)
        else:
            gid, src = answers[wrong]
            submit(course, A, student, replace={gid: src})
    return course


def _grader(course: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    env = dict(env or os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.Popen([sys.executable, "-m", "grader", "autograde", A, *args], cwd=course, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _gradebook_counts(course: Path) -> tuple[int, int]:
    import sqlite3

    db = sqlite3.connect(course / "gradebook.db")
    subs = db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0]
    dup = db.execute("SELECT COUNT(*) FROM (SELECT notebook_id, cell_id, COUNT(*) n FROM grade "
                     "GROUP BY notebook_id, cell_id HAVING n > 1)").fetchone()[0]
    db.close()
    return subs, dup


@pytest.mark.xdist_group("grader-kill")
def test_kill_9_mid_run_then_resume(tmp_path):
    names = list(wrong_answers(A))[:4]
    students = {f"s{i}_ok": None for i in range(4)} | {f"s{i + 4}_{n}": n for i, n in enumerate(names)}
    course = _course_with(tmp_path, students)
    journal = course / ".grader" / "journal" / f"{A}.jsonl"
    proc = _grader(course, "--jobs", "2")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 2:
            break
        time.sleep(0.2)
    assert proc.poll() is None, f"the grader finished before it could be killed:\n{proc.communicate()[0]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_first = {json.loads(ln)["student"] for ln in journal.read_text().splitlines()}
    assert 2 <= len(done_first) < len(students)
    # Resume: only the rest is graded; nothing is lost or doubled.
    second = _grader(course, "--jobs", "2")
    out = second.communicate(timeout=900)[0]
    assert second.returncode == 0, out
    regraded = {ln.split(":", 1)[0] for ln in out.splitlines() if ln.startswith("s") and "/" in ln}
    assert regraded == set(students) - done_first, out
    assert f"{len(done_first)} submission(s) already graded" in out
    result, _ = scores(course, A)
    assert set(result) == set(students)
    for s, wrong in students.items():
        assert (result[s].total == result[s].max_total) == (wrong is None), (s, result[s])
    assert _gradebook_counts(course) == (len(students), 0)
    lines = [json.loads(ln) for ln in journal.read_text().splitlines()]
    assert sorted(r["student"] for r in lines) == sorted(students), "a submission was journaled twice or not at all"
    # --force regrades everything, still one submission row each.
    third = _grader(course, "--jobs", "2", "--force", "--quiet")
    assert third.wait(timeout=900) == 0
    assert _gradebook_counts(course) == (len(students), 0)


@pytest.mark.xdist_group("grader-dask")
def test_dask_cluster_of_worker_processes(tmp_path):
    distributed = pytest.importorskip("distributed")
    course = _course_with(tmp_path, {"ada": None, "bob": list(wrong_answers(A))[0], "cy": None})
    old = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), old])  # workers import grader
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      scheduler_port=0) as cluster, distributed.Client(cluster) as client:
            proc = _grader(course, "--scheduler", cluster.scheduler_address)
            out = proc.communicate(timeout=900)[0]
            assert proc.returncode == 0, out
            pids = {w["pid"] if "pid" in w else None for w in client.scheduler_info()["workers"].values()}
            assert os.getpid() not in pids
    finally:
        os.environ["PYTHONPATH"] = old
    result, _ = scores(course, A)
    assert result["ada"].total == result["ada"].max_total == result["cy"].total
    assert result["bob"].total < result["bob"].max_total


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


@pytest.mark.xdist_group("grader-postgres")
def test_postgresql_gradebook(tmp_path):
    """A real PostgreSQL server, started and stopped by this test: generate, grade, export."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (.ci/system-packages.sh installs Debian's postgresql)")
    pytest.importorskip("psycopg2")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="grader-pg-"))  # outside pytest's 0700 tmp dirs: postgres must enter
    base.chmod(0o755)
    data, sock = base / "data", base / "sock"
    data.mkdir()
    sock.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        import pwd

        pw = pwd.getpwnam("postgres")
        for p in (data, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        run_as = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", "--"]
    port = "54329"

    def pg(*cmd):
        done = subprocess.run([*run_as, *cmd], capture_output=True, text=True)
        assert done.returncode == 0, f"{cmd[0]} failed:\n{done.stdout}\n{done.stderr}"
    pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    pg(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "sock" / "log"), "-o",
       f"-k {sock} -p {port} -c listen_addresses=''", "start")
    try:
        pg(str(bindir / "createdb"), "-h", str(sock), "-p", port, "-U", "postgres", "gradebook")
        url = f"postgresql+psycopg2://postgres@/gradebook?host={sock}&port={port}"
        course = tmp_path / "course"
        course.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
        env = dict(os.environ, NBGRADER_DB_URL=url, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
        gen = subprocess.run([str(BIN / "nbgrader"), "generate_assignment", A, "--force"], cwd=course, env=env,
                             capture_output=True, text=True)
        assert gen.returncode == 0, gen.stdout + gen.stderr
        submit(course, A, "ada")
        submit(course, A, "bob", solve=False)
        proc = _grader(course, "--jobs", "2", env=env)
        out = proc.communicate(timeout=900)[0]
        assert proc.returncode == 0, out
        subprocess.run([str(BIN / "nbgrader"), "export", "--to", str(course / "grades.csv")], cwd=course, env=env,
                       check=True, capture_output=True)
        import csv

        with open(course / "grades.csv", newline="") as fh:
            rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
        assert rows["bob"] == 0 and rows["ada"] == float(rows["ada"]) > 0
        from nbgrader.api import Gradebook

        with Gradebook(url, "python-to-dl") as gb:
            sub = gb.find_submission(A, "ada")
            assert sub.score == sub.max_score > 0
        if (course / "gradebook.db").exists():  # nbgrader may leave an empty SQLite file behind
            import sqlite3

            db = sqlite3.connect(course / "gradebook.db")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            rows = db.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] if \
                "submitted_assignment" in tables else 0
            db.close()
            assert rows == 0, "graded into SQLite instead of PostgreSQL"
    finally:
        subprocess.run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_limits_defaults_are_sane():
    limits = Limits()
    assert limits.wall_s >= limits.cell_s >= limits.probe_s > 0


def test_learner_cells_do_not_inherit_the_runners_future_imports(tmp_path):
    """The runner uses `from __future__ import annotations`; learner code must not (pydantic, dataclasses)."""
    import json
    import subprocess
    import sys

    import numpy as np

    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "in" / "grading_spec.py").write_text(
        "from grader.spec import probe\n\n\n@probe('annotations')\ndef _(ns):\n    return ns['kind']\n")
    job = {"cells": ["def f(x: int):\n    return x\nkind = 'class' if f.__annotations__['x'] is int else 'string'"],
           "cell_timeout": 30, "probe_timeout": 30, "probes": ["annotations"]}
    (tmp_path / "in" / "job.json").write_text(json.dumps(job))
    subprocess.run([sys.executable, "-m", "grader.runner", str(tmp_path)], check=True, timeout=120,
                   cwd=Path(__file__).resolve().parent.parent)
    record = json.loads((tmp_path / "out" / "000.json").read_text())
    assert record["error"] is None, record
    arrays = np.load(tmp_path / "out" / "000.npz", allow_pickle=False)
    assert [str(arrays[k]) for k in arrays.files] == ["class"], "learner code saw postponed (string) annotations"


def test_sandbox_mounts_its_empty_tmp_before_binding_the_python_roots(monkeypatch):
    """A course cloned under /tmp (as CI may do) keeps its venv visible inside the sandbox."""
    from grader import sandbox

    monkeypatch.setattr(sandbox, "_python_roots", lambda: ["/tmp/ci-clone/.venv", "/tmp/ci-clone/course_utils"])
    cmd = sandbox.sandbox_command(Path("/tmp/job"), 12345, sandbox.Limits())
    tmpfs = next(i for i, a in enumerate(cmd) if a == "--tmpfs" and cmd[i + 1] == "/tmp")
    binds = [i for i, a in enumerate(cmd) if a == "--ro-bind" and cmd[i + 1].startswith("/tmp/ci-clone")]
    assert binds and all(i > tmpfs for i in binds), "the tmpfs on /tmp would hide the venv bound before it"
