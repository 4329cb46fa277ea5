"""Runs INSIDE the sandbox: execute a submission's cells, then the probes; write plain data.

Usage (the sandbox does this): ``python -I runner.py JOB_DIR``. JOB_DIR holds ``in/job.json``
(the code cells to run, the probe order and the time limits), ``in/grading_spec.py`` (the
probes), and the writable ``out/``. For the i-th probe the runner writes ``out/NNN.json`` (the
entries: names, how to compare, error) and ``out/NNN.npz`` (the arrays, saved without pickle).

Nothing here is trusted by the parent: learner code runs in this interpreter first and may
have replaced anything, this file included. The parent only reads plain data back and
compares it with the solution's, in a process the learner's code never ran in.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
import traceback

LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)


class GraderTimeout(BaseException):
    """Raised by the alarm when a cell or a probe runs past its limit (BaseException: harder to swallow)."""


def _alarm(signum, frame):
    raise GraderTimeout()


class _Sink:
    """A text stream that drops everything: learner output is never shown to anyone."""

    encoding = "utf-8"

    def write(self, s):
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError("no file descriptor")


MAGIC = re.compile(r"^\s*[%!]")


def strip_magics(src: str) -> str:
    """Drop IPython magics and shell escapes (``%matplotlib inline``, ``!pip install``): plain Python runs."""
    return "\n".join("pass" if MAGIC.match(line) else line for line in src.splitlines())


def error_name(exc: BaseException) -> str:
    """The exception's name if it is a builtin one, else a generic word (no learner-chosen text leaves)."""
    if isinstance(exc, GraderTimeout):
        return "Timeout"
    name = type(exc).__name__
    import builtins

    return name if getattr(builtins, name, None) is type(exc) else "Exception"


def to_array(value):
    """A leaf value as a NumPy array of a plain dtype (bool, int, float, complex, str)."""
    import numpy as np

    mod = type(value).__module__ or ""
    if mod.startswith("torch"):
        import torch

        if isinstance(value, torch.Tensor):
            value = value.detach().cpu()
            if value.dtype == torch.bfloat16:
                value = value.float()
            value = value.numpy()
        elif isinstance(value, (torch.dtype, torch.device)):
            value = str(value)
        elif isinstance(value, torch.Size):
            value = tuple(value)
    if value is None:
        value = "<None>"
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        value = np.dtype(value).name
    arr = np.asarray(value)
    if arr.dtype.kind not in "biufcU":
        raise TypeError(f"cannot send a value of type {type(value).__name__}")
    return np.array(arr, copy=True)


def flatten(value, name: str, entries: list, arrays: dict) -> None:
    """Walk a probe's return value; each leaf becomes one entry with its arrays."""
    from grader.spec import Compare

    if isinstance(value, Compare):
        if value.how in ("differs", "agree"):
            keys = []
            for part in ("a", "b"):
                key = f"k{len(arrays)}"
                arrays[key] = to_array(value.value[part])
                keys.append(key)
        else:
            key = f"k{len(arrays)}"
            arrays[key] = to_array(value.value)
            keys = [key]
        entries.append({"name": name, "how": value.how, "params": dict(value.params), "arrays": keys})
        return
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{name}/{k}" if name else str(k), entries, arrays)
        return
    if isinstance(value, (list, tuple)):
        try:
            arr = to_array(value)
        except Exception:
            for i, v in enumerate(value):
                flatten(v, f"{name}[{i}]", entries, arrays)
            return
        value = arr
    key = f"k{len(arrays)}"
    arrays[key] = to_array(value)
    entries.append({"name": name or "value", "how": "auto", "params": {}, "arrays": [key]})


def write_result(out_dir: str, index: int, record: dict, arrays: dict) -> None:
    import numpy as np

    base = os.path.join(out_dir, f"{index:03d}")
    np.savez(base + ".tmp.npz", **arrays)
    os.replace(base + ".tmp.npz", base + ".npz")
    with open(base + ".tmp.json", "w", encoding="utf-8") as fh:
        json.dump(record, fh)
    os.replace(base + ".tmp.json", base + ".json")


def main(job_dir: str) -> int:
    in_dir, out_dir = os.path.join(job_dir, "in"), os.path.join(job_dir, "out")
    with open(os.path.join(in_dir, "job.json"), encoding="utf-8") as fh:
        job = json.load(fh)
    sys.path.insert(0, os.path.abspath(LIB))
    log = open(os.path.join(out_dir, "runner.log"), "w", encoding="utf-8", errors="replace")
    sys.stdout = sys.stderr = _Sink()
    signal.signal(signal.SIGALRM, _alarm)
    ns: dict = {"__name__": "__main__", "__builtins__": __builtins__}
    cells = []
    for i, src in enumerate(job["cells"]):
        start = time.perf_counter()
        status = "ok"
        try:
            # dont_inherit: this module's own `from __future__ import annotations` must not leak into
            # learner code (a pydantic model defined in a function would see its annotations as strings).
            code = compile(strip_magics(src), f"<cell {i}>", "exec", dont_inherit=True)
            signal.setitimer(signal.ITIMER_REAL, job["cell_timeout"])
            try:
                exec(code, ns)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as exc:  # noqa: BLE001 - a failing cell fails only what depends on it
            status = error_name(exc)
            print(f"cell {i}: {status}", file=log)
        cells.append({"status": status, "seconds": round(time.perf_counter() - start, 3)})
    with open(os.path.join(out_dir, "cells.json"), "w", encoding="utf-8") as fh:
        json.dump(cells, fh)

    import importlib.util

    from grader import spec

    spec.REGISTRY.clear()
    loader = importlib.util.spec_from_file_location("grading_spec", os.path.join(in_dir, "grading_spec.py"))
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    for index, grade_id in enumerate(job["probes"]):
        start = time.perf_counter()
        record = {"grade_id": grade_id, "error": None, "entries": []}
        arrays: dict = {}
        try:
            p = spec.REGISTRY[grade_id]
            signal.setitimer(signal.ITIMER_REAL, min(p.timeout, job["probe_timeout"]))
            try:
                value = p.func(ns)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            flatten(value, "", record["entries"], arrays)
        except BaseException as exc:  # noqa: BLE001
            record = {"grade_id": grade_id, "error": error_name(exc), "entries": []}
            arrays = {}
            print(f"probe {grade_id}: {type(exc).__name__}", file=log)
            if job.get("debug"):
                traceback.print_exc(file=log)
        record["seconds"] = round(time.perf_counter() - start, 3)
        write_result(out_dir, index, record, arrays)
    log.close()
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1]))
