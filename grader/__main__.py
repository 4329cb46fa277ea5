"""``python -m grader autograde ASSIGNMENT [--jobs N] [--scheduler ADDR] [--force] [--student S ...]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grader.core import GraderError, Options, autograde
from grader.sandbox import Limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ag = sub.add_parser("autograde", help="grade every submitted/<student>/<assignment>/ in sandboxes")
    ag.add_argument("assignment")
    ag.add_argument("--jobs", "-j", type=int, default=0, help="sandboxes at once (default: the number of cores)")
    ag.add_argument("--scheduler", help="send sandbox jobs to this Dask scheduler, e.g. tcp://host:8786")
    ag.add_argument("--force", action="store_true", help="grade again submissions the journal marks as done")
    ag.add_argument("--student", action="append", help="grade only this student (repeatable)")
    ag.add_argument("--course", default=".", help="course root holding nbgrader_config.py (default: .)")
    ag.add_argument("--timeout", type=float, default=Limits.wall_s, help="seconds per submission (default %(default)s)")
    ag.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="memory cap per submission")
    ag.add_argument("--nproc", type=int, default=Limits.nproc, help="process/thread cap per submission")
    ag.add_argument("--debug", action="store_true", help="keep probe tracebacks in the sandbox log")
    ag.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    limits = Limits(wall_s=args.timeout, memory_mb=args.memory_mb, nproc=args.nproc)
    opts = Options(jobs=args.jobs or (os.cpu_count() or 1), scheduler=args.scheduler, force=args.force,
                   students=args.student, limits=limits, debug=args.debug, quiet=args.quiet)
    try:
        outcomes = autograde(Path(args.course).resolve(), args.assignment, opts)
    except GraderError as err:
        print(f"grader: {err}", file=sys.stderr)
        return 2
    return 0 if outcomes is not None else 1


if __name__ == "__main__":
    sys.exit(main())
