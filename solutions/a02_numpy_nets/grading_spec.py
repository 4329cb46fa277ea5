"""Trusted grading spec for a02_numpy_nets: one probe per autograded test cell (see grader/README.md).

Each probe calls the learner's functions on the inputs of that cell's visible and hidden tests
and returns raw outputs; the grader runs the same probes on the solution and compares. Where a
correct answer may legitimately differ from the solution (random initialisation, training), a
probe returns bounds, shapes, or differences computed with the learner's own functions instead.
"""

import time

import numpy as np

from grader.spec import at_least, at_most, close, differs, exact, probe, shape_of


def _params(rng, D, H, C, scale=1.0):
    return {"W1": scale * rng.normal(size=(D, H)), "b1": rng.normal(size=H), "W2": scale * rng.normal(size=(H, C)),
            "b2": rng.normal(size=C)}


def _no_overflow(func, x):
    """func(x) with NumPy's overflow, invalid and divide warnings raised as errors (the probe fails)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return func(x)


# --- activations ----------------------------------------------------------------------------

@probe("test_relu_values")
def relu_values(ns):
    relu = ns["relu"]
    return {"relu([-2, -0.5, 0, 0.5, 3])": relu(np.array([-2.0, -0.5, 0.0, 0.5, 3.0])),
            "relu of a (2, 3) matrix": relu(np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]]))}


@probe("test_relu_edge_cases")
def relu_edge_cases(ns):
    relu = ns["relu"]
    rng = np.random.default_rng(10)
    X = rng.normal(size=(4, 5))
    out = {"relu of a random (4, 5) matrix": relu(X), "relu's input x after the call (must be unchanged)": X}
    out["relu of a (2, 3, 4) array"] = relu(rng.normal(size=(2, 3, 4)))
    out["relu(float32 input)"] = close(relu(X.astype(np.float32)), dtype=True)
    out["relu of a batch of one [[-1e300, 1e300]]"] = relu(np.array([[-1e300, 1e300]]))
    return out


@probe("test_relu_derivative_values")
def relu_derivative_values(ns):
    d = ns["relu_derivative"]
    return {"relu_derivative([-2, -0.5, 0.5, 3])": d(np.array([-2.0, -0.5, 0.5, 3.0])),
            "relu_derivative of a (2, 3) matrix": d(np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]]))}


@probe("test_relu_derivative_edge_cases")
def relu_derivative_edge_cases(ns):
    d = ns["relu_derivative"]
    rng = np.random.default_rng(11)
    X = rng.normal(scale=3.0, size=(3, 4))
    one = np.asarray(d(np.array([[-1.0, 1.0]])))
    return {"relu_derivative at 0 and just next to it": d(np.array([0.0, -0.0, 1e-12, -1e-12])),
            "relu_derivative's output dtype kind (floats, not booleans)": exact(one.dtype.kind),
            "relu_derivative of a batch of one": one,
            "relu_derivative of random pre-activations": close(d(X), atol=1e-6),
            "relu_derivative's input x after the call (must be unchanged)": X}


@probe("test_sigmoid_values")
def sigmoid_values(ns):
    s = ns["sigmoid"]
    return {"sigmoid([-2, 0, 2])": s(np.array([-2.0, 0.0, 2.0])),
            "sigmoid of a (3, 2) matrix": s(np.array([[-1.0, 0.5], [3.0, -4.0], [0.0, 1.0]]))}


@probe("test_sigmoid_stability")
def sigmoid_stability(ns):
    s = ns["sigmoid"]
    x = np.array([-1e4, -745.0, -710.0, -50.0, -20.0, 20.0, 50.0, 710.0, 745.0, 1e4])
    x32 = np.array([-100.0, -89.0, -10.0, 0.0, 10.0, 89.0, 100.0], dtype=np.float32)
    return {"sigmoid([-1000, 1000]) without overflow": _no_overflow(s, np.array([-1000.0, 1000.0])),
            "sigmoid of +-1e4, +-745, +-710, +-50, +-20 without overflow": _no_overflow(s, x),
            "sigmoid of float32 input with |x| up to 100": close(_no_overflow(s, x32), rtol=1e-6, atol=1e-7,
                                                                 dtype=True),
            "sigmoid of a batch of one [[-1000, 0, 1000]]": _no_overflow(s, np.array([[-1000.0, 0.0, 1000.0]]))}


@probe("test_sigmoid_reference")
def sigmoid_reference(ns):
    s = ns["sigmoid"]
    X = np.random.default_rng(12).normal(scale=8.0, size=(2, 3, 4))
    out = {"sigmoid of a random (2, 3, 4) array": s(X)}
    out["sigmoid's input x after the call (must be unchanged)"] = X
    out["sigmoid(-x) on random input"] = close(s(-X), atol=1e-12)
    out["sigmoid(integer input)"] = s(np.array([-1, 0, 1]))
    return out


@probe("test_sigmoid_derivative_values")
def sigmoid_derivative_values(ns):
    d = ns["sigmoid_derivative"]
    return {"sigmoid_derivative([-2, 0, 2])": d(np.array([-2.0, 0.0, 2.0])),
            "sigmoid_derivative([[0]])": d(np.array([[0.0]]))}


@probe("test_sigmoid_derivative_extremes")
def sigmoid_derivative_extremes(ns):
    d = ns["sigmoid_derivative"]
    X = np.random.default_rng(13).normal(scale=3.0, size=(3, 5))
    return {"sigmoid_derivative([-1000, -50, 50, 1000]) without overflow":
            close(_no_overflow(d, np.array([-1000.0, -50.0, 50.0, 1000.0]))),
            "sigmoid_derivative of random (3, 5) pre-activations": close(d(X), rtol=1e-6, atol=1e-9)}


# --- initialisation and forward pass --------------------------------------------------------

@probe("test_init_params_shapes")
def init_params_shapes(ns):
    init = ns["init_params"]
    params = init(5, 4, 3, seed=0)
    again = init(5, 4, 3, seed=0)
    out = {"init_params(5, 4, 3) keys": exact(",".join(sorted(params)))}
    for name in ("W1", "b1", "W2", "b2"):
        out[f"init_params(5, 4, 3)['{name}'] shape"] = shape_of(params[name])
        out[f"init_params(5, 4, 3)['{name}'] dtype"] = exact(np.asarray(params[name]).dtype.str)
        out[f"init_params(5, 4, 3, seed=0)['{name}'] called twice (difference)"] = exact(
            np.asarray(again[name]) - np.asarray(params[name]))
    out["init_params(5, 4, 3)['b1'] (biases start at zero)"] = params["b1"]
    out["init_params(5, 4, 3)['b2'] (biases start at zero)"] = params["b2"]
    return out


@probe("test_init_params_statistics")
def init_params_statistics(ns):
    init = ns["init_params"]
    D, H, C = 784, 256, 10
    params = init(D, H, C, seed=3)
    W1, W2 = np.asarray(params["W1"]), np.asarray(params["W2"])
    he1, he2 = np.sqrt(2.0 / D), np.sqrt(2.0 / H)
    other = init(D, H, C, seed=4)
    default, zero = init(6, 5, 4), init(6, 5, 4, seed=0)
    out = {"init_params(784, 256, 10)['W1'] shape": shape_of(W1), "init_params(784, 256, 10)['W2'] shape": shape_of(W2),
           "init_params(784, 256, 10)['b1'] shape": shape_of(np.asarray(params["b1"])),
           "W1 std relative to He's sqrt(2/784) (off by at most 10%)": at_most(abs(W1.std() - he1) / he1, 0.1),
           "W1 mean relative to He's std": at_most(abs(W1.mean()) / he1, 0.1),
           "W2 std (He's sqrt(2/256), within 10%)": at_most(abs(W2.std() - he2) / he2, 0.1),
           "init_params(784, 256, 10)['b1']": params["b1"],
           "init_params(784, 256, 10)['b2']": params["b2"],
           "W1 with seeds 3 and 4": differs(np.asarray(other["W1"]), W1, atol=1e-12),
           "W2 with seeds 3 and 4": differs(np.asarray(other["W2"]), W2, atol=1e-12),
           "init_params(6, 5, 4): distinct W1 entries": exact(len(np.unique(np.asarray(default["W1"]))))}
    for name in zero:
        out[f"init_params(6, 5, 4)['{name}'] minus init_params(6, 5, 4, seed=0) (default seed 0)"] = exact(
            np.asarray(default[name]) - np.asarray(zero[name]))
    return out


@probe("test_forward_small")
def forward_small(ns):
    params = {"W1": np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]]), "b1": np.array([0.0, 1.0, -0.5]),
              "W2": np.array([[1.0, 0.0], [0.0, 1.0], [-2.0, 3.0]]), "b2": np.array([0.5, -0.5])}
    return {"forward on the hand-computed example": ns["forward"](params, np.array([[1.0, 1.0], [-1.0, 2.0]]))}


@probe("test_forward_reference")
def forward_reference(ns):
    forward = ns["forward"]
    rng = np.random.default_rng(20)
    out = {}
    for N, D, H, C in [(6, 4, 5, 3), (1, 7, 3, 2), (5, 4, 4, 4), (3, 2, 8, 5)]:
        p = _params(rng, D, H, C)
        X = rng.normal(size=(N, D))
        out[f"forward with N={N}, D={D}, H={H}, C={C}"] = forward(p, X)
        out[f"X and params after forward (N={N}, D={D}, H={H}, C={C}; must be unchanged)"] = {"X": X, **p}
    return out


# --- loss and gradients ---------------------------------------------------------------------

@probe("test_loss_and_grads_loss")
def loss_and_grads_loss(ns):
    lg = ns["loss_and_grads"]
    zero = {"W1": np.zeros((4, 6)), "b1": np.zeros(6), "W2": np.zeros((6, 3)), "b2": np.zeros(3)}
    out = {"loss of a network whose scores are all 0": np.reshape(lg(zero, np.ones((5, 4)), np.array([0, 1, 2, 0, 1]))[0], ())}
    rng = np.random.default_rng(0)
    params = _params(rng, 4, 6, 3)
    X, y = rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0])
    out["loss of a small random network"] = np.reshape(lg(params, X, y)[0], ())
    rng = np.random.default_rng(30)
    for N, D, H, C in [(7, 3, 5, 4), (1, 4, 4, 4), (10, 6, 3, 10)]:
        p = _params(rng, D, H, C)
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        out[f"loss of a random network with N={N}, D={D}, H={H}, C={C}"] = np.reshape(lg(p, X, y)[0], ())
    p = {"W1": 100 * rng.normal(size=(4, 5)), "b1": rng.normal(size=5), "W2": 100 * rng.normal(size=(5, 3)),
         "b2": np.zeros(3)}
    X, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 0, 1, 2])
    out["loss when the scores are in the thousands"] = np.reshape(lg(p, X, y)[0], ())
    return out


@probe("test_loss_and_grads_shapes")
def loss_and_grads_shapes(ns):
    lg = ns["loss_and_grads"]
    rng = np.random.default_rng(1)
    params = _params(rng, 4, 6, 3)
    X, y = rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0])
    result = lg(params, X, y)
    out = {"loss_and_grads returns a tuple of two": exact(isinstance(result, tuple) and len(result) == 2)}
    grads = result[1]
    out["grads keys"] = exact(",".join(sorted(grads)))
    for k in params:
        out[f"grads['{k}'] shape"] = shape_of(grads[k])
        out[f"grads['{k}'] dtype"] = exact(np.asarray(grads[k]).dtype.str)
    for N, D, H, C in [(3, 7, 2, 5), (1, 3, 4, 2), (8, 2, 9, 3)]:
        p = _params(rng, D, H, C)
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        _, grads = lg(p, X, y)
        out[f"grads keys with N={N}, D={D}, H={H}, C={C}"] = exact(",".join(sorted(grads)))
        out[f"grads with N={N}, D={D}, H={H}, C={C}"] = {k: close(grads[k], rtol=1e-5, atol=1e-7) for k in p}
        out[f"inputs after loss_and_grads (N={N}, D={D}, H={H}, C={C}; must be unchanged)"] = {"X": X, "y": y, **p}
    return out


@probe("test_loss_and_grads_gradcheck")
def loss_and_grads_gradcheck(ns):
    lg, numgrad = ns["loss_and_grads"], ns["numerical_gradient"]
    rng = np.random.default_rng(2)
    params = _params(rng, 4, 6, 3)
    X, y = rng.normal(size=(5, 4)), np.array([0, 2, 1, 1, 0])
    _, grads = lg(params, X, y)
    out = {}
    for k in params:  # analytic minus numerical gradient of the learner's own loss: about 0 when consistent
        numerical = numgrad(lambda _: lg(params, X, y)[0], params[k])
        out[f"grads['{k}'] minus the numerical gradient of your loss"] = close(np.asarray(grads[k]) - numerical,
                                                                               atol=1e-6)
    for seed, (N, D, H, C) in enumerate([(6, 3, 5, 4), (9, 5, 7, 3), (4, 2, 6, 6)]):
        rng = np.random.default_rng(40 + seed)
        p = _params(rng, D, H, C)
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        _, grads = lg(p, X, y)
        out[f"grads on a random network (N={N}, D={D}, H={H}, C={C})"] = {
            k: close(grads[k], rtol=1e-5, atol=1e-7) for k in ("W1", "b1", "W2", "b2")}
    return out


@probe("test_loss_and_grads_square_and_batch_of_one")
def loss_and_grads_square(ns):
    lg = ns["loss_and_grads"]
    out = {}
    for seed, (N, D, H, C) in enumerate([(5, 4, 4, 4), (3, 3, 3, 3), (1, 4, 5, 3), (1, 3, 3, 3)]):
        rng = np.random.default_rng(50 + seed)
        p = _params(rng, D, H, C)
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
        _, grads = lg(p, X, y)
        out[f"grads (N={N}, D={D}, H={H}, C={C})"] = {k: close(grads[k], rtol=1e-5, atol=1e-7)
                                                       for k in ("W1", "b1", "W2", "b2")}
    rng = np.random.default_rng(60)
    p = {"W1": 100 * rng.normal(size=(3, 4)), "b1": np.zeros(4), "W2": 100 * rng.normal(size=(4, 2)), "b2": np.zeros(2)}
    X, y = rng.normal(size=(4, 3)), np.array([0, 1, 1, 0])
    _, grads = lg(p, X, y)
    out["grads when the scores are in the thousands"] = {k: close(grads[k], rtol=1e-6, atol=1e-6) for k in p}
    return out


# --- training -------------------------------------------------------------------------------

def _mlp_accuracy(params, X, y):
    scores = np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    return float(np.mean(scores.argmax(axis=1) == y))


@probe("test_train_small")
def train_small(ns):
    train = ns["train"]
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    X = np.concatenate([c + rng.normal(size=(50, 2)) for c in centers])
    y = np.repeat(np.arange(3), 50)
    params = train(X, y, hidden_size=16, lr=0.1, epochs=20, batch_size=16, seed=0)
    again = train(X, y, hidden_size=16, lr=0.1, epochs=20, batch_size=16, seed=0)
    out = {"train(...) keys": exact(",".join(sorted(params))),
           "training accuracy on three separated blobs": at_least(_mlp_accuracy(params, X, y), 0.9)}
    for k in ("W1", "b1", "W2", "b2"):
        out[f"train(...)['{k}'] shape"] = shape_of(params[k])
        out[f"train(..., seed=0)['{k}'] run twice (difference)"] = close(np.asarray(again[k]) - np.asarray(params[k]))
    return out


@probe("test_train_updates", timeout=120)
def train_updates(ns):
    train, init, lg = ns["train"], ns["init_params"], ns["loss_and_grads"]
    rng = np.random.default_rng(70)
    X, y = rng.normal(size=(12, 4)), np.arange(12) % 3
    X0, y0 = X.copy(), y.copy()
    params = train(X, y, hidden_size=5, lr=0.3, epochs=3, batch_size=12, seed=4)
    out = {"train's inputs X and y after the call (must be unchanged)": {"X": X, "y": y}}
    expected = init(4, 5, 3, seed=4)  # the learner's own init and gradients: three full-batch steps
    for _ in range(3):
        _, grads = lg(expected, X0, y0)
        expected = {k: expected[k] - 0.3 * grads[k] for k in expected}
    out["train with batch_size=N, lr=0.3, epochs=3, minus 3 steps p -= lr * grad from init_params"] = {
        k: close(np.asarray(params[k]) - expected[k], atol=1e-9) for k in expected}
    frozen = train(X0, y0, hidden_size=5, lr=0.0, epochs=2, batch_size=5, seed=1)
    start = init(4, 5, 3, seed=1)
    out["train with lr=0 minus init_params(D, H, C, seed)"] = {k: close(np.asarray(frozen[k]) - start[k], atol=1e-12)
                                                               for k in start}
    p1 = train(X0, y0, hidden_size=5, lr=0.1, epochs=2, batch_size=4, seed=1)
    p2 = train(X0, y0, hidden_size=5, lr=0.1, epochs=2, batch_size=4, seed=2)
    out["train with seeds 1 and 2 (W1)"] = differs(np.asarray(p1["W1"]), np.asarray(p2["W1"]), atol=1e-8)
    return out


@probe("test_train_digits", timeout=120)
def train_digits(ns):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
    order = np.argsort(y_train, kind="stable")
    X_train, y_train = X_train[order], y_train[order]  # sorted by class: shuffling matters
    start = time.perf_counter()
    params = ns["train"](X_train, y_train, hidden_size=64, lr=0.5, epochs=40, batch_size=32, seed=0)
    elapsed = time.perf_counter() - start
    return {"seconds to train on the digits (40 epochs)": at_most(elapsed, 60.0),
            "held-out accuracy on the digits (training set sorted by class)": at_least(
                _mlp_accuracy(params, X_test, y_test), 0.95)}


# --- metrics --------------------------------------------------------------------------------

@probe("test_precision_recall_f1_small")
def precision_recall_f1_small(ns):
    out = ns["precision_recall_f1"](np.array([0, 0, 1, 1, 1, 2]), np.array([0, 1, 1, 1, 0, 1]), 3)
    return {"precision per class": out[0], "recall per class": out[1], "F1 per class": out[2]}


@probe("test_precision_recall_f1_reference")
def precision_recall_f1_reference(ns):
    prf = ns["precision_recall_f1"]
    rng = np.random.default_rng(80)
    out = {}
    for K, N in [(2, 15), (3, 20), (5, 50), (10, 200), (4, 7)]:
        y_true = rng.integers(0, K, size=N)
        y_pred = np.where(rng.random(N) < 0.6, y_true, rng.integers(0, K, size=N))
        p, r, f = prf(y_true, y_pred, K)
        out[f"{K} classes, N={N}"] = {"precision": p, "recall": r, "f1": f}
    return out


@probe("test_precision_recall_f1_edge_cases")
def precision_recall_f1_edge_cases(ns):
    prf = ns["precision_recall_f1"]
    cases = [
        ("a class predicted but absent from y_true", [0, 0, 1, 1], [0, 2, 1, 2], 3),
        ("classes 4 and 5 appear nowhere", [0, 1, 2, 3, 3], [0, 1, 3, 3, 2], 6),
        ("every example predicted as class 0", [0, 1, 2, 1, 2], [0, 0, 0, 0, 0], 3),
        ("perfect predictions", [2, 0, 1, 1, 2], [2, 0, 1, 1, 2], 3),
        ("a batch of one", [1], [1], 2),
        ("a batch of one, wrong", [0], [2], 4),
    ]
    out = {}
    for label, y_true, y_pred, K in cases:
        result = prf(y_true, y_pred, K)
        out[f"{label}: number of returned arrays"] = exact(len(result))
        out[label] = {"precision": result[0], "recall": result[1], "f1": result[2]}
    return out


# --- batch normalization ----------------------------------------------------------------------

@probe("test_batchnorm_forward_train")
def batchnorm_forward_train(ns):
    bn = ns["batchnorm_forward"]
    x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0], [6.0, 30.0]])
    running_mean, running_var = np.zeros(2), np.ones(2)
    out, _ = bn(x, np.ones(2), np.zeros(2), running_mean, running_var)
    out2, _ = bn(x, np.array([2.0, 0.5]), np.array([1.0, -3.0]), np.zeros(2), np.ones(2))
    return {"training-mode output": out, "running_mean after one step": running_mean,
            "running_var after one step": running_var, "output with gamma=[2, 0.5], beta=[1, -3]": out2}


@probe("test_batchnorm_forward_eval_and_reference")
def batchnorm_forward_eval(ns):
    bn = ns["batchnorm_forward"]
    out = {}
    running_mean, running_var = np.array([1.0, -2.0]), np.array([4.0, 0.25])
    x = np.array([[3.0, -2.0], [1.0, -1.5], [-1.0, 0.0]])
    out["evaluation-mode output"] = bn(x, np.ones(2), np.zeros(2), running_mean, running_var, train=False)[0]
    out["running statistics after an evaluation-mode call (must not change)"] = np.stack([running_mean, running_var])
    out["evaluation mode on a batch of one"] = bn(x[:1], np.ones(2), np.zeros(2), running_mean, running_var,
                                                  train=False)[0]
    rng = np.random.default_rng(5)
    for N, D, momentum, eps in [(8, 3, 0.1, 1e-5), (2, 4, 0.3, 1e-3), (16, 1, 0.01, 1e-5)]:
        gamma, beta = rng.normal(size=D), rng.normal(size=D)
        rm, rv = rng.normal(size=D), rng.uniform(0.5, 2.0, size=D)
        for step in range(3):
            x = rng.normal(loc=2.0, scale=3.0, size=(N, D))
            y, _ = bn(x, gamma, beta, rm, rv, train=True, momentum=momentum, eps=eps)
            out[f"N={N}, D={D}, step {step}"] = {"output": close(y, rtol=1e-7, atol=1e-9), "x after the call": x,
                                                 "running_mean": close(rm.copy(), rtol=1e-7, atol=1e-12),
                                                 "running_var": close(rv.copy(), rtol=1e-7, atol=1e-12)}
        y, cache = bn(rng.normal(size=(5, D)), gamma, beta, rm, rv, train=False, eps=eps)
        out[f"N={N}, D={D}, evaluation output"] = close(y, rtol=1e-7, atol=1e-9)
        out[f"N={N}, D={D}, evaluation cache is None"] = exact(cache is None)
    x32 = rng.normal(size=(6, 3)).astype(np.float32)
    y32, _ = bn(x32, np.ones(3, dtype=np.float32), np.zeros(3, dtype=np.float32), np.zeros(3, dtype=np.float32),
                np.ones(3, dtype=np.float32))
    out["batchnorm_forward(float32 x)"] = close(y32, rtol=1e-4, atol=1e-5, dtype=True)
    big = rng.normal(loc=1e4, scale=1e-2, size=(10, 2))
    out["large values with a tiny spread"] = close(bn(big, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2))[0],
                                                   rtol=1e-4, atol=1e-6)
    return out


@probe("test_batchnorm_backward_numerical")
def batchnorm_backward_numerical(ns):
    bn, back = ns["batchnorm_forward"], ns["batchnorm_backward"]
    rng = np.random.default_rng(0)
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    dout = rng.normal(size=(5, 3))
    _, cache = bn(x, gamma, beta, np.zeros(3), np.ones(3))
    dx, dgamma, dbeta = back(dout, cache)
    return {"dx": close(dx, rtol=1e-5, atol=1e-8), "dgamma": close(dgamma, rtol=1e-5, atol=1e-8),
            "dbeta": close(dbeta, rtol=1e-5, atol=1e-8)}


@probe("test_batchnorm_backward_reference")
def batchnorm_backward_reference(ns):
    bn, back = ns["batchnorm_forward"], ns["batchnorm_backward"]
    rng = np.random.default_rng(9)
    out = {}
    for N, D in [(2, 3), (7, 1), (32, 20), (3, 3)]:
        x = rng.normal(loc=-1.0, scale=2.0, size=(N, D))
        gamma, beta, dout = rng.normal(size=D), rng.normal(size=D), rng.normal(size=(N, D))
        _, cache = bn(x, gamma, beta, np.zeros(D), np.ones(D))
        dx, dgamma, dbeta = back(dout, cache)
        out[f"N={N}, D={D}"] = {"dx": close(dx, rtol=1e-6, atol=1e-9), "dgamma": close(dgamma, rtol=1e-7, atol=1e-10),
                                "dbeta": close(dbeta, rtol=1e-7, atol=1e-10)}
    x32 = rng.normal(size=(6, 2)).astype(np.float32)
    _, cache = bn(x32, np.ones(2, dtype=np.float32), np.zeros(2, dtype=np.float32), np.zeros(2, dtype=np.float32),
                  np.ones(2, dtype=np.float32))
    dx32, _, _ = back(rng.normal(size=(6, 2)).astype(np.float32), cache)
    out["dx for float32 inputs"] = close(dx32, rtol=1e-3, atol=1e-4, dtype=True)
    return out
