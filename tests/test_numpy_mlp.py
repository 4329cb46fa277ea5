"""Unit tests for course_utils.numpy_mlp (the MNIST debugging chapter's network)."""

import subprocess
import sys

import numpy as np
import pytest

from course_utils.gradcheck import check_gradients
from course_utils.numpy_mlp import ACTIVATIONS, MLP, init_std, sigmoid


def _data(n=7, d=5, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, c, size=n)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("sizes", [[5, 3], [5, 4, 3], [5, 6, 4, 3]])
def test_gradients_match_finite_differences(activation, sizes):
    X, y = _data()
    net = MLP(sizes, activation, init="xavier", seed=1, dtype=np.float64)
    for b in net.bs:  # nonzero biases, so their gradients are tested at a generic point
        b[:] = np.random.default_rng(2).normal(size=b.shape)
    loss, dWs, dbs = net.gradients(X, y)
    grads = {f"{k}{l + 1}": g for l in range(len(dWs)) for k, g in (("W", dWs[l]), ("b", dbs[l]))}
    report = check_gradients(lambda: net.gradients(X, y)[0], net.named_params(), grads, verbose=False)
    assert report.ok, str(report)


def test_loss_matches_softmax_cross_entropy_and_shapes():
    X, y = _data(n=6, d=4, c=5)
    net = MLP([4, 8, 5], "tanh", "xavier", seed=3, dtype=np.float64)
    S, cache = net.forward(X)
    assert S.shape == (6, 5) and len(cache) == 2
    assert cache[0][0] is X and cache[0][1].shape == (6, 8) and cache[1][0].shape == (6, 8)
    np.testing.assert_allclose(cache[1][0], np.tanh(cache[0][1]))
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    loss, dWs, dbs = net.gradients(X, y)
    assert loss == pytest.approx(-np.log(P[np.arange(6), y]).mean())
    assert [g.shape for g in dWs] == [W.shape for W in net.Ws] == [(4, 8), (8, 5)]
    assert [g.shape for g in dbs] == [b.shape for b in net.bs] == [(8,), (5,)]
    np.testing.assert_array_equal(net.predict(X), S.argmax(axis=1))
    assert list(net.named_params()) == ["W1", "b1", "W2", "b2"]
    assert net.named_params()["W2"] is net.Ws[1]


def test_initialization_is_seeded_and_scaled():
    a, b = MLP([784, 256, 10], seed=5), MLP([784, 256, 10], seed=5)
    for Wa, Wb in zip(a.Ws, b.Ws):
        np.testing.assert_array_equal(Wa, Wb)
    assert a.Ws[0].dtype == np.float32 and a.bs[0].dtype == np.float32
    assert not np.any(a.bs[0]) and not np.any(a.bs[1])
    assert a.Ws[0].std() == pytest.approx(np.sqrt(2 / 784), rel=0.02)  # He
    xav = MLP([784, 256, 10], "tanh", "xavier", scale=2.0, dtype=np.float64)
    assert xav.Ws[0].dtype == np.float64
    assert xav.Ws[0].std() == pytest.approx(2.0 * np.sqrt(2 / (784 + 256)), rel=0.02)
    assert MLP([784, 256, 10], init=0.01).Ws[0].std() == pytest.approx(0.01, rel=0.02)
    assert init_std(100, 50, "he") == pytest.approx(np.sqrt(0.02))
    assert init_std(100, 50, "xavier") == pytest.approx(np.sqrt(2 / 150))
    assert init_std(100, 50, 0.5) == 0.5


def test_float32_network_keeps_float32():
    X, y = _data(n=4, d=6, c=2)
    net = MLP([6, 5, 2], "sigmoid")
    _, dWs, dbs = net.gradients(X.astype(np.float32), y)
    assert all(g.dtype == np.float32 for g in dWs + dbs)


def test_sigmoid_is_stable_and_correct():
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    with np.errstate(all="raise"):
        s = sigmoid(z)
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.exp(5.0)), 0.5, 1 / (1 + np.exp(-5.0)), 1.0], atol=1e-15)


@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": [5]}, "at least two entries"),
    ({"sizes": []}, "at least two entries"),
    ({"sizes": [5, 0, 3]}, "positive integer"),
    ({"sizes": [5, 2.5, 3]}, "positive integer"),
    ({"sizes": [5, 3], "activation": "softplus"}, "unknown activation 'softplus'"),
    ({"sizes": [5, 3], "init": "kaiming"}, "unknown initialization 'kaiming'"),
    ({"sizes": [5, 3], "init": -0.1}, "positive standard deviation"),
    ({"sizes": [5, 3], "scale": 0.0}, "scale must be a positive number"),
    ({"sizes": [5, 3], "dtype": np.int64}, "dtype must be a float type"),
])
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_bad_inputs_raise_clear_errors():
    net = MLP([5, 4, 3], dtype=np.float64)
    X, y = _data()
    with pytest.raises(ValueError, match=r"X must be a 2-D array \(N, 5\)"):
        net.forward(X[:, :4])
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        net.predict(X[0])
    with pytest.raises(ValueError, match="one label per row"):
        net.gradients(X, y[:-1])
    with pytest.raises(ValueError, match="integer array"):
        net.gradients(X, y.astype(float))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\)"):
        net.gradients(X, np.full(len(X), 3))


def test_import_is_light():
    code = ("import sys, course_utils.numpy_mlp; "
            "print(sorted(m for m in ('torch', 'matplotlib', 'sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
