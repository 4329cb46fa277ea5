"""Wrong answers for a02_numpy_nets: the slips learners make when they write a network in NumPy.

loss_and_grads and train wrong answers are a correct implementation (LOSS_AND_GRADS, TRAIN) with exactly
one slip edited in, so each one shows which test cells catch that slip alone.
"""

LOSS_AND_GRADS = """
def loss_and_grads(params, X, y):
    N = X.shape[0]
    Z1 = X @ params["W1"] + params["b1"]  # (N, H)
    A1 = relu(Z1)
    S = A1 @ params["W2"] + params["b2"]  # (N, C)
    S = S - S.max(axis=1, keepdims=True)
    log_P = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
    loss = -np.mean(log_P[np.arange(N), y])
    dS = np.exp(log_P)
    dS[np.arange(N), y] -= 1
    dS = dS / N
    dZ1 = (dS @ params["W2"].T) * relu_derivative(Z1)
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dS, "b2": dS.sum(axis=0)}
    return loss, grads
"""

TRAIN = """
def train(X, y, hidden_size, lr, epochs, batch_size, seed=0):
    N, D = X.shape
    params = init_params(D, hidden_size, int(y.max()) + 1, seed=seed)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            idx = order[start:start + batch_size]
            _, grads = loss_and_grads(params, X[idx], y[idx])
            for k in params:
                params[k] -= lr * grads[k]
    return params
"""


def _slip(correct: str, old: str, new: str) -> str:
    """``correct`` with the one line fragment ``old`` replaced by ``new`` (which must occur exactly once)."""
    assert correct.count(old) == 1, f"wrong-answer template: {old!r} must occur exactly once"
    return correct.replace(old, new)


WRONG_ANSWERS = {
    # --- relu --------------------------------------------------------------------------------
    "relu_in_place": ("relu", '''
def relu(x):
    x[x < 0] = 0
    return x
'''),
    "relu_max_reduction": ("relu", '''
def relu(x):
    return np.max(x, 0)
'''),
    "relu_leaky": ("relu", '''
def relu(x):
    return np.where(x > 0, x, 0.01 * x)
'''),
    # --- relu_derivative ---------------------------------------------------------------------
    "relu_derivative_returns_activation": ("relu_derivative", '''
def relu_derivative(x):
    return np.maximum(x, 0)
'''),
    "relu_derivative_one_at_zero": ("relu_derivative", '''
def relu_derivative(x):
    return (x >= 0).astype(float)
'''),
    "relu_derivative_boolean": ("relu_derivative", '''
def relu_derivative(x):
    return x > 0
'''),
    # --- sigmoid -----------------------------------------------------------------------------
    "sigmoid_naive_overflow": ("sigmoid", '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
'''),
    "sigmoid_where_both_branches": ("sigmoid", '''
def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
'''),
    "sigmoid_clip_float64_only": ("sigmoid", '''
def sigmoid(x):
    x = np.clip(x, -500, 500)
    return 1 / (1 + np.exp(-x))
'''),
    # --- sigmoid_derivative ------------------------------------------------------------------
    "sigmoid_derivative_of_x_itself": ("sigmoid_derivative", '''
def sigmoid_derivative(x):
    return x * (1 - x)
'''),
    "sigmoid_derivative_naive_exp": ("sigmoid_derivative", '''
def sigmoid_derivative(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2
'''),
    "sigmoid_derivative_sign_error": ("sigmoid_derivative", '''
def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (s - 1)
'''),
    # --- init_params -------------------------------------------------------------------------
    "init_params_scale_0_01": ("init_params", '''
def init_params(input_size, hidden_size, output_size, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": 0.01 * rng.standard_normal((input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": 0.01 * rng.standard_normal((hidden_size, output_size)), "b2": np.zeros(output_size)}
'''),
    "init_params_2d_biases": ("init_params", '''
def init_params(input_size, hidden_size, output_size, seed=0):
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0, np.sqrt(2 / input_size), (input_size, hidden_size)), "b1": np.zeros((1, hidden_size)),
            "W2": rng.normal(0, np.sqrt(2 / hidden_size), (hidden_size, output_size)), "b2": np.zeros((1, output_size))}
'''),
    "init_params_unseeded": ("init_params", '''
def init_params(input_size, hidden_size, output_size, seed=0):
    rng = np.random.default_rng()
    return {"W1": rng.normal(0, np.sqrt(2 / input_size), (input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": rng.normal(0, np.sqrt(2 / hidden_size), (hidden_size, output_size)), "b2": np.zeros(output_size)}
'''),
    "init_params_seed_ignored": ("init_params", '''
def init_params(input_size, hidden_size, output_size, seed=0):
    rng = np.random.default_rng(0)
    return {"W1": rng.normal(0, np.sqrt(2 / input_size), (input_size, hidden_size)), "b1": np.zeros(hidden_size),
            "W2": rng.normal(0, np.sqrt(2 / hidden_size), (hidden_size, output_size)), "b2": np.zeros(output_size)}
'''),
    # --- forward -----------------------------------------------------------------------------
    "forward_no_relu": ("forward", '''
def forward(params, X):
    return (X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
'''),
    "forward_bias_after_relu": ("forward", '''
def forward(params, X):
    return (relu(X @ params["W1"]) + params["b1"]) @ params["W2"] + params["b2"]
'''),
    "forward_transposed_scores": ("forward", '''
def forward(params, X):
    return params["W2"].T @ relu(params["W1"].T @ X.T + params["b1"][:, None]) + params["b2"][:, None]
'''),
    # --- loss_and_grads (backprop) ---------------------------------------------------------------
    "loss_and_grads_no_relu_mask": ("loss_and_grads", _slip(
        LOSS_AND_GRADS, "(dS @ params[\"W2\"].T) * relu_derivative(Z1)", "dS @ params[\"W2\"].T")),
    "loss_and_grads_forgets_1_over_N": ("loss_and_grads", _slip(LOSS_AND_GRADS, "    dS = dS / N\n", "")),
    "loss_and_grads_zero_bias_grads": ("loss_and_grads", _slip(
        LOSS_AND_GRADS, "dZ1.sum(axis=0)", "np.zeros_like(params[\"b1\"])")),
    "loss_and_grads_transposed_dW1": ("loss_and_grads", _slip(LOSS_AND_GRADS, "X.T @ dZ1", "dZ1.T @ X")),
    "loss_and_grads_sign_error": ("loss_and_grads", _slip(LOSS_AND_GRADS, "dS[np.arange(N), y] -= 1",
                                                          "dS[np.arange(N), y] -= 1\n    dS = -dS")),
    "loss_and_grads_unstable_softmax": ("loss_and_grads", _slip(
        LOSS_AND_GRADS, "    S = S - S.max(axis=1, keepdims=True)\n", "")),
    # --- train -----------------------------------------------------------------------------------
    "train_never_shuffles": ("train", _slip(TRAIN, "rng.permutation(N)", "np.arange(N)")),
    "train_returns_after_one_epoch": ("train", _slip(TRAIN, "\n    return params", "\n        return params")),
    "train_ignores_lr": ("train", _slip(TRAIN, "lr * grads[k]", "grads[k]")),
    "train_labels_not_shuffled": ("train", _slip(TRAIN, "y[idx]", "y[start:start + batch_size]")),
    # --- precision_recall_f1 -----------------------------------------------------------------
    "prf_precision_recall_swapped": ("precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, num_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    precision, recall, f1 = np.zeros(num_classes), np.zeros(num_classes), np.zeros(num_classes)
    for c in range(num_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        precision[c] = tp / (tp + fn) if tp + fn else 0.0
        recall[c] = tp / (tp + fp) if tp + fp else 0.0
        f1[c] = 2 * precision[c] * recall[c] / (precision[c] + recall[c]) if tp else 0.0
    return precision, recall, f1
'''),
    "prf_f1_arithmetic_mean": ("precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, num_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    precision, recall = np.zeros(num_classes), np.zeros(num_classes)
    for c in range(num_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        precision[c] = tp / (tp + fp) if tp + fp else 0.0
        recall[c] = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (precision + recall) / 2
'''),
    "prf_division_by_zero_nan": ("precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, num_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    classes = np.arange(num_classes)[:, None]
    tp = np.sum((y_pred == classes) & (y_true == classes), axis=1)
    precision = tp / np.sum(y_pred == classes, axis=1)
    recall = tp / np.sum(y_true == classes, axis=1)
    return precision, recall, 2 * precision * recall / (precision + recall)
'''),
    "prf_classes_from_data": ("precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, num_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    classes = np.unique(np.concatenate([y_true, y_pred]))
    precision, recall, f1 = [], [], []
    for c in classes:
        tp = np.sum((y_pred == c) & (y_true == c))
        p = tp / np.sum(y_pred == c) if np.sum(y_pred == c) else 0.0
        r = tp / np.sum(y_true == c) if np.sum(y_true == c) else 0.0
        precision.append(p)
        recall.append(r)
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    return np.array(precision), np.array(recall), np.array(f1)
'''),
}

BN_FORWARD = """
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if not train:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    N = x.shape[0]
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    running_mean *= 1 - momentum
    running_mean += momentum * mean
    running_var *= 1 - momentum
    running_var += momentum * var * (N / (N - 1))
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
"""

BN_BACKWARD = """
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = (dout * x_hat).sum(axis=0)
    dx_hat = dout * gamma
    dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, dgamma, dbeta
"""
_BN_DX = "dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))"

WRONG_ANSWERS.update({
    # --- batchnorm_forward: the conventions that are easy to get wrong -----------------------
    "bn_running_var_biased": ("batchnorm_forward", _slip(BN_FORWARD, "momentum * var * (N / (N - 1))", "momentum * var")),
    "bn_momentum_reversed": ("batchnorm_forward", _slip(_slip(BN_FORWARD, "running_mean *= 1 - momentum\n    running_mean += momentum * mean",
                                                              "running_mean *= momentum\n    running_mean += (1 - momentum) * mean"),
                                                        "running_var *= 1 - momentum\n    running_var += momentum * var",
                                                        "running_var *= momentum\n    running_var += (1 - momentum) * var")),
    "bn_running_stats_rebound_not_in_place": ("batchnorm_forward", _slip(_slip(BN_FORWARD,
        "running_mean *= 1 - momentum\n    running_mean += momentum * mean",
        "running_mean = (1 - momentum) * running_mean + momentum * mean"),
        "running_var *= 1 - momentum\n    running_var += momentum * var * (N / (N - 1))",
        "running_var = (1 - momentum) * running_var + momentum * var * (N / (N - 1))")),
    "bn_eval_uses_batch_statistics": ("batchnorm_forward", _slip(BN_FORWARD,
        "x_hat = (x - running_mean) / np.sqrt(running_var + eps)",
        "x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)")),
    "bn_eval_updates_running_stats": ("batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    N = x.shape[0]
    if N > 1:
        running_mean *= 1 - momentum
        running_mean += momentum * x.mean(axis=0)
        running_var *= 1 - momentum
        running_var += momentum * x.var(axis=0) * (N / (N - 1))
    if not train:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    mean, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)
'''),
    "bn_eps_outside_sqrt": ("batchnorm_forward", _slip(BN_FORWARD, "inv_std = 1.0 / np.sqrt(var + eps)",
                                                       "inv_std = 1.0 / (np.sqrt(var) + eps)")),
    "bn_normalizes_over_features": ("batchnorm_forward", _slip(_slip(BN_FORWARD, "mean = x.mean(axis=0)",
                                                                     "mean = x.mean(axis=1, keepdims=True)"),
                                                               "var = x.var(axis=0)", "var = x.var(axis=1, keepdims=True)")),
    "bn_gamma_beta_swapped": ("batchnorm_forward", _slip(BN_FORWARD, "return gamma * x_hat + beta, (x_hat, gamma, inv_std)",
                                                         "return beta * x_hat + gamma, (x_hat, gamma, inv_std)")),
    "bn_unbiased_variance_to_normalize": ("batchnorm_forward", _slip(BN_FORWARD, "var = x.var(axis=0)",
                                                                     "var = x.var(axis=0, ddof=1)")),
    "bn_forces_float64": ("batchnorm_forward", _slip(BN_FORWARD, "    N = x.shape[0]\n    mean",
                                                     "    x = x.astype(np.float64)\n    N = x.shape[0]\n    mean")),
    # --- batchnorm_backward: the derivation --------------------------------------------------
    "bn_backward_ignores_batch_statistics": ("batchnorm_backward", _slip(BN_BACKWARD, _BN_DX, "dx = dx_hat * inv_std")),
    "bn_backward_forgets_variance_path": ("batchnorm_backward", _slip(
        BN_BACKWARD, _BN_DX, "dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0))")),
    "bn_backward_forgets_mean_path": ("batchnorm_backward", _slip(
        BN_BACKWARD, _BN_DX, "dx = inv_std / N * (N * dx_hat - x_hat * (dx_hat * x_hat).sum(axis=0))")),
    "bn_backward_forgets_gamma": ("batchnorm_backward", _slip(BN_BACKWARD, "dx_hat = dout * gamma", "dx_hat = dout")),
    "bn_backward_dgamma_dbeta_swapped": ("batchnorm_backward", _slip(BN_BACKWARD, "return dx, dgamma, dbeta",
                                                                      "return dx, dbeta, dgamma")),
    "bn_backward_dgamma_mean_not_sum": ("batchnorm_backward", _slip(BN_BACKWARD, "dgamma = (dout * x_hat).sum(axis=0)",
                                                                     "dgamma = (dout * x_hat).mean(axis=0)")),
    "bn_backward_unbiased_n_minus_1": ("batchnorm_backward", _slip(
        BN_BACKWARD, _BN_DX,
        "dx = inv_std / N * (N * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0) * N / (N - 1))")),
})

# Correct answers written another way: they must keep full marks (tests/test_alternative_answers_probes.py).
ALTERNATIVE_ANSWERS = {
    "loss_and_grads_one_hot_and_logsumexp": ("loss_and_grads", '''
def loss_and_grads(params, X, y):
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    N, C = X.shape[0], W2.shape[1]
    Y = np.eye(C)[y]  # (N, C) one-hot
    Z1 = X @ W1 + b1
    H = np.where(Z1 > 0, Z1, 0.0)
    S = H @ W2 + b2
    m = S.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.sum(np.exp(S - m), axis=1))  # (N,)
    loss = np.mean(lse - np.sum(S * Y, axis=1))
    P = np.exp(S - lse[:, None])
    dS = (P - Y) / N
    dZ1 = (dS @ W2.T) * (Z1 > 0)
    return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dS, "b2": dS.sum(0)}
'''),
    "precision_recall_f1_loops": ("precision_recall_f1", '''
def precision_recall_f1(y_true, y_pred, num_classes):
    precision, recall, f1 = (np.zeros(num_classes) for _ in range(3))
    pairs = list(zip(y_true, y_pred))
    for k in range(num_classes):
        tp = sum(1 for t, p in pairs if t == k and p == k)
        fp = sum(1 for t, p in pairs if t != k and p == k)
        fn = sum(1 for t, p in pairs if t == k and p != k)
        precision[k] = tp / (tp + fp) if tp + fp else 0.0
        recall[k] = tp / (tp + fn) if tp + fn else 0.0
        total = precision[k] + recall[k]
        f1[k] = 2 * precision[k] * recall[k] / total if total else 0.0
    return precision, recall, f1
'''),
    "bn_forward_sums_and_slices": ("batchnorm_forward", '''
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train=True, momentum=0.1, eps=1e-5):
    if train:
        N = len(x)
        mu = np.sum(x, axis=0) / N
        centered = x - mu
        var = np.sum(centered ** 2, axis=0) / N
        std = np.sqrt(var + eps)
        x_hat = centered / std
        running_mean[:] = (1 - momentum) * running_mean + momentum * mu
        running_var[:] = (1 - momentum) * running_var + momentum * var * N / (N - 1)
        return x_hat * gamma + beta, (x_hat, gamma, 1 / std)
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta, None
'''),
    "bn_backward_staged_graph": ("batchnorm_backward", '''
def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    N = dout.shape[0]
    centered = x_hat / inv_std  # x - mu
    dbeta = np.sum(dout, axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dinv_std = np.sum(dx_hat * centered, axis=0)
    dvar = dinv_std * -0.5 * inv_std ** 3
    dcentered = dx_hat * inv_std + dvar * 2 * centered / N
    dmu = -np.sum(dcentered, axis=0)
    dx = dcentered + dmu / N
    return dx, dgamma, dbeta
'''),
}
