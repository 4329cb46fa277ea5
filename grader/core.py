"""The trusted grading loop: validate, sandbox (locally or on Dask), compare, record, journal.

Only this process reads the solution's results, compares, writes autograded notebooks and
writes the gradebook; sandboxes (threads here, or Dask workers) return plain bytes.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import importlib.metadata
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader import compare
from grader.notebook import Rejected, check_notebook, is_test_cell, nbgrader_meta, read_json, source, test_cells
from grader.sandbox import PKG, Limits, run_job

VERSION = "1"


class GraderError(Exception):
    """A problem with the course setup (not with a submission): stop and say what to fix."""


@dataclass
class Course:
    root: Path
    source: Path
    submitted: Path
    autograded: Path
    db_url: str
    course_id: str
    cell_timeout: float

    @classmethod
    def load(cls, root: Path) -> "Course":
        """Read the course's nbgrader_config.py (as nbgrader does) for directories and db_url."""
        from traitlets.config.loader import PyFileConfigLoader

        cfg_path = root / "nbgrader_config.py"
        if not cfg_path.exists():
            raise GraderError(f"no nbgrader_config.py in {root}: run from the course root")
        cfg = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
        cd = cfg.get("CourseDirectory", {})
        croot = Path(cd.get("root", str(root)))

        def sub(key, default):
            return croot / cd.get(key, default)
        return cls(croot, sub("source_directory", "source"), sub("submitted_directory", "submitted"),
                   sub("autograded_directory", "autograded"),
                   cd.get("db_url", "sqlite:///" + str(croot / "gradebook.db")), cd.get("course_id", "default_course"),
                   float(cfg.get("Execute", {}).get("timeout", 120) or 120))


@dataclass
class Outcome:
    student: str
    verdict: str  # "graded" or "rejected"
    score: float
    max_score: float
    cells: dict = field(default_factory=dict)  # grade_id -> points
    notes: list = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        note = f" ({'; '.join(self.notes)})" if self.notes else ""
        if self.verdict == "rejected":
            return f"{self.student}: REJECTED {self.score:g}/{self.max_score:g}: {'; '.join(self.notes)}"
        return f"{self.student}: {self.score:g}/{self.max_score:g}{note}"


class Assignment:
    """An assignment's source notebooks, probes and (cached) reference results."""

    def __init__(self, course: Course, name: str):
        self.course, self.name = course, name
        self.dir = course.source / name
        if not self.dir.is_dir():
            raise GraderError(f"no assignment {name!r} in {course.source}")
        self.notebooks = {p.name: read_json(p) for p in sorted(self.dir.glob("*.ipynb"))}
        spec_path = self.dir / "grading_spec.py"
        if not spec_path.exists():
            raise GraderError(f"{spec_path} is missing: every assignment needs a grading spec (grader/README.md)")
        self.spec = spec_path.read_text(encoding="utf-8")
        self.points = {nb: test_cells(data) for nb, data in self.notebooks.items()}
        self.probes = {nb: list(pts) for nb, pts in self.points.items()}
        declared = probe_ids(spec_path)
        wanted = {g for pts in self.points.values() for g in pts}
        if wanted - declared:
            raise GraderError(f"{name}: autograded test cells without a probe in grading_spec.py: "
                              f"{sorted(wanted - declared)}. Nothing may go ungraded: add a probe for each.")
        self.unused = sorted(declared - wanted)  # probes for cells the notebook does not (yet) have
        self.max_score = sum(sum(p.values()) for p in self.points.values())
        self.reference: dict[str, dict] = {}

    def solution_cells(self, nb: str) -> list[str]:
        out = []
        for cell in self.notebooks[nb]["cells"]:
            meta = nbgrader_meta(cell)
            if cell["cell_type"] == "code" and not (meta and is_test_cell(meta)):
                out.append(source(cell))
        return out

    def digest(self) -> str:
        h = hashlib.sha256(VERSION.encode())
        h.update(self.spec.encode())
        for nb, data in self.notebooks.items():
            h.update(nb.encode())
            h.update(json.dumps(self.solution_cells(nb)).encode())
        for f in sorted(PKG.glob("*.py")):
            h.update(f.read_bytes())
        for dist in ("numpy", "torch"):
            try:
                h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
            except importlib.metadata.PackageNotFoundError:
                pass
        h.update(sys.version.encode())
        return h.hexdigest()[:16]


def probe_ids(spec_path: Path) -> set[str]:
    """grade_ids of the ``@probe("...")`` decorators, read without running the spec (it may import torch)."""
    import ast

    ids = set()
    for node in ast.walk(ast.parse(spec_path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "probe" \
                and node.args and isinstance(node.args[0], ast.Constant):
            ids.add(node.args[0].value)
    return ids


class Journal:
    """Append-only record of finished submissions: resumable after kill -9, nothing doubled.

    A line is appended (and fsynced) only after the submission's gradebook transaction has
    committed. Killed before that line, the submission is graded again next time, and the
    gradebook update simply overwrites its own grades (one Grade row per cell, never two).
    """

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.done: dict[str, str] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    rec = json.loads(line)
                    self.done[rec["student"]] = rec["digest"]
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line after a crash
        self._fh = open(path, "a", encoding="utf-8")

    def record(self, student: str, digest: str, outcome: Outcome) -> None:
        self._fh.write(json.dumps({"student": student, "digest": digest, "score": outcome.score,
                                   "verdict": outcome.verdict, "time": time.time()}) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self.done[student] = digest

    def close(self):
        self._fh.close()


def submission_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes()[:64 * 2**20])
    return h.hexdigest()


@dataclass
class Options:
    jobs: int = 0
    scheduler: str | None = None
    force: bool = False
    students: list | None = None
    limits: Limits = field(default_factory=Limits)
    debug: bool = False
    quiet: bool = False


class Executor:
    """Runs sandbox jobs on local threads (one sandbox process each) or on a Dask cluster."""

    def __init__(self, opts: Options):
        self.client = None
        if opts.scheduler:
            from distributed import Client

            self.client = Client(opts.scheduler)
            self.pool = None
        else:
            self.pool = cf.ThreadPoolExecutor(max_workers=opts.jobs or os.cpu_count() or 1)

    def submit(self, payload: dict):
        if self.client is not None:
            return self.client.submit(run_job, payload, pure=False)
        return self.pool.submit(run_job, payload)

    def as_completed(self, futures):
        if self.client is not None:
            from distributed import as_completed

            return as_completed(futures)
        return cf.as_completed(futures)

    def close(self):
        if self.client is not None:
            self.client.close()
        else:
            self.pool.shutdown(wait=True, cancel_futures=True)


def reference_results(asg: Assignment, executor: Executor, opts: Options) -> None:
    """Run the probes on the solution once per (spec, solution, versions); cache outside any sandbox."""
    cache = asg.course.root / ".grader" / "reference" / asg.name / asg.digest()
    for nb in asg.notebooks:
        f = cache / f"{nb}.json"
        if f.exists():
            import base64

            files = {k: base64.b64decode(v) for k, v in json.loads(f.read_text()).items()}
        else:
            payload = {"cells": asg.solution_cells(nb), "probes": asg.probes[nb], "spec": asg.spec,
                       "limits": asdict(opts.limits), "debug": True}
            result = executor.submit(payload).result()
            files = result["files"]
            missing = [g for i, g in enumerate(asg.probes[nb]) if f"{i:03d}.json" not in files]
            if missing:
                log = files.get("runner.log", b"").decode("utf-8", "replace")[-3000:]
                raise GraderError(f"the solution of {asg.name}/{nb} did not finish its probes {missing[:3]} "
                                  f"(killed={result['killed']}, rc={result['returncode']}):\n{log}\n"
                                  f"{result['sandbox_error']}")
            try:
                ref = compare.reference_entries(files, asg.probes[nb])
            except RuntimeError as err:
                log = files.get("runner.log", b"").decode("utf-8", "replace")[-3000:]
                raise GraderError(f"{asg.name}/{nb}: {err}\n{log}") from None
            import base64

            cache.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps({k: base64.b64encode(v).decode() for k, v in files.items()
                                       if k.endswith((".json", ".npz"))}))
            os.replace(tmp, f)
        asg.reference[nb] = compare.reference_entries(files, asg.probes[nb])


def verdict_output(passed: bool, points: float, max_points: float, message: str) -> dict:
    text = f"[grader] {points:g}/{max_points:g} {message}\n"
    if passed:
        return {"output_type": "stream", "name": "stdout", "text": text}
    return {"output_type": "error", "ename": "GraderVerdict", "evalue": text.strip(), "traceback": [text.strip()]}


def write_autograded(course: Course, asg: Assignment, student: str, nb_name: str, nb: dict,
                     messages: dict[str, tuple[bool, float, str]]) -> None:
    """The autograded notebook nbgrader's feedback and formgrader read: verdicts as test-cell outputs."""
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if meta and meta.get("grade_id") in messages:
                passed, pts, msg = messages[meta["grade_id"]]
                cell["outputs"] = [verdict_output(passed, pts, asg.points[nb_name][meta["grade_id"]], msg)]
    dest = course.autograded / student / asg.name
    dest.mkdir(parents=True, exist_ok=True)
    tmp = dest / f".{nb_name}.tmp"
    tmp.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    os.replace(tmp, dest / nb_name)


def record_gradebook(course: Course, asg: Assignment, student: str, scores: dict[str, dict[str, float]],
                     timestamp: str | None) -> None:
    """One transaction per submission: the student, the submission, every test cell's auto_score."""
    import warnings

    from nbgrader.api import Gradebook, MissingEntry

    with warnings.catch_warnings(), Gradebook(course.db_url, course.course_id) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from nbgrader's own add_submission
        gb.update_or_create_student(student)
        try:
            if timestamp:
                gb.update_or_create_submission(asg.name, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(asg.name, student)
        except MissingEntry:
            raise GraderError(f"assignment {asg.name!r} is not in the gradebook {course.db_url}: run "
                              f"`nbgrader generate_assignment {asg.name}` (make exercises) first") from None
        for nb_name, cells in scores.items():
            nb_id = nb_name[:-len(".ipynb")]
            for gid, pts in cells.items():
                grade = gb.find_grade(gid, nb_id, asg.name, student)
                grade.auto_score = pts
                grade.needs_manual_grade = False
        gb.db.commit()


def check_assignment_in_gradebook(course: Course, name: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            gb.find_assignment(name)
        except MissingEntry:
            raise GraderError(f"assignment {name!r} is not in the gradebook {course.db_url}: run "
                              f"`nbgrader generate_assignment {name}` (make exercises) first") from None


def autograde(root: Path, assignment: str, opts: Options) -> list[Outcome]:
    """Grade every submitted/<student>/<assignment>/; return one Outcome per submission graded now."""
    t0 = time.monotonic()
    course = Course.load(root)
    opts.limits.cell_s = min(opts.limits.cell_s, course.cell_timeout)
    asg = Assignment(course, assignment)
    if asg.unused and not opts.quiet:
        print(f"warning: probes for grade_ids that are not autograded test cells (ignored): {asg.unused}")
    check_assignment_in_gradebook(course, assignment)
    students = sorted(p.parent.name for p in course.submitted.glob(f"*/{assignment}") if p.is_dir())
    if opts.students:
        students = [s for s in students if s in set(opts.students)]
    if not students:
        if not opts.quiet:
            print(f"no submissions: nothing in {course.submitted}/*/{assignment}/")
        return []
    journal = Journal(course.root / ".grader" / "journal" / f"{assignment}.jsonl")
    executor = Executor(opts)
    say = (lambda *a: None) if opts.quiet else (lambda *a: print(*a, flush=True))
    outcomes: list[Outcome] = []
    try:
        reference_results(asg, executor, opts)
        pending = {}  # future -> (student, nb_name)
        parts: dict[str, dict] = {}
        skipped = 0
        for student in students:
            folder = course.submitted / student / assignment
            digest = submission_digest(folder)
            if not opts.force and journal.done.get(student) == digest:
                skipped += 1
                continue
            state = {"digest": digest, "checked": {}, "results": {}, "rejected": None, "waiting": 0,
                     "timestamp": _timestamp(folder), "start": time.monotonic()}
            parts[student] = state
            try:
                names = sorted(p.name for p in folder.iterdir() if p.suffix == ".ipynb" and p.is_file())
                expected = sorted(asg.notebooks)
                if names != expected:
                    extra = sorted(set(names) - set(expected))
                    raise Rejected(f"wrong filename: expected {', '.join(expected)}; found "
                                   f"{', '.join(extra) if extra else 'no notebook'}")
                for nb_name in expected:
                    path = folder / nb_name
                    if path.stat().st_size > 20 * 2**20:
                        raise Rejected(f"{nb_name} is too large ({path.stat().st_size / 2**20:.1f} MiB > 20 MiB)")
                    state["checked"][nb_name] = check_notebook(path.read_bytes(), nb_name, asg.notebooks[nb_name])
            except Rejected as err:
                state["rejected"] = str(err)
            except OSError as err:
                state["rejected"] = f"unreadable submission ({type(err).__name__})"
            if state["rejected"]:
                outcomes.append(_finish_safely(course, asg, student, state, journal, say))
                continue
            for nb_name, checked in state["checked"].items():
                payload = {"cells": checked.cells, "probes": asg.probes[nb_name], "spec": asg.spec,
                           "limits": asdict(opts.limits), "debug": opts.debug}
                pending[executor.submit(payload)] = (student, nb_name)
                state["waiting"] += 1
        if skipped:
            say(f"{skipped} submission(s) already graded (journal .grader/journal/{assignment}.jsonl); "
                "--force grades them again")
        for fut in executor.as_completed(list(pending)):
            student, nb_name = pending.pop(fut)
            state = parts[student]
            try:
                result = fut.result()
            except Exception as err:  # noqa: BLE001 - a failed job fails that submission only
                result = {"files": {}, "killed": False, "returncode": None, "sandbox_error": repr(err)}
            state["results"][nb_name] = result
            state["waiting"] -= 1
            if state["waiting"] == 0:
                outcomes.append(_finish_safely(course, asg, student, state, journal, say))
    finally:
        executor.close()
        journal.close()
    if outcomes:
        wall = time.monotonic() - t0
        say(f"graded {len(outcomes)} submission(s) of {assignment} in {wall:.1f} s "
            f"({sum(o.verdict == 'rejected' for o in outcomes)} rejected)")
    return outcomes


def _timestamp(folder: Path) -> str | None:
    """nbgrader's submitted/<student>/<assignment>/timestamp.txt, if present and parseable."""
    f = folder / "timestamp.txt"
    try:
        text = f.read_text(encoding="utf-8").strip()[:64] if f.is_file() else ""
        if not text:
            return None
        from nbgrader.utils import parse_utc

        parse_utc(text)
        return text
    except Exception:  # noqa: BLE001 - a broken timestamp is ignored, never fatal
        return None


def _finish_safely(course: Course, asg: Assignment, student: str, state: dict, journal: Journal, say) -> Outcome:
    """_finish, but one submission's unexpected failure is reported and the others go on."""
    try:
        return _finish(course, asg, student, state, journal, say)
    except GraderError:
        raise
    except Exception as err:  # noqa: BLE001
        say(f"{student}: ERROR, not recorded ({type(err).__name__}: {str(err)[:200]}); it is graded again next run")
        return Outcome(student, "error", 0.0, asg.max_score, notes=[repr(err)[:200]])


def _finish(course: Course, asg: Assignment, student: str, state: dict, journal: Journal, say) -> Outcome:
    scores: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    if state["rejected"]:
        notes.append(state["rejected"])
        for nb_name, nb in asg.notebooks.items():
            scores[nb_name] = {g: 0.0 for g in asg.points[nb_name]}
            skeleton = check_notebook(json.dumps(nb).encode(), nb_name, nb).autograded
            for cell in skeleton["cells"]:
                meta = nbgrader_meta(cell)
                if meta and meta.get("solution"):
                    cell["source"] = f"# not graded: {state['rejected']}"
            msgs = {g: (False, 0.0, f"not graded: {state['rejected']}") for g in asg.points[nb_name]}
            write_autograded(course, asg, student, nb_name, skeleton, msgs)
    else:
        for nb_name, checked in state["checked"].items():
            notes += checked.notes
            result = state["results"][nb_name]
            got = compare.parse_results(result.get("files", {}), asg.probes[nb_name])
            if result.get("killed"):
                notes.append(f"{nb_name}: stopped after {result['limits']['wall_s']:g} s")
            msgs, cells = {}, {}
            for gid, max_pts in asg.points[nb_name].items():
                passed, msg = compare.score_cell(asg.reference[nb_name][gid], got.get(gid))
                cells[gid] = max_pts if passed else 0.0
                msgs[gid] = (passed, cells[gid], msg)
            scores[nb_name] = cells
            write_autograded(course, asg, student, nb_name, checked.autograded, msgs)
    record_gradebook(course, asg, student, scores, state["timestamp"])
    total = sum(sum(c.values()) for c in scores.values())
    outcome = Outcome(student, "rejected" if state["rejected"] else "graded", total, asg.max_score,
                      {g: p for c in scores.values() for g, p in c.items()},
                      [state["rejected"]] if state["rejected"] else notes,
                      round(time.monotonic() - state["start"], 2))
    journal.record(student, state["digest"], outcome)
    say(outcome.line())
    return outcome

