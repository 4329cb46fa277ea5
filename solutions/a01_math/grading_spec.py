"""Trusted grading spec for a01_math: one probe per autograded test cell (see grader/README.md).

Each probe calls the learner's functions on the inputs of that cell's visible and hidden tests
and returns the raw outputs. The grader runs the same probes on the solution and compares.
"""

import numpy as np

from grader.spec import close, probe


@probe("test_softmax_basic")
def softmax_basic(ns):
    z = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    return {"softmax(z)": ns["softmax"](z)}


@probe("test_softmax_stability")
def softmax_stability(ns):
    softmax = ns["softmax"]
    z = np.array([[5.0, 3.0], [2.0, 9.0]])
    out = {
        "softmax([1000, 1001, 1002])": softmax(np.array([1000.0, 1001.0, 1002.0])),
        "softmax([-1000, -1000])": softmax(np.array([-1000.0, -1000.0])),
        "softmax of rows with very different scales": softmax(np.array([[0.0, 1.0], [1000.0, 1001.0]])),
        "softmax with -inf scores": softmax(np.array([-np.inf, 0.0, -np.inf])),
        "softmax([1e4, -1e4])": softmax(np.array([1e4, -1e4])),
        "softmax(z)": softmax(z),
    }
    out["z after softmax(z) (must be unchanged)"] = z
    return out


@probe("test_softmax_axis_and_shapes")
def softmax_axis_and_shapes(ns):
    softmax = ns["softmax"]
    z = np.random.default_rng(1).normal(scale=5.0, size=(2, 3, 4))
    out = {f"softmax(z, axis={axis}) for z of shape (2, 3, 4)": softmax(z, axis=axis) for axis in (0, 1, 2, -1, -2)}
    out["softmax of a 1-D vector"] = softmax(z[0, 0])
    out["softmax of a batch of one, shape (1, 4)"] = softmax(z[:1, 0])
    out["softmax over a single class, shape (3, 1)"] = softmax(np.zeros((3, 1)))
    return out


@probe("test_softmax_dtype")
def softmax_dtype(ns):
    softmax = ns["softmax"]
    z32 = np.array([[100.0, 101.0, 102.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    return {"softmax(float32 input)": close(softmax(z32), rtol=1e-5, atol=1e-6, dtype=True),
            "softmax(integer input)": softmax(np.array([1, 2, 3]))}


@probe("test_logsumexp_basic")
def logsumexp_basic(ns):
    z = np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 3.0]])
    return {"logsumexp(z) for z of shape (3, 2)": ns["logsumexp"](z)}


@probe("test_logsumexp_stability")
def logsumexp_stability(ns):
    lse = ns["logsumexp"]
    return {
        "logsumexp([1000, 1000])": lse(np.array([1000.0, 1000.0])),
        "logsumexp([-1000, -1000])": lse(np.array([-1000.0, -1000.0])),
        "logsumexp of rows with very different scales": lse(np.array([[0.0, 1.0], [1000.0, 1001.0]])),
        "logsumexp([1e4, -1e4, 0])": lse(np.array([1e4, -1e4, 0.0])),
        "logsumexp([-inf, 0])": lse(np.array([-np.inf, 0.0])),
    }


@probe("test_logsumexp_axis_dtype")
def logsumexp_axis_dtype(ns):
    lse = ns["logsumexp"]
    z = np.random.default_rng(2).normal(scale=10.0, size=(3, 4, 5))
    out = {f"logsumexp(z, axis={axis}) for z of shape (3, 4, 5)": lse(z, axis=axis) for axis in (0, 1, -1)}
    out["logsumexp of a batch of one, shape (1, 5)"] = lse(z[:1, 0])
    z32 = np.array([[200.0, 199.0], [-200.0, -201.0]], dtype=np.float32)
    out["logsumexp(float32 input)"] = close(lse(z32), rtol=1e-6, dtype=True)
    return out


@probe("test_cross_entropy_basic")
def cross_entropy_basic(ns):
    ce = ns["cross_entropy"]
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    return {"cross_entropy(logits, y)": close(ce(logits, np.array([0, 1])), rtol=1e-5),
            "cross_entropy of uniform logits over 10 classes": ce(np.zeros((4, 10)), np.array([0, 3, 9, 5]))}


@probe("test_cross_entropy_stability")
def cross_entropy_stability(ns):
    ce = ns["cross_entropy"]
    big = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    return {
        "cross_entropy of confident, correct predictions": close(ce(big, np.array([0, 1])), atol=1e-6),
        "cross_entropy of confident, wrong predictions": ce(big, np.array([1, 0])),
        "cross_entropy with very negative logits": ce(np.array([[-1000.0, -1001.0]]), np.array([1])),
        "cross_entropy with logits of 1e4": ce(np.array([[1e4, -1e4, 0.0]]), np.array([2])),
    }


@probe("test_cross_entropy_reference")
def cross_entropy_reference(ns):
    ce = ns["cross_entropy"]
    rng = np.random.default_rng(3)
    out = {}
    for n, c in [(1, 3), (5, 2), (7, 10), (3, 3)]:
        s = rng.normal(scale=4.0, size=(n, c))
        y = rng.integers(0, c, size=n)
        out[f"cross_entropy with N={n}, C={c}"] = np.reshape(ce(s, y), ())
    s = rng.normal(size=(6, 4)).astype(np.float32)
    y = rng.integers(0, 4, size=6)
    out["cross_entropy(float32 logits)"] = close(np.reshape(ce(s, y), ()), rtol=1e-5)
    s = rng.normal(size=(3, 3))
    out["cross_entropy uses the label of each row"] = np.reshape(ce(s, np.array([2, 0, 1])), ())
    return out


@probe("test_numerical_gradient_basic")
def numerical_gradient_basic(ns):
    x = np.array([1.0, -2.0, 3.0])
    return {"gradient of sum(x**2)": close(ns["numerical_gradient"](lambda v: np.sum(v ** 2), x), rtol=1e-6)}


@probe("test_numerical_gradient_shapes")
def numerical_gradient_shapes(ns):
    grad = ns["numerical_gradient"]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3))
    out = {"gradient of sum(sin(x)), x of shape (2, 3)": close(grad(lambda v: np.sum(np.sin(v)), x), rtol=1e-6),
           "x after the call (must be unchanged)": x}
    x3 = rng.normal(size=(2, 2, 3))
    out["gradient for x of shape (2, 2, 3)"] = close(grad(lambda v: np.sum(np.exp(v)), x3), rtol=1e-6)
    out["3-D x after the call (must be unchanged)"] = x3
    out["gradient for x of shape (1, 1)"] = close(grad(lambda v: float(v[0, 0] ** 2), np.array([[0.7]])), rtol=1e-6)
    return out


@probe("test_numerical_gradient_accuracy")
def numerical_gradient_accuracy(ns):
    grad = ns["numerical_gradient"]
    x = np.array([[1.5, -0.5], [2.0, 0.25]])
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    w = np.array([0.3, -0.8])
    return {
        "gradient of sum(x**3) (error must be O(h^2))": close(grad(lambda v: np.sum(v ** 3), x), rtol=1e-8, atol=1e-9),
        "gradient of w^T A x": close(grad(lambda v: float(w @ A @ v), np.array([1.0, 1.0])), rtol=1e-7),
        "numerical_gradient with h=1e-3": close(grad(lambda v: np.sum(v ** 3), np.array([3.0]), h=1e-3), rtol=1e-9),
    }


@probe("test_softmax_jacobian_basic")
def softmax_jacobian_basic(ns):
    jac = ns["softmax_jacobian"]
    return {"softmax_jacobian(z) for z of shape (3,)": close(jac(np.array([1.0, 2.0, 0.5])), rtol=1e-6, atol=1e-9),
            "softmax_jacobian of z = [0, 0]": close(jac(np.zeros(2)), atol=1e-12)}


@probe("test_softmax_jacobian_hidden")
def softmax_jacobian_hidden(ns):
    jac = ns["softmax_jacobian"]
    rng = np.random.default_rng(7)
    out = {}
    for shape in [(4,), (1, 5), (6, 3), (2, 10)]:
        z = rng.normal(scale=3.0, size=shape)
        out[f"softmax_jacobian(z) for z of shape {shape}"] = close(jac(z), rtol=1e-7, atol=1e-12)
        out[f"z of shape {shape} after the call (must be unchanged)"] = z
    out["softmax_jacobian of scores of +-1000"] = close(
        jac(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])), atol=1e-12)
    out["softmax_jacobian(float32 z)"] = close(jac(rng.normal(size=(3, 4)).astype(np.float32)), rtol=1e-4,
                                               atol=1e-6, dtype=True)
    return out


@probe("test_softmax_backward_basic")
def softmax_backward_basic(ns):
    back, softmax = ns["softmax_backward"], ns["softmax"]
    rng = np.random.default_rng(0)
    z, dp = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    onehot = np.eye(4)[np.array([2, 0])]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)  # the grader's own softmax: the learner's may be wrong here
    return {"softmax_backward(z, dp) for shape (2, 4)": close(back(z, dp), rtol=1e-6, atol=1e-9),
            "softmax_backward with the cross-entropy gradient dL/dp = -e_y / p_y": close(back(z, -onehot / p),
                                                                                          atol=1e-12)}


@probe("test_softmax_backward_hidden")
def softmax_backward_hidden(ns):
    back = ns["softmax_backward"]
    rng = np.random.default_rng(11)
    out = {}
    for shape in [(5, 3), (1, 7), (4,), (3, 2)]:
        z, dp = rng.normal(scale=4.0, size=shape), rng.normal(size=shape)
        out[f"softmax_backward for shape {shape}"] = close(back(z, dp), rtol=1e-7, atol=1e-12)
        out[f"z and dp of shape {shape} after the call (must be unchanged)"] = np.stack([z, dp])
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    out["softmax_backward at extreme scores"] = close(back(z, np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]])),
                                                      atol=1e-12)
    out["softmax_backward of a constant upstream gradient"] = close(back(z, np.ones_like(z)), atol=1e-12)
    z, dp = rng.normal(size=(1, 200_000)), rng.normal(size=(1, 200_000))
    out["softmax_backward with C = 200,000 classes"] = close(back(z, dp), rtol=1e-6, atol=1e-15)
    z32, dp32 = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    out["softmax_backward(float32 inputs)"] = close(back(z32, dp32), rtol=1e-4, atol=1e-6, dtype=True)
    return out
