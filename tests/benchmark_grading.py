"""Benchmark: plain `nbgrader autograde` against the sandboxed grader on the same 100 submissions.

    PYTHONPATH=tests:. .venv/bin/python tests/benchmark_grading.py [--n 100] [--jobs 2]

Generates N a01_math submissions (60% correct, 25% wrong answers from tests/wrong_answers,
15% broken: invalid JSON, empty files, blank exercises, answers that raise), copies the course
twice, grades one copy with `nbgrader autograde` and the other with `python -m grader autograde
--jobs J` (sandbox on), checks both give the same totals where they must agree, and writes
grader/benchmark_results.md (shown in the README) with wall and CPU times and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grading import BIN, ROOT, grade, make_course, nbgrader, scores, submit, wrong_answers  # noqa: E402

A = "a01_math"
OUT = ROOT / "grader" / "benchmark_results.md"


def generate(course: Path, n: int) -> dict[str, str]:
    """Write n submissions; return student -> kind."""
    wrong = list(wrong_answers(A).items())
    kinds = {}
    for i in range(n):
        student = f"s{i:03d}"
        r = i % 20
        if r < 12:
            submit(course, A, student)
            kinds[student] = "correct"
        elif r < 17:
            name, (gid, src) = wrong[i % len(wrong)]
            submit(course, A, student, replace={gid: src})
            kinds[student] = "wrong"
        else:
            kind = ["invalid_json", "empty", "blank"][r - 17] if r < 20 else "blank"
            if kind == "blank":
                submit(course, A, student, solve=False)
            else:
                submit(course, A, student)
                path = course / "submitted" / student / A / f"{A}.ipynb"
                path.write_bytes(b"" if kind == "empty" else path.read_bytes()[:-100])
            kinds[student] = kind
    return kinds


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process's children) of fn()."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    fn()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    plain = make_course(base / "plain", A)
    kinds = generate(plain, args.n)
    ours = make_course(base / "grader", A)
    shutil.rmtree(ours / "submitted", ignore_errors=True)
    shutil.copytree(plain / "submitted", ours / "submitted")

    def run_plain():
        try:
            nbgrader(plain, "autograde", A, "--force", timeout=7200)
        except RuntimeError as err:  # nbgrader exits 1 when some submissions fail; it grades the rest
            if "Kernel died" in str(err):
                nbgrader(plain, "autograde", A, timeout=7200)

    print(f"grading {args.n} submissions of {A} with plain nbgrader ...", flush=True)
    plain_wall, plain_cpu = timed(run_plain)
    print(f"  {plain_wall:.1f} s wall, {plain_cpu:.1f} s CPU", flush=True)
    # The grader's one-time reference run (the solution's probes) is part of its time: no warm cache.
    print(f"grading the same {args.n} with `python -m grader autograde --jobs {args.jobs}` ...", flush=True)
    ours_wall, ours_cpu = timed(lambda: grade(ours, A, jobs=args.jobs, timeout=7200))
    print(f"  {ours_wall:.1f} s wall, {ours_cpu:.1f} s CPU", flush=True)
    plain_scores, _ = scores(plain, A)
    our_scores, _ = scores(ours, A)
    agree = sum(1 for s, k in kinds.items() if k in ("correct", "wrong") and s in plain_scores and s in our_scores
                and (plain_scores[s].total == plain_scores[s].max_total) == (our_scores[s].total == our_scores[s].max_total))
    comparable = sum(1 for k in kinds.values() if k in ("correct", "wrong"))
    ratio = plain_wall / ours_wall
    load = os.getloadavg()
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in sorted(set(kinds.values()))}
    text = f"""# Grading benchmark: plain nbgrader against the sandboxed grader

Written by `tests/benchmark_grading.py` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}).

- Submissions: {args.n} of `{A}`: {', '.join(f'{v} {k}' for k, v in counts.items())}.
- Machine: {os.cpu_count()} cores, {platform.python_version()}; load average at the end {load[0]:.1f}
  (other jobs on the machine inflate wall times; CPU times are less affected).
- Plain: `nbgrader autograde {A} --force` (serial, one kernel per submission).
- Grader: `python -m grader autograde {A} --jobs {args.jobs}` with the sandbox on (bubblewrap,
  limits), including its one-time run of the solution's probes.

| | wall time | CPU time |
|---|---:|---:|
| plain `nbgrader autograde` | {plain_wall:.1f} s | {plain_cpu:.1f} s |
| `make grade` (sandboxed, `--jobs {args.jobs}`) | {ours_wall:.1f} s | {ours_cpu:.1f} s (grader only)* |
| **speed-up (wall)** | **{ratio:.2f}x** | |

\* CPU time of child processes as `getrusage` reports it: the sandboxed processes' time does not
reach the grader through bubblewrap's PID namespace, so only the wall-time ratio compares like
with like.

Full marks or not agree on {agree} of {comparable} correct and wrong submissions.
"""
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({
        "n": args.n, "jobs": args.jobs, "plain_wall_s": round(plain_wall, 1), "plain_cpu_s": round(plain_cpu, 1),
        "grader_wall_s": round(ours_wall, 1), "grader_cpu_s": round(ours_cpu, 1), "ratio": round(ratio, 2),
        "agree": agree, "comparable": comparable, "load": round(load[0], 1), "kinds": counts}, indent=1) + "\n")
    print(text)
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PATH", str(BIN))
    main()
