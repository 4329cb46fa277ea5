"""Trusted side: read a sandbox's plain-data results and compare them with the solution's.

Runs only in the instructor's process. Results are parsed defensively (size-capped JSON,
``np.load(allow_pickle=False)``), and how each value is compared comes from the solution's run.
Messages name the failed check (the key the spec chose) but never show expected values.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np

MAX_JSON = 1 << 20


@dataclass
class ProbeResult:
    grade_id: str
    error: str | None = None
    entries: list = field(default_factory=list)  # [{"name", "how", "params", "values": [ndarray, ...]}]


def parse_results(files: dict[str, bytes], probes: list[str]) -> dict[str, ProbeResult]:
    """grade_id -> ProbeResult for every probe the sandbox finished; missing ones are absent."""
    out: dict[str, ProbeResult] = {}
    for index, grade_id in enumerate(probes):
        jname, zname = f"{index:03d}.json", f"{index:03d}.npz"
        if jname not in files or zname not in files:
            continue
        try:
            if len(files[jname]) > MAX_JSON:
                raise ValueError("result too large")
            record = json.loads(files[jname].decode("utf-8"))
            if not isinstance(record, dict) or record.get("grade_id") != grade_id:
                raise ValueError("result for another cell")
            error = record.get("error")
            res = ProbeResult(grade_id, error=_clean_error(error) if error is not None else None)
            with zipfile.ZipFile(io.BytesIO(files[zname])) as zf:
                if sum(i.file_size for i in zf.infolist()) > 512 * 2**20:
                    raise ValueError("arrays too large")
            with np.load(io.BytesIO(files[zname]), allow_pickle=False) as npz:
                for e in record.get("entries", []):
                    values = [np.asarray(npz[str(k)]) for k in e["arrays"]]
                    res.entries.append({"name": str(e["name"]), "values": values})
            out[grade_id] = res
        except Exception:  # noqa: BLE001 - anything malformed from the sandbox fails that cell
            out[grade_id] = ProbeResult(grade_id, error="malformed result")
    return out


def _clean_error(error) -> str:
    text = str(error)
    return text if re.fullmatch(r"[A-Za-z]{1,40}", text) else "Exception"


def reference_entries(files: dict[str, bytes], probes: list[str]) -> dict[str, dict]:
    """The solution's results: grade_id -> {"entries": [{"name", "how", "params", "values"}]}."""
    out = {}
    for index, grade_id in enumerate(probes):
        record = json.loads(files[f"{index:03d}.json"].decode("utf-8"))
        if record.get("error"):
            raise RuntimeError(f"the solution's probe for {grade_id} raised {record['error']}: fix the spec or the "
                               "solution (rerun with --debug and read runner.log)")
        with np.load(io.BytesIO(files[f"{index:03d}.npz"]), allow_pickle=False) as npz:
            entries = [{"name": e["name"], "how": e["how"], "params": e["params"],
                        "values": [np.asarray(npz[k]) for k in e["arrays"]]} for e in record["entries"]]
        out[grade_id] = {"entries": entries}
    return out


def _numeric(a: np.ndarray) -> bool:
    return a.dtype.kind in "biufc"


def compare_entry(ref: dict, got: list[np.ndarray] | None) -> bool:
    """Does the learner's value pass the solution's entry ``ref``?"""
    if got is None or len(got) != len(ref["values"]):
        return False
    how, params = ref["how"], ref["params"]
    if how == "differs":
        a, b = got
        if a.shape != b.shape or not (_numeric(a) and _numeric(b)):
            return True if a.shape != b.shape else not np.array_equal(a, b)
        diff = np.abs(a.astype(np.complex128) - b.astype(np.complex128))
        return bool(np.any(diff > params["atol"]) or np.any(np.isnan(a) != np.isnan(b)))
    if how == "agree":
        a, b = got
        return a.shape == b.shape and compare_entry({"how": "close", "params": {**params, "dtype": False},
                                                     "values": [b]}, [a])
    value, expected = got[0], ref["values"][0]
    if how in ("at_least", "at_most"):
        if not _numeric(value) or value.size == 0 or value.dtype.kind == "c":
            return False
        v = value.astype(np.float64)
        ok = v >= params["bound"] if how == "at_least" else v <= params["bound"]
        return bool(np.all(ok) and not np.any(np.isnan(v)))
    if value.shape != expected.shape:
        return False
    if how == "shape":
        return True
    if params.get("dtype") and value.dtype != expected.dtype:
        return False
    if how == "auto":
        how = "close" if expected.dtype.kind in "fc" else "exact"
        params = {"rtol": 1e-5, "atol": 1e-8}
    if how == "exact" or not (_numeric(value) and _numeric(expected)):
        if _numeric(value) != _numeric(expected):
            return False
        return bool(np.array_equal(value, expected))
    if value.dtype.kind == "b" and expected.dtype.kind != "b":
        return False
    v = value.astype(np.complex128 if "c" in value.dtype.kind + expected.dtype.kind else np.float64)
    e = expected.astype(v.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        same_inf = (np.isinf(v) == np.isinf(e)) & np.where(np.isinf(e), v == e, True)
        ok = np.isclose(v, e, rtol=params["rtol"], atol=params["atol"], equal_nan=True)
    return bool(np.all(ok & same_inf))


def score_cell(ref: dict, res: ProbeResult | None) -> tuple[bool, str]:
    """(passed, one-line message a learner may see) for one test cell."""
    if res is None:
        return False, "not graded: the submission stopped (time, memory or a crash) before this test ran"
    if res.error:
        return False, f"failed: your code raised {res.error}" if res.error not in ("Timeout", "malformed result") \
            else ("failed: ran out of time" if res.error == "Timeout" else "failed: unreadable result")
    got = {e["name"]: e["values"] for e in res.entries}
    failed = [e["name"] for e in ref["entries"] if not compare_entry(e, got.get(e["name"]))]
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        return False, f"failed: {failed[0]}{more}"
    return True, "passed"
