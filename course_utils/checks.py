"""Assertion helpers for visible tests, with messages a beginner understands.

Each helper raises ``AssertionError`` saying what was expected, what arrived and where
(shape, dtype, the first NaN, the largest difference), so nbgrader shows that message.

Example::

    from course_utils.checks import check_shape, check_close
    check_shape(softmax(z), (2, 3), "softmax(z)")
    check_close(softmax(z), expected, "softmax(z)")
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = [
    "check_shape", "check_dtype", "check_finite", "check_close", "check_unchanged",
    "check_scalar", "check_type", "check_true", "as_numpy",
]


def as_numpy(value: Any, name: str = "value") -> np.ndarray:
    """Convert arrays, torch tensors, lists and scalars to a NumPy array for checking.

    Raises:
        AssertionError: ``value`` is None (usually a function that forgot to ``return``).
    """
    if value is None:
        raise AssertionError(f"{name}: expected an array but got None - did the function forget to `return`?")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor, without importing torch
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def check_type(value: Any, expected: type | tuple[type, ...], name: str = "value") -> None:
    """Check ``isinstance(value, expected)``."""
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        raise AssertionError(f"{name}: expected type {names}, got {type(value).__name__}")


def check_shape(value: Any, expected: Sequence[int], name: str = "value") -> None:
    """Check an array's shape, e.g. ``check_shape(Y, (N, H), "Y")``."""
    arr = as_numpy(value, name)
    expected = tuple(int(d) for d in expected)
    if arr.shape != expected:
        hint = ""
        if sorted(arr.shape) == sorted(expected) and arr.shape != expected:
            hint = " (same sizes in a different order: a transpose or the wrong axis?)"
        elif arr.size == int(np.prod(expected)):
            hint = " (same number of entries: check your reshape or keepdims)"
        raise AssertionError(f"{name}: expected shape {expected}, got {arr.shape}{hint}")


def check_dtype(value: Any, expected: Any, name: str = "value") -> None:
    """Check a dtype. ``expected`` may be a NumPy dtype (``np.float32``), a torch dtype
    (``torch.float32``, compared with the tensor's own dtype) or a kind: ``"floating"``, ``"integer"``."""
    if type(expected).__module__ == "torch" and type(expected).__name__ == "dtype":  # without importing torch
        got = getattr(value, "dtype", None)
        if value is None:
            as_numpy(value, name)  # raises the "forgot to return" message
        if got != expected:
            raise AssertionError(f"{name}: expected dtype {expected}, got {got}")
        return
    arr = as_numpy(value, name)
    if expected in ("floating", "integer", "bool"):
        kinds = {"floating": np.floating, "integer": np.integer, "bool": np.bool_}
        if not np.issubdtype(arr.dtype, kinds[expected]):
            raise AssertionError(f"{name}: expected a {expected} dtype, got {arr.dtype}")
        return
    if arr.dtype != np.dtype(expected):
        raise AssertionError(f"{name}: expected dtype {np.dtype(expected)}, got {arr.dtype}")


def check_finite(value: Any, name: str = "value") -> None:
    """Check that no entry is NaN or infinite, and say where the first bad one is."""
    arr = as_numpy(value, name)
    if not np.issubdtype(arr.dtype, np.number):
        raise AssertionError(f"{name}: expected numbers, got dtype {arr.dtype}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        kind = "NaN" if np.isnan(arr[idx]) else "inf"
        raise AssertionError(
            f"{name}: {int(bad.sum())} of {arr.size} entries are NaN or inf; the first is {kind} at index {idx}"
            " (overflow in exp? division by zero? log of 0?)"
        )


def check_close(actual: Any, expected: Any, name: str = "value", rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Check ``actual`` against ``expected`` within tolerance, reporting the worst entry.

    The test is NumPy's ``|actual - expected| <= atol + rtol * |expected|``, elementwise.
    Shapes must match exactly (no broadcasting), and NaN/inf in ``actual`` is reported as such.
    """
    a = as_numpy(actual, name)
    e = as_numpy(expected, f"expected {name}")
    check_shape(a, e.shape, name)
    if a.size == 0:
        return
    if np.all(np.isfinite(e)):
        check_finite(a, name)
    a64, e64 = a.astype(np.float64), e.astype(np.float64)
    diff = np.abs(a64 - e64)
    ok = diff <= atol + rtol * np.abs(e64)
    if not ok.all():
        worst = np.unravel_index(int(np.argmax(np.where(ok, -np.inf, diff))), a.shape) if a.ndim else ()
        raise AssertionError(
            f"{name}: {int((~ok).sum())} of {a.size} entries are off. Worst at index {tuple(map(int, worst))}: "
            f"expected {e64[worst]:.6g}, got {a64[worst]:.6g} (difference {diff[worst]:.3g}; "
            f"tolerance rtol={rtol:g}, atol={atol:g})"
        )


def check_scalar(value: Any, expected: float, name: str = "value", rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Check a single number (Python float, 0-d array or one-element tensor)."""
    arr = as_numpy(value, name)
    if arr.size != 1:
        raise AssertionError(f"{name}: expected a single number, got an array of shape {arr.shape}")
    check_close(arr.reshape(()), np.asarray(expected, dtype=np.float64), name, rtol=rtol, atol=atol)


def check_unchanged(before: Any, after: Any, name: str = "input") -> None:
    """Check that a function left its input array untouched (compare with a copy taken before)."""
    b, a = as_numpy(before, name), as_numpy(after, name)
    if b.shape != a.shape or not np.array_equal(b, a, equal_nan=True):
        raise AssertionError(f"{name} was modified in place; work on a copy instead (e.g. x.copy())")


def check_true(condition: bool, message: str) -> None:
    """Raise ``AssertionError(message)`` unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message)
