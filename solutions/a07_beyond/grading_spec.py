"""Trusted grading spec for a07_beyond: one probe per autograded test cell (see grader/README.md).

Each probe calls the learner's functions on the inputs of its cell's visible and hidden tests (random
shapes, a batch of one, float64, extreme logits) and returns outputs, dtypes, types and gradients; the
grader compares them with the solution's.
"""

import numpy as np
import torch
from torch import nn

from grader.spec import at_least, close, exact, probe


def _grad(t):
    """The gradient of ``t``, or NaNs of its shape when none arrived (a detached computation)."""
    return t.grad if t.grad is not None else torch.full(t.shape, float("nan"), dtype=t.dtype)


def _kind(value):
    """Type, dtype and dimension of a result, as one comparable string."""
    if torch.is_tensor(value):
        return f"tensor {value.dtype} dim {value.dim()}"
    return type(value).__name__


@probe("test_discriminator_loss_values")
def discriminator_values(ns):
    d = ns["discriminator_loss"]
    torch.manual_seed(0)
    real, fake = torch.randn(8), torch.randn(8)
    out = d(real, fake)
    return {"discriminator_loss(zeros(4), zeros(4))": close(d(torch.zeros(4), torch.zeros(4)), rtol=1e-5, atol=1e-6),
            "type of discriminator_loss(real, fake)": exact(_kind(out)),
            "discriminator_loss(real, fake), 8 random logits each": close(out, rtol=1e-5, atol=1e-6),
            "discriminator_loss(+5, -5)": close(d(torch.full((3,), 5.0), torch.full((3,), -5.0)), rtol=1e-4, atol=1e-6)}


@probe("test_discriminator_loss_robust")
def discriminator_robust(ns):
    d = ns["discriminator_loss"]
    gen = torch.Generator().manual_seed(10)
    out = {}
    for real_shape, fake_shape in [((5, 1), (7, 1)), ((1,), (1,)), ((3, 4), (2, 4)), ((16,), (3,)), ((1, 1), (9, 1))]:
        real, fake = 3 * torch.randn(real_shape, generator=gen), 3 * torch.randn(fake_shape, generator=gen)
        out[f"discriminator_loss for real {real_shape}, fake {fake_shape}"] = close(d(real, fake), rtol=1e-5, atol=1e-6)
    out["discriminator_loss with logits of +-100"] = close(
        d(torch.tensor([100.0, -100.0, 0.0, 30.0]), torch.tensor([-100.0, 100.0, 0.0, -30.0])), rtol=1e-4, atol=1e-5)
    real64 = torch.randn(6, dtype=torch.float64, generator=gen).requires_grad_()
    fake64 = torch.randn(4, dtype=torch.float64, generator=gen).requires_grad_()
    loss = d(real64, fake64)
    out["discriminator_loss(float64 logits)"] = close(loss.detach(), rtol=1e-10, atol=1e-12, dtype=True)
    loss.backward()
    out["gradient w.r.t. real_logits"] = close(_grad(real64), rtol=1e-6, atol=1e-9)
    out["gradient w.r.t. fake_logits"] = close(_grad(fake64), rtol=1e-6, atol=1e-9)
    return out


@probe("test_generator_loss_values")
def generator_values(ns):
    g = ns["generator_loss"]
    torch.manual_seed(1)
    return {"generator_loss(zeros(5))": close(g(torch.zeros(5)), rtol=1e-5, atol=1e-6),
            "generator_loss, 10 random logits": close(g(torch.randn(10, 1)), rtol=1e-5, atol=1e-6)}


@probe("test_generator_loss_non_saturating")
def generator_non_saturating(ns):
    g = ns["generator_loss"]
    fake = torch.full((4,), -8.0, requires_grad=True)
    loss = g(fake)
    loss.backward()
    out = {"generator_loss(-8)": close(loss.detach(), rtol=1e-5, atol=1e-6),
           "gradient of generator_loss for confidently rejected fakes": close(_grad(fake), rtol=1e-5, atol=1e-7),
           "generator_loss([-200, 200])": close(g(torch.tensor([-200.0, 200.0])), rtol=1e-5, atol=1e-5)}
    gen = torch.Generator().manual_seed(11)
    for shape in [(1,), (3, 2), (1, 1), (7,)]:
        out[f"generator_loss(float64 logits of shape {shape})"] = close(
            g(torch.randn(shape, dtype=torch.float64, generator=gen)), rtol=1e-10, atol=1e-12, dtype=True)
    return out


@probe("test_nt_xent_hand_example")
def nt_xent_hand(ns):
    f = ns["nt_xent_loss"]
    z1 = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    out = f(z1, z1.clone(), temperature=0.5)
    torch.manual_seed(2)
    a, b = torch.randn(4, 8), torch.randn(4, 8)
    return {"type of nt_xent_loss(...)": exact(_kind(out)),
            "nt_xent_loss for two orthogonal images": close(out, rtol=1e-5, atol=1e-6),
            "nt_xent_loss(z1, z2)": close(f(a, b), rtol=1e-5, atol=1e-6),
            "nt_xent_loss(3 * z1, 0.5 * z2)": close(f(3 * a, 0.5 * b), rtol=1e-5, atol=1e-6)}


@probe("test_nt_xent_reference")
def nt_xent_reference(ns):
    f = ns["nt_xent_loss"]
    gen = torch.Generator().manual_seed(3)
    out = {}
    for num, dim, temperature in [(4, 8, 0.5), (7, 3, 0.1), (2, 16, 1.0), (5, 5, 0.2), (3, 2, 0.07), (1, 4, 0.5)]:
        z1 = torch.randn(num, dim, generator=gen)
        z2 = z1 + 0.5 * torch.randn(num, dim, generator=gen)
        out[f"nt_xent_loss for N={num}, D={dim}, temperature={temperature}"] = close(
            f(z1, z2, temperature=temperature), rtol=1e-4, atol=1e-5)
    z = torch.randn(6, 4, generator=gen)
    out["nt_xent_loss(z, z + small noise)"] = close(f(z, z + 0.01 * torch.randn(6, 4, generator=gen)), rtol=1e-4, atol=1e-5)
    return out


@probe("test_nt_xent_edge_cases")
def nt_xent_edge(ns):
    f = ns["nt_xent_loss"]
    gen = torch.Generator().manual_seed(12)
    out = {"nt_xent_loss for N = 1": close(f(torch.randn(1, 5, generator=gen), torch.randn(1, 5, generator=gen)),
                                             rtol=1e-5, atol=1e-6)}
    z1 = torch.randn(5, 6, dtype=torch.float64, generator=gen).requires_grad_()
    z2 = torch.randn(5, 6, dtype=torch.float64, generator=gen).requires_grad_()
    loss = f(z1, z2, temperature=0.3)
    out["nt_xent_loss(float64 embeddings)"] = close(loss.detach(), rtol=1e-8, atol=1e-10, dtype=True)
    loss.backward()
    out["gradient w.r.t. z1"] = close(_grad(z1), rtol=1e-6, atol=1e-9)
    out["gradient w.r.t. z2"] = close(_grad(z2), rtol=1e-6, atol=1e-9)
    big1, big2 = 1e4 * torch.randn(4, 3, generator=gen), 1e4 * torch.randn(4, 3, generator=gen)
    out["nt_xent_loss for embeddings of size 1e4, temperature 0.05"] = close(f(big1, big2, temperature=0.05),
                                                                            rtol=1e-4, atol=1e-5)
    a, b = torch.randn(6, 4, generator=gen), torch.randn(6, 4, generator=gen)
    out["nt_xent_loss(z2, z1)"] = close(f(b, a), rtol=1e-5, atol=1e-6)
    return out


def _fedavg_result(result):
    """Keys in order, and each value with its dtype."""
    return {"keys": exact(" ".join(result)), **{f"[{k!r}]": close(v, rtol=1e-5, atol=1e-6, dtype=True)
                                                for k, v in result.items()}}


@probe("test_fedavg_weighted")
def fedavg_weighted(ns):
    state_a = {"weight": torch.zeros(2, 2), "bias": torch.tensor([4.0, 0.0])}
    state_b = {"weight": torch.ones(2, 2), "bias": torch.tensor([0.0, 8.0])}
    result = ns["fedavg"]([state_a, state_b], [1, 3])
    return {"fedavg returns a dict": exact(isinstance(result, dict)), **_fedavg_result(result)}


@probe("test_fedavg_models")
def fedavg_models(ns):
    fedavg = ns["fedavg"]
    torch.manual_seed(4)
    out = {}
    for sizes in [[10, 20, 70], [5], [1, 1, 1, 1], [600, 3], [2, 9, 4, 1, 7]]:
        states = [nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).state_dict() for _ in sizes]
        out[f"sizes {sizes}"] = _fedavg_result(fedavg(states, sizes))
    gen = torch.Generator().manual_seed(13)
    states64 = [{"w": torch.randn(3, dtype=torch.float64, generator=gen)} for _ in range(3)]
    out["float64 clients"] = {"w": close(fedavg(states64, [3, 2, 1])["w"], rtol=1e-12, atol=1e-12, dtype=True)}
    return out


@probe("test_fedavg_buffers")
def fedavg_buffers(ns):
    torch.manual_seed(5)
    clients = []
    for steps in [3, 5]:
        model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
        for _ in range(steps):
            model(torch.randn(8, 4) + steps)
        clients.append(model.state_dict())
    copies = [{k: v.clone() for k, v in s.items()} for s in clients]
    result = ns["fedavg"](clients, [30, 10])
    out = {"result": _fedavg_result(result)}
    out["clients after fedavg (must be unchanged)"] = [{k: exact(v) for k, v in s.items()} for s in clients]
    result["0.weight"].add_(1.0)
    out["client 0's weight after changing the result (no shared memory)"] = exact(clients[0]["0.weight"])
    del copies
    return out


@probe("test_discounted_returns_basic")
def returns_basic(ns):
    f = ns["discounted_returns"]
    out = f([1.0, 1.0, 1.0], 0.9)
    return {"type of discounted_returns([1, 1, 1], 0.9)": exact(_kind(out)),
            "discounted_returns([1, 1, 1], 0.9)": close(out, rtol=1e-5, atol=1e-6),
            "discounted_returns([1, 2, 3], 0.0)": close(f([1.0, 2.0, 3.0], 0.0), rtol=1e-5, atol=1e-6),
            "discounted_returns([1, 2, 3], 1.0)": close(f([1.0, 2.0, 3.0], 1.0), rtol=1e-5, atol=1e-6)}


@probe("test_discounted_returns_reference")
def returns_reference(ns):
    f = ns["discounted_returns"]
    rng = np.random.default_rng(6)
    out = {}
    for length, gamma in [(1, 0.99), (2, 0.5), (10, 0.9), (37, 0.99), (5, 1.0), (8, 0.0), (300, 0.97)]:
        result = f(rng.normal(size=length), gamma)
        out[f"{length} random rewards (NumPy), gamma={gamma}"] = close(result, rtol=1e-4, atol=1e-4)
        out[f"type for {length} NumPy rewards"] = exact(_kind(result))
    out["discounted_returns([0, 0, 10], 0.5)"] = close(f([0.0, 0.0, 10.0], 0.5), rtol=1e-5, atol=1e-6)
    out["discounted_returns(torch.tensor([1, 0, 2]), 0.5)"] = close(f(torch.tensor([1, 0, 2]), 0.5), rtol=1e-5,
                                                                     atol=1e-6, dtype=True)
    rewards64 = torch.tensor(rng.normal(size=20))
    out["discounted_returns(float64 tensor, 0.95)"] = close(f(rewards64, 0.95), rtol=1e-10, atol=1e-10, dtype=True)
    out["rewards after discounted_returns (must be unchanged)"] = exact(rewards64)
    out["discounted_returns(np.array([1, 1, 1]), 0.9)"] = close(f(np.array([1, 1, 1]), 0.9), rtol=1e-5, atol=1e-6)
    return out


@probe("test_focal_loss_basic")
def focal_basic(ns):
    f = ns["focal_loss"]
    torch.manual_seed(7)
    logits, targets = torch.randn(12), (torch.rand(12) < 0.3).float()
    return {"focal_loss(gamma=0, alpha=None)": close(f(logits, targets, gamma=0.0, alpha=None), rtol=1e-5, atol=1e-6),
            "focal_loss of one positive with logit 0": close(f(torch.tensor([0.0]), torch.tensor([1.0])), rtol=1e-5,
                                                             atol=1e-7),
            "focal_loss of an easy positive (logit 4, alpha=None)": close(
                f(torch.tensor([4.0]), torch.tensor([1.0]), alpha=None), rtol=1e-4, atol=1e-7)}


@probe("test_focal_loss_reference")
def focal_reference(ns):
    f = ns["focal_loss"]
    gen = torch.Generator().manual_seed(8)
    out = {}
    for shape, gamma, alpha in [((20,), 2.0, 0.25), ((4, 5), 1.0, 0.5), ((3, 2, 2), 0.5, 0.9), ((1,), 2.0, 0.25),
                                ((50,), 3.0, None), ((6, 1), 0.0, 0.75)]:
        logits = 3 * torch.randn(shape, generator=gen)
        targets = (torch.rand(shape, generator=gen) < 0.4).float()
        out[f"focal_loss for shape {shape}, gamma={gamma}, alpha={alpha}"] = close(
            f(logits, targets, gamma=gamma, alpha=alpha), rtol=1e-4, atol=1e-7)
    out["focal_loss of a positive, alpha=0.9"] = close(f(torch.tensor([0.0]), torch.tensor([1.0]), gamma=0.0, alpha=0.9),
                                                       rtol=1e-5, atol=1e-7)
    out["focal_loss of a negative, alpha=0.9"] = close(f(torch.tensor([0.0]), torch.tensor([0.0]), gamma=0.0, alpha=0.9),
                                                       rtol=1e-5, atol=1e-7)
    return out


@probe("test_focal_loss_robust")
def focal_robust(ns):
    f = ns["focal_loss"]
    logits = torch.tensor([100.0, -100.0, 100.0, -100.0, 0.0], requires_grad=True)
    targets = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
    loss = f(logits, targets)
    loss.backward()
    out = {"focal_loss with logits of +-100": close(loss.detach(), rtol=1e-4, atol=1e-6),
           "gradient of focal_loss with logits of +-100": close(_grad(logits), rtol=1e-4, atol=1e-6)}
    gen = torch.Generator().manual_seed(14)
    logits64 = torch.randn(7, dtype=torch.float64, generator=gen).requires_grad_()
    targets64 = (torch.rand(7, generator=gen) < 0.5).double()
    loss = f(logits64, targets64, gamma=2.0, alpha=0.25)
    out["focal_loss(float64 logits)"] = close(loss.detach(), rtol=1e-8, atol=1e-12, dtype=True)
    loss.backward()
    out["gradient of focal_loss(float64 logits)"] = close(_grad(logits64), rtol=1e-6, atol=1e-10)
    out["focal_loss(gamma=0, alpha=None), confident and correct"] = close(
        f(torch.tensor([50.0, -50.0]), torch.tensor([1.0, 0.0]), gamma=0.0, alpha=None), rtol=1e-4, atol=1e-8)
    return out


# --- make_pipeline (capstone) -------------------------------------------------------------------
# The learner's model is free (trees, logistic regression, ...): probes compare facts and bounds,
# and differences between two runs of the learner's own pipeline, never its predictions with ours.

@probe("test_make_pipeline_api")
def pipeline_api(ns):
    from sklearn.exceptions import NotFittedError

    make_pipeline, X_dev, y_dev, X_hold = ns["make_pipeline"], ns["X_dev"], ns["y_dev"], ns["X_hold"]
    estimator = make_pipeline()
    try:
        estimator.predict(X_hold.head(3))
        unfitted = "predicted before fit"
    except NotFittedError:
        unfitted = "NotFittedError"
    pred = np.asarray(estimator.fit(X_dev.iloc[:200], y_dev[:200]).predict(X_hold))
    missing = X_hold[X_hold["age"].isna()]
    return {"has fit and predict": exact(hasattr(estimator, "fit") and hasattr(estimator, "predict")),
            "predict before fit": exact(unfitted),
            "a new estimator on every call": exact(make_pipeline() is not estimator),
            "number of predictions": exact(len(pred)),
            "predicted values are 0/1": exact(bool(set(np.unique(pred).tolist()) <= {0, 1})),
            "predictions for passengers with a missing age": exact(len(estimator.predict(missing)))}


@probe("test_make_pipeline_cross_validation")
def pipeline_cross_validation(ns):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    scores = cross_val_score(ns["make_pipeline"](), ns["X_dev"], ns["y_dev"], cv=StratifiedKFold(5, shuffle=True, random_state=0))
    return {"cross-validated accuracy": at_least(float(scores.mean()), 0.78)}


@probe("test_make_pipeline_holdout")
def pipeline_holdout(ns):
    pred = np.asarray(ns["make_pipeline"]().fit(ns["X_dev"], ns["y_dev"]).predict(ns["X_hold"]))
    return {"hold-out accuracy": at_least(float(np.mean(pred == ns["y_hold"])), 0.75)}


@probe("test_make_pipeline_no_leakage")
def pipeline_no_leakage(ns):
    make_pipeline = ns["make_pipeline"]
    X_fit, y_fit, X_new = ns["X_dev"].copy(), ns["y_dev"].copy(), ns["X_hold"].copy()
    reference = np.asarray(make_pipeline().fit(X_fit, y_fit).predict(X_new)).astype(float)
    tables = [t for t in (getattr(ns.get("titanic"), "frame", None), ns.get("dev"), ns.get("holdout"), ns["X_dev"],
                          ns["X_hold"]) if t is not None]
    for table in tables:  # corrupt every global copy of the data
        table.loc[:, "age"] = 80.0
        table.loc[:, "sibsp"] = 8
    again = np.asarray(make_pipeline().fit(X_fit, y_fit).predict(X_new)).astype(float)
    fitted = make_pipeline().fit(X_fit, y_fit)
    rows = range(0, len(X_new), 7)
    one_by_one = np.array([float(np.asarray(fitted.predict(X_new.iloc[[i]]))[0]) for i in rows])
    batched = np.asarray(fitted.predict(X_new)).astype(float)[::7]
    return {"change of predictions when data outside fit() changed": close(again - reference, rtol=0, atol=0),
            "row-by-row minus batched predictions": close(one_by_one - batched, rtol=0, atol=0)}
