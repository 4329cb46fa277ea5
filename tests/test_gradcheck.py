import numpy as np
import pytest
import torch
from hypothesis import given, settings

from course_utils import gradcheck
from strategies import float_arrays


def _torch_grad(fn, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn(t).backward()
    return t.grad.numpy()


@settings(max_examples=25, deadline=None)
@given(float_arrays())
def test_numerical_gradient_matches_autograd(x):
    x = np.clip(x, -3, 3)
    before = x.copy()
    num = gradcheck.numerical_gradient(lambda v: float(np.sum(np.sin(v) * v ** 2)), x)
    exact = _torch_grad(lambda t: torch.sum(torch.sin(t) * t ** 2), before)
    np.testing.assert_allclose(num, exact, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(x, before)  # restored exactly


def test_numerical_gradient_of_softmax_cross_entropy_matches_autograd():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(4, 3))
    X = rng.normal(size=(5, 4))
    y = np.array([0, 2, 1, 1, 0])

    def loss(W_):
        s = X @ W_
        s = s - s.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(5), y]))

    exact = _torch_grad(lambda t: torch.nn.functional.cross_entropy(torch.tensor(X) @ t, torch.tensor(y)), W)
    assert gradcheck.rel_error(gradcheck.numerical_gradient(loss, W), exact) < 1e-7


def test_numerical_gradient_rejects_bad_input():
    with pytest.raises(TypeError, match="NumPy array"):
        gradcheck.numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="float dtype"):
        gradcheck.numerical_gradient(lambda v: 0.0, np.arange(3))
    with pytest.raises(ValueError, match="h must be positive"):
        gradcheck.numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)


def test_rel_error():
    assert gradcheck.rel_error(np.ones(3), np.ones(3)) == 0.0
    assert gradcheck.rel_error([1.0], [3.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shapes must match"):
        gradcheck.rel_error(np.ones(2), np.ones(3))


def test_check_gradients_flags_a_wrong_gradient(capsys):
    rng = np.random.default_rng(1)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    X = rng.normal(size=(4, 3))

    def loss():
        return float(np.sum((X @ params["W"] + params["b"]) ** 2))

    out = X @ params["W"] + params["b"]
    good = {"W": 2 * X.T @ out, "b": 2 * out.sum(axis=0)}
    assert gradcheck.check_gradients(loss, params, good).ok
    bad = {"W": good["W"], "b": out.sum(axis=0)}  # forgot the factor 2
    report = gradcheck.check_gradients(loss, params, bad)
    assert not report.ok and report.errors["b"] > 0.1
    assert "WRONG?" in capsys.readouterr().out
    with pytest.raises(KeyError, match="missing"):
        gradcheck.check_gradients(loss, params, {"W": good["W"]})
    with pytest.raises(ValueError, match="shape"):
        gradcheck.check_gradients(loss, params, {"W": good["W"].T, "b": good["b"]})


def test_compare_reports_exact_allclose_and_difference(capsys):
    assert gradcheck.compare("same", torch.ones(2), np.ones(2))
    assert not gradcheck.compare("far", np.ones(2), np.zeros(2))
    assert not gradcheck.compare("shape", np.ones(2), np.ones(3))
    out = capsys.readouterr().out
    assert "exact: True" in out and "max difference: 1.00e+00" in out and "shapes differ" in out
