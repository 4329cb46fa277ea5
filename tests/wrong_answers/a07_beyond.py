"""Wrong answers for a07_beyond: the mistakes learners actually make with these losses and updates."""

_NT_XENT = '''
def nt_xent_loss(z1, z2, temperature=0.5):
    num = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = z @ z.T / temperature
    sim = sim.masked_fill(torch.eye(2 * num, dtype=torch.bool), float("-inf"))
    positives = torch.cat([torch.arange(num, 2 * num), torch.arange(num)])
    return F.cross_entropy(sim, positives)
'''

_FEDAVG = '''
def fedavg(client_states, client_sizes):
    total = float(sum(client_sizes))
    out = {}
    for key, first in client_states[0].items():
        if first.is_floating_point():
            out[key] = sum(state[key] * (size / total) for state, size in zip(client_states, client_sizes))
        else:
            out[key] = first.clone()
    return out
'''

_RETURNS = '''
def discounted_returns(rewards, gamma):
    if torch.is_tensor(rewards) and rewards.is_floating_point():
        r = rewards
    else:
        r = torch.as_tensor(np.asarray(rewards), dtype=torch.float32)
    returns = torch.zeros_like(r)
    running = torch.zeros((), dtype=r.dtype)
    for t in range(len(r) - 1, -1, -1):
        running = r[t] + gamma * running
        returns[t] = running
    return returns
'''

_FOCAL = '''
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    ce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * (1 - p_t) ** gamma
    if alpha is not None:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean()
'''


def _edit(template: str, old: str, new: str) -> str:
    assert old in template, old
    return template.replace(old, new)


WRONG_ANSWERS = {
    # --- discriminator_loss ------------------------------------------------------------------
    "d_labels_swapped": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    return (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))
'''),
    "d_average_of_terms": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    return 0.5 * (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
'''),
    "d_mean_over_concatenation": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    logits = torch.cat([real_logits.flatten(), fake_logits.flatten()])
    labels = torch.cat([torch.ones(real_logits.numel()), torch.zeros(fake_logits.numel())]).to(logits.dtype)
    return 2 * F.binary_cross_entropy_with_logits(logits, labels)
'''),
    "d_naive_log_sigmoid": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    return -torch.log(torch.sigmoid(real_logits)).mean() - torch.log(1 - torch.sigmoid(fake_logits)).mean()
'''),
    "d_float32_numpy": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    real = torch.as_tensor(real_logits.detach().numpy(), dtype=torch.float32)
    fake = torch.as_tensor(fake_logits.detach().numpy(), dtype=torch.float32)
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
'''),
    # --- generator_loss ----------------------------------------------------------------------
    "g_saturating_minimax": ("generator_loss", '''
def generator_loss(fake_logits):
    # the original minimax form: minimize log(1 - D(G(z)))
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
'''),
    "g_label_zero": ("generator_loss", '''
def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
'''),
    "g_sum_not_mean": ("generator_loss", '''
def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits), reduction="sum")
'''),
    "g_naive_log_sigmoid": ("generator_loss", '''
def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
'''),
    # --- nt_xent_loss ------------------------------------------------------------------------
    "ntx_self_similarity_kept": ("nt_xent_loss", _edit(
        _NT_XENT, 'sim = sim.masked_fill(torch.eye(2 * num, dtype=torch.bool), float("-inf"))', "")),
    "ntx_not_normalized": ("nt_xent_loss", _edit(
        _NT_XENT, "z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)", "z = torch.cat([z1, z2], dim=0)")),
    "ntx_temperature_multiplies": ("nt_xent_loss", _edit(_NT_XENT, "z @ z.T / temperature", "z @ z.T * temperature")),
    "ntx_only_first_view_anchors": ("nt_xent_loss", _edit(
        _NT_XENT, "return F.cross_entropy(sim, positives)", "return F.cross_entropy(sim[:num], positives[:num])")),
    "ntx_positive_wrong_index": ("nt_xent_loss", _edit(
        _NT_XENT, "positives = torch.cat([torch.arange(num, 2 * num), torch.arange(num)])",
        "positives = torch.cat([torch.arange(num, 2 * num), torch.arange(num, 2 * num)])")),
    "ntx_cross_view_only": ("nt_xent_loss", '''
def nt_xent_loss(z1, z2, temperature=0.5):
    # only the other view's embeddings as candidates (a CLIP-style loss, not NT-Xent)
    a, b = F.normalize(z1, dim=1), F.normalize(z2, dim=1)
    logits = a @ b.T / temperature
    labels = torch.arange(z1.shape[0])
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
'''),
    "ntx_loop_correct_but_detached": ("nt_xent_loss", '''
def nt_xent_loss(z1, z2, temperature=0.5):
    z = torch.cat([z1, z2]).detach().numpy()
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    num = len(z1)
    total = 0.0
    for i in range(2 * num):
        pos = i + num if i < num else i - num
        sims = np.array([z[i] @ z[k] / temperature for k in range(2 * num) if k != i])
        total += -(z[i] @ z[pos] / temperature - np.log(np.exp(sims).sum()))
    return torch.tensor(total / (2 * num), dtype=torch.float32)
'''),
    # --- fedavg ------------------------------------------------------------------------------
    "fedavg_unweighted": ("fedavg", _edit(
        _FEDAVG, "sum(state[key] * (size / total) for state, size in zip(client_states, client_sizes))",
        "sum(state[key] for state in client_states) / len(client_states)")),
    "fedavg_not_normalized": ("fedavg", _edit(_FEDAVG, "state[key] * (size / total)", "state[key] * size")),
    "fedavg_averages_integer_buffers": ("fedavg", '''
def fedavg(client_states, client_sizes):
    total = float(sum(client_sizes))
    return {key: sum(state[key] * (size / total) for state, size in zip(client_states, client_sizes))
            for key in client_states[0]}
'''),
    "fedavg_integer_buffers_from_last": ("fedavg", _edit(_FEDAVG, "out[key] = first.clone()", "out[key] = client_states[-1][key].clone()")),
    "fedavg_in_place_into_first": ("fedavg", '''
def fedavg(client_states, client_sizes):
    total = float(sum(client_sizes))
    out = client_states[0]
    for key in out:
        if out[key].is_floating_point():
            out[key].mul_(client_sizes[0] / total)
            for state, size in zip(client_states[1:], client_sizes[1:]):
                out[key].add_(state[key] * (size / total))
    return out
'''),
    "fedavg_float32_cast": ("fedavg", _edit(_FEDAVG, "for state, size in zip(client_states, client_sizes))",
                                            "for state, size in zip(client_states, client_sizes)).float()")),
    # --- discounted_returns ------------------------------------------------------------------
    "returns_gamma_reversed": ("discounted_returns", '''
def discounted_returns(rewards, gamma):
    # accumulates forwards: G_t = sum_k gamma**(t-k) r_k, the discount points the wrong way in time
    r = torch.as_tensor(np.asarray(rewards, dtype=np.float64)).float()
    out = torch.zeros_like(r)
    running = 0.0
    for t in range(len(r)):
        running = r[t] + gamma * running
        out[t] = running
    return out
'''),
    "returns_exponent_from_episode_start": ("discounted_returns", '''
def discounted_returns(rewards, gamma):
    r = torch.as_tensor(np.asarray(rewards, dtype=np.float64)).float()
    T = len(r)
    return torch.stack([sum(gamma ** k * r[k] for k in range(t, T)) for t in range(T)]).float()
'''),
    "returns_gamma_on_current_reward": ("discounted_returns", _edit(
        _RETURNS, "running = r[t] + gamma * running", "running = gamma * (r[t] + running)")),
    "returns_undiscounted": ("discounted_returns", _edit(_RETURNS, "running = r[t] + gamma * running", "running = r[t] + running")),
    "returns_numpy_array": ("discounted_returns", '''
def discounted_returns(rewards, gamma):
    r = np.asarray(rewards, dtype=np.float64)
    out = np.zeros_like(r)
    running = 0.0
    for t in reversed(range(len(r))):
        running = r[t] + gamma * running
        out[t] = running
    return out
'''),
    "returns_integer_dtype_kept": ("discounted_returns", _edit(
        _RETURNS, "r = torch.as_tensor(np.asarray(rewards), dtype=torch.float32)", "r = torch.as_tensor(np.asarray(rewards))")),
    "returns_always_float32": ("discounted_returns", _edit(
        _RETURNS, "    if torch.is_tensor(rewards) and rewards.is_floating_point():\n        r = rewards\n    else:\n        r =",
        "    if True:\n        r =")),
    # --- focal_loss --------------------------------------------------------------------------
    "focal_alpha_on_wrong_class": ("focal_loss", _edit(
        _FOCAL, "alpha_t = alpha * targets + (1 - alpha) * (1 - targets)", "alpha_t = (1 - alpha) * targets + alpha * (1 - targets)")),
    "focal_p_instead_of_p_t": ("focal_loss", _edit(_FOCAL, "loss = ce * (1 - p_t) ** gamma", "loss = ce * (1 - p) ** gamma")),
    "focal_modulating_factor_inverted": ("focal_loss", _edit(_FOCAL, "loss = ce * (1 - p_t) ** gamma", "loss = ce * p_t ** gamma")),
    "focal_sum_not_mean": ("focal_loss", _edit(_FOCAL, "return loss.mean()", "return loss.sum()")),
    "focal_alpha_ignored": ("focal_loss", _edit(_FOCAL, "if alpha is not None:", "if False:")),
    "focal_naive_log": ("focal_loss", '''
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    p = torch.sigmoid(logits)
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = -(1 - p_t) ** gamma * torch.log(p_t)
    if alpha is not None:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()
'''),
}

# Correct answers written another way: they must keep full marks (tests/test_alternative_answers_probes.py).
ALTERNATIVE_ANSWERS = {
    "discriminator_softplus": ("discriminator_loss", '''
def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
'''),
    "generator_logsigmoid": ("generator_loss", '''
def generator_loss(fake_logits):
    return -F.logsigmoid(fake_logits).mean()
'''),
    "nt_xent_loop": ("nt_xent_loss", '''
def nt_xent_loss(z1, z2, temperature=0.5):
    num = z1.shape[0]
    z = torch.cat([z1, z2])
    z = z / z.norm(dim=1, keepdim=True)
    losses = []
    for i in range(2 * num):
        pos = (i + num) % (2 * num)
        others = torch.cat([z[:i], z[i + 1:]])
        logits = others @ z[i] / temperature
        losses.append(torch.logsumexp(logits, 0) - z[i] @ z[pos] / temperature)
    return torch.stack(losses).mean()
'''),
    "fedavg_stack": ("fedavg", '''
def fedavg(client_states, client_sizes):
    w = torch.tensor(client_sizes, dtype=torch.float64)
    w = w / w.sum()
    out = {}
    for key in client_states[0]:
        t = client_states[0][key]
        if torch.is_floating_point(t):
            stacked = torch.stack([s[key] for s in client_states]).double()
            out[key] = torch.einsum("k,k...->...", w, stacked).to(t.dtype)
        else:
            out[key] = t.clone()
    return out
'''),
    "returns_matrix": ("discounted_returns", '''
def discounted_returns(rewards, gamma):
    r = rewards if torch.is_tensor(rewards) and rewards.is_floating_point() else torch.tensor(np.asarray(rewards), dtype=torch.float32)
    T = len(r)
    idx = torch.arange(T)
    powers = (idx[None, :] - idx[:, None]).to(r.dtype)
    weights = torch.where(powers >= 0, torch.tensor(gamma, dtype=r.dtype) ** powers.clamp(min=0), torch.zeros((), dtype=r.dtype))
    return weights @ r
'''),
    "focal_logsigmoid": ("focal_loss", '''
def focal_loss(logits, targets, gamma=2.0, alpha=0.25):
    log_p, log_1mp = F.logsigmoid(logits), F.logsigmoid(-logits)
    log_pt = targets * log_p + (1 - targets) * log_1mp
    loss = -((1 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        loss = loss * torch.where(targets > 0.5, alpha, 1 - alpha)
    return loss.mean()
'''),
}

_PIPELINE = '''
def make_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    features = ColumnTransformer([
        ("num", SimpleImputer(strategy="median", add_indicator=True), ["age", "sibsp", "parch"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "pclass"]),
    ])
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_depth=3, random_state=0)
    return Pipeline([("features", features), ("model", model)])
'''

WRONG_ANSWERS.update({
    # --- make_pipeline (capstone) ------------------------------------------------------------
    "pipeline_without_sex": ("make_pipeline", _edit(_PIPELINE, '["sex", "pclass"]', '["pclass"]')),
    "pipeline_no_imputer_logistic": ("make_pipeline", '''
def make_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = ColumnTransformer([("num", StandardScaler(), ["age", "sibsp", "parch"]),
                                  ("cat", OneHotEncoder(), ["sex", "pclass"])])
    return Pipeline([("features", features), ("model", LogisticRegression())])
'''),
    "pipeline_fitted_on_all_data": ("make_pipeline", _edit(
        _PIPELINE, 'return Pipeline([("features", features), ("model", model)])',
        'return Pipeline([("features", features), ("model", model)]).fit(titanic.frame[FEATURES], titanic.frame["survived"])')),
    "pipeline_global_median_age": ("make_pipeline", '''
def make_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    median_age = titanic.frame["age"].median()  # computed on all 1,309 passengers, hold-out included
    fill = FunctionTransformer(lambda X: X.fillna({"age": median_age}))
    features = ColumnTransformer([("num", fill, ["age", "sibsp", "parch"]),
                                  ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "pclass"])])
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_depth=3, random_state=0)
    return Pipeline([("features", features), ("model", model)])
'''),
    "pipeline_batch_statistics_at_predict": ("make_pipeline", '''
def make_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    def standardize_batch(X):  # uses the statistics of whatever rows arrive, at fit and at predict time
        X = X.fillna(X.median())
        return (X - X.mean()) / (X.std() + 1e-9)

    features = ColumnTransformer([("num", FunctionTransformer(standardize_batch), ["age", "sibsp", "parch"]),
                                  ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "pclass"])])
    return Pipeline([("features", features), ("model", LogisticRegression())])
'''),
    "pipeline_same_object_every_call": ("make_pipeline", '''
from sklearn.compose import ColumnTransformer as _CT
from sklearn.ensemble import HistGradientBoostingClassifier as _HGB
from sklearn.impute import SimpleImputer as _SI
from sklearn.pipeline import Pipeline as _Pipeline
from sklearn.preprocessing import OneHotEncoder as _OHE

_THE_PIPELINE = _Pipeline([("features", _CT([("num", _SI(strategy="median"), ["age", "sibsp", "parch"]),
                                              ("cat", _OHE(handle_unknown="ignore"), ["sex", "pclass"])])),
                           ("model", _HGB(max_iter=100, learning_rate=0.05, max_depth=3, random_state=0))])


def make_pipeline():
    return _THE_PIPELINE
'''),
})

ALTERNATIVE_ANSWERS["pipeline_logistic_regression"] = ("make_pipeline", '''
def make_pipeline():
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as sk_make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = sk_make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    features = make_column_transformer((numeric, ["age", "sibsp", "parch"]),
                                       (OneHotEncoder(handle_unknown="ignore"), ["sex", "pclass"]))
    return sk_make_pipeline(features, LogisticRegression(max_iter=1000))
''')
