"""Trusted grading spec for a06_deployment: one probe per autograded test cell (see grader/README.md).

Probes call the learner's functions on seeded inputs and return raw outputs; the grader compares
them with the solution's. The service is driven in-process with FastAPI's TestClient.
"""

import torch
from torch import nn

from grader.spec import close, exact, probe


def _quantized(ns, w, bits):
    q, scale = ns["quantize_symmetric"](w, num_bits=bits)
    return {"q": exact(q.to(torch.int64)), "q dtype": exact(str(q.dtype)), "q shape": exact(list(q.shape)),
            "scale": close(float(scale), rtol=1e-6, atol=0.0)}


@probe("test_quantize_symmetric_basic")
def quantize_basic(ns):
    w = torch.tensor([0.5, -1.27, 0.0, 1.0])
    out = {f"quantize_symmetric([0.5, -1.27, 0.0, 1.0]) {k}": v for k, v in _quantized(ns, w, 8).items()}
    q, scale = ns["quantize_symmetric"](w)
    out["dequantize(quantize(w))"] = close(ns["dequantize"](q, scale), rtol=1e-6, atol=1e-7)
    return out


@probe("test_quantize_symmetric_edge")
def quantize_edge(ns):
    out = {f"all-zero w {k}": v for k, v in _quantized(ns, torch.zeros(3, 2), 8).items()}
    gen = torch.Generator().manual_seed(0)
    for bits in (8, 4, 2, 12):
        w = torch.randn(17, 5, generator=gen) * 3
        w_before = w.clone()
        out.update({f"{bits} bits, random (17, 5) w: {k}": v for k, v in _quantized(ns, w, bits).items()})
        out[f"{bits} bits: w unchanged"] = exact(bool(torch.equal(w, w_before)))
        q, scale = ns["quantize_symmetric"](w, num_bits=bits)
        deq = ns["dequantize"](q, scale)
        out[f"{bits} bits: dequantize dtype"] = exact(str(deq.dtype))
        out[f"{bits} bits: dequantize(quantize(w))"] = close(deq, rtol=1e-5, atol=1e-6)
    out.update({f"w = [[-4, 1e-9, 2]] {k}": v for k, v in _quantized(ns, torch.tensor([[-4.0, 1e-9, 2.0]]), 8).items()})
    return out


@probe("test_dequantize")
def dequantize_values(ns):
    deq = ns["dequantize"]
    q = torch.randint(-127, 128, (4, 6), generator=torch.Generator().manual_seed(1)).to(torch.int8)
    small = deq(torch.tensor([-127, 0, 3], dtype=torch.int8), 0.5)
    return {"dequantize([-127, 0, 3], 0.5)": close(small, dtype=True),
            "dequantize(random int8 (4, 6), 0.0123)": close(deq(q, 0.0123), rtol=1e-6, dtype=True),
            "dequantize(int32 [5], 2.0)": close(deq(torch.tensor([5], dtype=torch.int32), 2.0), dtype=True)}


def _mask(ns, w, sparsity):
    mask = ns["magnitude_prune_mask"](w, sparsity)
    return {"mask": exact(mask.to(torch.int64)), "dtype": exact(str(mask.dtype)), "shape": exact(list(mask.shape))}


@probe("test_magnitude_prune_mask_basic")
def prune_basic(ns):
    w = torch.tensor([[0.1, -3.0, 0.5], [2.0, -0.2, 0.05]])
    return {f"magnitude_prune_mask(w, 0.5) {k}": v for k, v in _mask(ns, w, 0.5).items()}


@probe("test_magnitude_prune_mask_edge")
def prune_edge(ns):
    out = {}
    ties = torch.tensor([1.0, -1.0, 1.0, 2.0, 1.0])
    for sparsity in (0.4, 0.0, 1.0):
        out.update({f"ties, sparsity {sparsity}: {k}": v for k, v in _mask(ns, ties, sparsity).items()})
    out.update({f"equal (3, 4) entries, sparsity 0.26: {k}": v for k, v in _mask(ns, torch.ones(3, 4), 0.26).items()})
    gen = torch.Generator().manual_seed(3)
    for shape, sparsity in [((8, 3, 3, 3), 0.7), ((50,), 0.13), ((1, 1), 0.6), ((10, 10), 0.999)]:
        w = torch.randn(shape, generator=gen)
        w_before = w.clone()
        out.update({f"shape {shape}, sparsity {sparsity}: {k}": v for k, v in _mask(ns, w, sparsity).items()})
        out[f"shape {shape}: w unchanged"] = exact(bool(torch.equal(w, w_before)))
    return out


@probe("test_distillation_loss_basic")
def distill_basic(ns):
    loss_fn = ns["distillation_loss"]
    torch.manual_seed(0)
    s, t, y = torch.randn(4, 3), torch.randn(4, 3), torch.tensor([0, 2, 1, 2])
    loss = loss_fn(s, t, y, T=2.0, alpha=0.0)
    return {"loss shape (alpha = 0)": exact(list(loss.shape)),
            "loss with alpha = 0": close(loss, rtol=1e-5, atol=1e-7),
            "loss with teacher = student, T = 3": close(loss_fn(s, s.clone(), y, T=3.0, alpha=0.5), rtol=1e-5, atol=1e-6)}


@probe("test_distillation_loss_reference")
def distill_reference(ns):
    loss_fn = ns["distillation_loss"]
    out = {}
    gen = torch.Generator().manual_seed(5)
    for B, C, T, alpha in [(8, 10, 2.0, 0.5), (1, 5, 4.0, 0.9), (16, 3, 1.0, 1.0), (5, 7, 20.0, 0.3), (3, 4, 0.5, 0.7)]:
        s = (3 * torch.randn(B, C, generator=gen)).requires_grad_()
        t = 3 * torch.randn(B, C, generator=gen)
        y = torch.randint(0, C, (B,), generator=gen)
        loss = loss_fn(s, t, y, T=T, alpha=alpha)
        (grad,) = torch.autograd.grad(loss, s)
        name = f"B={B}, C={C}, T={T}, alpha={alpha}"
        out[f"loss for {name}"] = close(loss.detach(), rtol=1e-5, atol=1e-6)
        out[f"gradient for {name}"] = close(grad, rtol=1e-4, atol=1e-6)
    s, t = torch.randn(6, 4, generator=gen), torch.randn(6, 4, generator=gen)
    y = torch.randint(0, 4, (6,), generator=gen)
    out["loss with the default T and alpha"] = close(loss_fn(s, t, y), rtol=1e-5, atol=1e-6)
    return out


def _client(ns, net, names):
    from fastapi.testclient import TestClient

    return TestClient(ns["create_app"](net, names), raise_server_exceptions=False)


def _response(r, probabilities=True):
    out = {"status": exact(r.status_code)}
    body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
    if r.status_code == 200:
        out["predictions"] = exact(str(body.get("predictions")))
        if probabilities:
            out["probabilities"] = close(torch.tensor(body.get("probabilities")), rtol=1e-4, atol=1e-6)
    else:
        out["has a detail message"] = exact(bool(body.get("detail")) if isinstance(body, dict) else False)
    return out


@probe("test_create_app_basic")
def app_basic(ns):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
    client = _client(ns, net, ["a", "b", "c"])
    ok = client.post("/predict", json={"inputs": [[0.1, 2.0, -1.0, 0.5], [1.0, 0.0, 0.0, 3.0]]})
    out = {f"valid batch of 2: {k}": v for k, v in _response(ok).items()}
    out.update({f"empty batch: {k}": v for k, v in _response(client.post("/predict", json={"inputs": []})).items()})
    return out


@probe("test_create_app_reference")
def app_reference(ns):
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 4)).eval()
    client = _client(ns, net, ["w", "x", "y", "z"])
    X = torch.randn(7, 5) * 2
    out = {f"valid batch of 7: {k}": v for k, v in _response(client.post("/predict", json={"inputs": X.tolist()})).items()}
    out.update({f"batch of one: {k}": v
                for k, v in _response(client.post("/predict", json={"inputs": [X[0].tolist()]})).items()})
    bad = {
        "rows of different lengths": {"inputs": [[0.0] * 5, [0.0] * 4]},
        "wrong length for the model": {"inputs": [[0.0] * 3, [1.0] * 3]},
        "non-numeric values": {"inputs": [["a", "b", "c", "d", "e"]]},
        "empty batch": {"inputs": []},
        "missing 'inputs'": {"x": [[0.0] * 5]},
        "inputs not a list of lists": {"inputs": [1.0, 2.0, 3.0, 4.0, 5.0]},
    }
    for what, payload in bad.items():
        out.update({f"{what}: {k}": v for k, v in _response(client.post("/predict", json=payload)).items()})
    return out
