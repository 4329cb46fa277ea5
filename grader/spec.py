"""What an assignment's ``grading_spec.py`` imports: ``@probe`` and the comparison wrappers.

A probe is a function ``probe(ns) -> dict``: given the namespace left by the learner's cells, it
calls the graded functions on inputs the grader chooses and returns their raw outputs (arrays,
numbers, strings, bools, tensors, or lists/tuples/dicts of them). It never decides pass or fail:
it runs inside the sandbox, next to code that may tamper with anything there.

The trusted parent runs the same probes on the instructor's solution and compares each value
with the learner's. How a value is compared is chosen by wrapping it (``close``, ``exact``,
``at_least``, ...); the parent reads the wrapping from the *solution's* run only, so a learner
cannot loosen a tolerance. This module has no dependencies beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

#: grade_id -> Probe, filled by ``@probe`` while a spec module is imported.
REGISTRY: dict[str, "Probe"] = {}

DEFAULT_RTOL = 1e-5  # the defaults of course_utils.checks.check_close
DEFAULT_ATOL = 1e-8


@dataclass
class Probe:
    grade_id: str
    func: Callable[[dict], Any]
    timeout: float = 60.0


def probe(grade_id: str, *, timeout: float = 60.0) -> Callable[[Callable], Callable]:
    """Register ``func(ns)`` as the probe of the autograded test cell ``grade_id``.

    Args:
        grade_id: the nbgrader grade_id of the test cell this probe grades (all or nothing).
        timeout: seconds this probe may run inside the sandbox before it fails.
    """
    def register(func: Callable) -> Callable:
        if grade_id in REGISTRY:
            raise ValueError(f"two probes for grade_id {grade_id!r}")
        REGISTRY[grade_id] = Probe(grade_id, func, timeout)
        return func
    return register


@dataclass
class Compare:
    """A value and how the trusted parent compares it (read from the solution's run only)."""

    value: Any
    how: str = "close"
    params: dict = field(default_factory=dict)


def close(value: Any, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL, dtype: bool = False) -> Compare:
    """Same shape and ``|learner - solution| <= atol + rtol * |solution|`` (NaN equals NaN).

    ``dtype=True`` also requires the same dtype (for "float32 in, float32 out"). Unwrapped floats
    are compared with ``close`` and its defaults.
    """
    return Compare(value, "close", {"rtol": rtol, "atol": atol, "dtype": dtype})


def exact(value: Any, dtype: bool = False) -> Compare:
    """Same shape and equal values (ints, bools, strings; unwrapped non-floats default to this)."""
    return Compare(value, "exact", {"dtype": dtype})


def at_least(value: Any, bound: float) -> Compare:
    """Every entry of the learner's value is ``>= bound`` (the solution's value is not used)."""
    return Compare(value, "at_least", {"bound": float(bound)})


def at_most(value: Any, bound: float) -> Compare:
    """Every entry of the learner's value is ``<= bound`` (the solution's value is not used)."""
    return Compare(value, "at_most", {"bound": float(bound)})


def shape_of(value: Any) -> Compare:
    """Only the shape must equal the solution's (values are free, e.g. random initialisation)."""
    return Compare(value, "shape", {})


def differs(value: Any, other: Any, atol: float = 0.0) -> Compare:
    """The learner's two values must differ somewhere by more than ``atol`` (e.g. parameters moved).

    ``value`` and ``other`` are both the learner's; the solution's are not used.
    """
    return Compare({"a": value, "b": other}, "differs", {"atol": float(atol)})


def agree(value: Any, other: Any, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Compare:
    """The learner's two values have the same shape and are close to each other, e.g. a block's output
    and ``relu(shortcut(x))`` of the same block (the solution's values are not used)."""
    return Compare({"a": value, "b": other}, "agree", {"rtol": rtol, "atol": atol})
