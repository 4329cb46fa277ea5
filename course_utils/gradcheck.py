"""Numerical gradients and readable gradient reports.

Central differences::

    df/dx_i ~= (f(x + h e_i) - f(x - h e_i)) / (2h)

have error O(h^2); with float64 and ``h=1e-5`` a correct analytic gradient agrees
to a relative error around 1e-8 or better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["numerical_gradient", "rel_error", "check_gradients", "GradReport", "compare"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of a scalar function.

    Args:
        f: maps an array shaped like ``x`` to a scalar. It is called with ``x`` itself,
            perturbed one entry at a time, so ``f`` may also close over ``x``.
        x: float array of any shape; restored exactly before returning.
        h: step size.

    Returns:
        Array shaped like ``x`` (float64) with ``df/dx``.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"numerical_gradient: x must be a NumPy array, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"numerical_gradient: x must have a float dtype, got {x.dtype}")
    if not h > 0:
        raise ValueError(f"numerical_gradient: h must be positive, got {h}")
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx].copy()
        x[idx] = old + h
        f_plus = float(f(x))
        x[idx] = old - h
        f_minus = float(f(x))
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a: Any, b: Any, eps: float = 1e-12) -> float:
    """Largest elementwise relative error ``|a-b| / max(|a|+|b|, eps)``; 0.0 for empty arrays."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes must match, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), eps)))


@dataclass
class GradReport:
    """Per-parameter relative errors between analytic and numerical gradients."""

    errors: dict[str, float]
    tol: float

    @property
    def ok(self) -> bool:
        """True when every parameter's relative error is at most ``tol``."""
        return all(e <= self.tol for e in self.errors.values())

    def __str__(self) -> str:
        width = max([len(k) for k in self.errors] + [9])
        rows = [f"{'parameter':<{width}}  rel. error  verdict"]
        for name, err in self.errors.items():
            rows.append(f"{name:<{width}}  {err:10.2e}  {'ok' if err <= self.tol else 'WRONG?'}")
        return "\n".join(rows)


def check_gradients(
    loss_fn: Callable[[], float],
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    h: float = 1e-5,
    tol: float = 1e-6,
    verbose: bool = True,
) -> GradReport:
    """Compare analytic gradients with central differences, parameter by parameter.

    Args:
        loss_fn: a no-argument function that recomputes the scalar loss from ``params``
            (it must read the arrays in ``params``, which are perturbed in place and restored).
        params: name -> float64 array.
        grads: name -> analytic gradient, same shapes as ``params``.
        h: finite-difference step.
        tol: the relative error above which a gradient is flagged.
        verbose: print the report table.

    Returns:
        A :class:`GradReport`; ``report.ok`` tells whether all gradients passed.
    """
    missing = set(params) - set(grads)
    if missing:
        raise KeyError(f"check_gradients: grads is missing {sorted(missing)}; it has {sorted(grads)}")
    errors = {}
    for name, p in params.items():
        g = np.asarray(grads[name])
        if g.shape != p.shape:
            raise ValueError(f"check_gradients: grads[{name!r}] has shape {g.shape}, expected {p.shape}")
        num = numerical_gradient(lambda _: loss_fn(), p, h)
        errors[name] = rel_error(g, num)
    report = GradReport(errors, tol)
    if verbose:
        print(report)
    return report


def compare(name: str, actual: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """Print whether two arrays/tensors are exactly equal, allclose, or how far apart.

    Returns:
        True when the two are equal or allclose.
    """
    from .checks import as_numpy

    a, e = as_numpy(actual, name), as_numpy(expected, name)
    if a.shape != e.shape:
        print(f"{name:<20} shapes differ: {a.shape} vs {e.shape}")
        return False
    exact = bool(np.array_equal(a, e))
    close = exact or bool(np.allclose(a, e, rtol=rtol, atol=atol))
    max_diff = float(np.max(np.abs(a.astype(np.float64) - e.astype(np.float64)))) if a.size else 0.0
    print(f"{name:<20} exact: {str(exact):<5}  allclose: {str(close):<5}  max difference: {max_diff:.2e}")
    return close
