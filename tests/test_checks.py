import numpy as np
import pytest
import torch

from course_utils import checks


def test_check_shape_passes_and_explains_transpose():
    checks.check_shape(np.zeros((2, 3)), (2, 3), "Y")
    with pytest.raises(AssertionError, match=r"Y: expected shape \(2, 3\), got \(3, 2\).*transpose"):
        checks.check_shape(np.zeros((3, 2)), (2, 3), "Y")


def test_check_shape_reports_none_return():
    with pytest.raises(AssertionError, match="forget to `return`"):
        checks.check_shape(None, (2,), "softmax(z)")


def test_check_close_reports_worst_entry_and_tolerance():
    expected = np.array([[0.0, 1.0], [2.0, 3.0]])
    actual = expected.copy()
    actual[1, 0] = 2.5
    with pytest.raises(AssertionError, match=r"Worst at index \(1, 0\): expected 2, got 2.5.*rtol"):
        checks.check_close(actual, expected, "p")
    checks.check_close(expected + 1e-9, expected, "p")


def test_check_close_names_nan_location():
    with pytest.raises(AssertionError, match=r"NaN at index \(0, 1\)"):
        checks.check_close(np.array([[1.0, np.nan]]), np.array([[1.0, 2.0]]), "p")


def test_check_close_accepts_torch_tensors():
    checks.check_close(torch.tensor([1.0, 2.0]), np.array([1.0, 2.0]), "t")


def test_check_dtype_kinds_and_exact():
    checks.check_dtype(np.zeros(2, np.float32), np.float32)
    checks.check_dtype(np.zeros(2, np.int32), "integer")
    with pytest.raises(AssertionError, match="expected dtype float32, got float64"):
        checks.check_dtype(np.zeros(2), np.float32, "out")
    with pytest.raises(AssertionError, match="expected a floating dtype, got int64"):
        checks.check_dtype(np.zeros(2, np.int64), "floating")


def test_check_dtype_accepts_torch_dtypes():
    torch = pytest.importorskip("torch")
    checks.check_dtype(torch.zeros(2, dtype=torch.float64), torch.float64)
    checks.check_dtype(torch.zeros(2, dtype=torch.bool), "bool")
    with pytest.raises(AssertionError, match="expected dtype torch.float32, got torch.float64"):
        checks.check_dtype(torch.zeros(2, dtype=torch.float64), torch.float32, "out")
    with pytest.raises(AssertionError, match="expected dtype torch.float32, got float32"):
        checks.check_dtype(np.zeros(2, np.float32), torch.float32, "out")
    with pytest.raises(AssertionError, match="forget to `return`"):
        checks.check_dtype(None, torch.float32, "out")


def test_check_finite_inf():
    with pytest.raises(AssertionError, match=r"1 of 3 entries are NaN or inf; the first is inf at index \(2,\)"):
        checks.check_finite(np.array([0.0, 1.0, np.inf]), "p")


def test_check_scalar_rejects_arrays():
    checks.check_scalar(np.float64(2.0), 2.0)
    with pytest.raises(AssertionError, match=r"expected a single number, got an array of shape \(2,\)"):
        checks.check_scalar(np.array([1.0, 2.0]), 1.0, "loss")


def test_check_unchanged_and_true_and_type():
    a = np.arange(3.0)
    checks.check_unchanged(a.copy(), a)
    with pytest.raises(AssertionError, match="modified in place"):
        checks.check_unchanged(a.copy(), a + 1, "x")
    with pytest.raises(AssertionError, match="custom"):
        checks.check_true(False, "custom")
    with pytest.raises(AssertionError, match="expected type dict, got list"):
        checks.check_type([], dict, "params")
