"""Trusted grading spec for a05_sequences: one probe per autograded test cell (see grader/README.md).

Each probe calls the learner's function on the inputs of its test cell (visible and hidden),
seeded so that the solution's run and the learner's see the same numbers, and returns raw
outputs, gradients and dtypes. The learner's MultiHeadAttention gets deterministic weights from
the probe before its outputs are compared. Tolerances: float64 at the defaults, float32 looser.
"""

import math

import torch

from grader.spec import agree, close, exact, probe

F32 = {"rtol": 1e-4, "atol": 1e-5}


def _gen(seed):
    return torch.Generator().manual_seed(seed)


def _randn(gen, *shape, dtype=torch.float64, scale=1.0):
    return torch.randn(*shape, generator=gen, dtype=dtype) * scale


def _value(t, dtype):
    """A float32 result compared loosely and with its dtype; float64 at the defaults, dtype checked too."""
    return close(t, **F32, dtype=True) if dtype == torch.float32 else close(t, dtype=True)


# --- lstm_cell ---------------------------------------------------------------------------------

def _lstm_params(gen, I, H, dtype, scale=0.7):
    return [_randn(gen, 4 * H, I, dtype=dtype, scale=scale), _randn(gen, 4 * H, H, dtype=dtype, scale=scale),
            _randn(gen, 4 * H, dtype=dtype, scale=scale), _randn(gen, 4 * H, dtype=dtype, scale=scale)]


@probe("test_lstm_cell_reference")
def lstm_cell_reference(ns):
    gen = _gen(0)
    x, h, c = _randn(gen, 3, 4), _randn(gen, 3, 5), _randn(gen, 3, 5)
    h_next, c_next = ns["lstm_cell"](x, h, c, *_lstm_params(gen, 4, 5, torch.float64))
    return {"h_next": h_next, "c_next": c_next}


@probe("test_lstm_cell_hidden")
def lstm_cell_hidden(ns):
    gen = _gen(1)
    out = {}
    for B, I, H, dtype, scale in [(1, 3, 2, torch.float64, 1.0), (4, 7, 3, torch.float64, 4.0),
                                  (2, 2, 6, torch.float32, 1.0), (5, 1, 1, torch.float64, 1.0)]:
        params = _lstm_params(gen, I, H, dtype)
        h = torch.zeros(B, H, dtype=dtype)
        c = torch.zeros(B, H, dtype=dtype)
        for step in range(3):
            h, c = ns["lstm_cell"](_randn(gen, B, I, dtype=dtype, scale=scale), h, c, *params)
        name = f"lstm_cell after 3 steps, B={B}, I={I}, H={H}, {dtype}"
        out[name + " (h_next)"] = _value(h, dtype)
        out[name + " (c_next)"] = _value(c, dtype)
    return out


@probe("test_lstm_cell_gradients")
def lstm_cell_gradients(ns):
    gen = _gen(2)
    inputs = [_randn(gen, 2, 3).requires_grad_(), _randn(gen, 2, 4).requires_grad_(), _randn(gen, 2, 4).requires_grad_()]
    params = [p.requires_grad_() for p in _lstm_params(gen, 3, 4, torch.float64)]
    h_next, c_next = ns["lstm_cell"](*inputs, *params)
    (h_next.sin().sum() + c_next.cos().sum()).backward()
    names = ["x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"]
    return {f"gradient with respect to {n}": t.grad for n, t in zip(names, inputs + params)}


# --- gru_cell ----------------------------------------------------------------------------------

def _gru_params(gen, I, H, dtype):
    return [_randn(gen, 3 * H, I, dtype=dtype), _randn(gen, 3 * H, H, dtype=dtype),
            _randn(gen, 3 * H, dtype=dtype), _randn(gen, 3 * H, dtype=dtype)]


@probe("test_gru_cell_reference")
def gru_cell_reference(ns):
    gen = _gen(3)
    x, h = _randn(gen, 3, 4), _randn(gen, 3, 5)
    return {"h_next": ns["gru_cell"](x, h, *_gru_params(gen, 4, 5, torch.float64))}


@probe("test_gru_cell_hidden")
def gru_cell_hidden(ns):
    gen = _gen(4)
    out = {}
    for B, I, H, dtype in [(1, 3, 2, torch.float64), (4, 7, 3, torch.float64), (2, 2, 6, torch.float32),
                           (3, 1, 1, torch.float64)]:
        params = _gru_params(gen, I, H, dtype)
        h = torch.zeros(B, H, dtype=dtype)
        for step in range(3):
            h = ns["gru_cell"](_randn(gen, B, I, dtype=dtype), h, *params)
        out[f"gru_cell after 3 steps, B={B}, I={I}, H={H}, {dtype}"] = _value(h, dtype)
    return out


@probe("test_gru_cell_gradients")
def gru_cell_gradients(ns):
    gen = _gen(5)
    inputs = [_randn(gen, 2, 3).requires_grad_(), _randn(gen, 2, 4).requires_grad_()]
    params = [p.requires_grad_() for p in _gru_params(gen, 3, 4, torch.float64)]
    ns["gru_cell"](*inputs, *params).sin().sum().backward()
    names = ["x", "h", "W_ih", "W_hh", "b_ih", "b_hh"]
    return {f"gradient with respect to {n}": t.grad for n, t in zip(names, inputs + params)}


# --- scaled_dot_product_attention ----------------------------------------------------------------

@probe("test_attention_reference")
def attention_reference(ns):
    attend = ns["scaled_dot_product_attention"]
    Q = torch.tensor([[1.0, 1.0]], dtype=torch.float64)
    K = torch.tensor([[1.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    V = torch.tensor([[10.0], [20.0]], dtype=torch.float64)
    out, weights = attend(Q, K, V)
    result = {"out of the 2-key example": out, "weights of the 2-key example": weights}
    gen = _gen(6)
    Q, K, V = (_randn(gen, 2, 5, 4) for _ in range(3))
    out, weights = attend(Q, K, V)
    result.update({"out for Q, K, V of shape (2, 5, 4)": out, "weights for Q, K, V of shape (2, 5, 4)": weights})
    return result


@probe("test_attention_mask")
def attention_mask(ns):
    gen = _gen(7)
    Q, K, V = (_randn(gen, 1, 4, 3) for _ in range(3))
    mask = torch.ones(4, 4, dtype=torch.bool).tril()
    out, weights = ns["scaled_dot_product_attention"](Q, K, V, mask=mask)
    return {"masked out": out, "masked weights": weights}


@probe("test_attention_shapes_dtypes")
def attention_shapes_dtypes(ns):
    gen = _gen(8)
    out = {}
    cases = [((), 3, 6, 4, 2, None, torch.float64), ((1,), 1, 5, 8, 3, None, torch.float64),
             ((2, 3), 4, 7, 5, 6, None, torch.float64), ((2,), 5, 3, 4, 7, (5, 3), torch.float64),
             ((2, 2), 3, 5, 4, 4, (2, 1, 1, 5), torch.float64), ((3,), 6, 6, 8, 5, (6, 6), torch.float32),
             ((1, 2), 2, 9, 3, 1, (1, 2, 2, 9), torch.float32)]
    for lead, T_q, T_k, d, d_v, mask_shape, dtype in cases:
        Q = _randn(gen, *lead, T_q, d, dtype=dtype, scale=2.0)
        K = _randn(gen, *lead, T_k, d, dtype=dtype, scale=2.0)
        V = _randn(gen, *lead, T_k, d_v, dtype=dtype)
        mask = None
        if mask_shape is not None:
            mask = torch.rand(mask_shape, generator=gen) < 0.6
            mask[..., 0] = True
        o, w = ns["scaled_dot_product_attention"](Q, K, V, mask=mask)
        name = f"attention with Q {tuple(Q.shape)}, K {tuple(K.shape)}, V {tuple(V.shape)}, mask {mask_shape}"
        out[name + ": out"] = _value(o, dtype)
        out[name + ": weights"] = _value(w, dtype)
    return out


@probe("test_attention_future_and_gradients")
def attention_future_and_gradients(ns):
    attend = ns["scaled_dot_product_attention"]
    gen = _gen(9)
    T = 6
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    Q, K, V = (_randn(gen, 2, T, 4) for _ in range(3))
    out, weights = attend(Q, K, V, mask=causal)
    K2, V2 = K.clone(), V.clone()
    K2[:, 3:] = _randn(gen, 2, T - 3, 4, scale=100.0)
    V2[:, 3:] = _randn(gen, 2, T - 3, 4, scale=100.0)
    out2, _ = attend(Q, K2, V2, mask=causal)
    result = {"causal weights": weights,
              "outputs at positions 0-2 after changing the future": agree(out2[:, :3], out[:, :3])}
    Q, K, V = (_randn(gen, 2, 3, 5, d).requires_grad_() for d in (4, 4, 3))
    out, weights = attend(Q, K, V, mask=causal[:5, :5])
    (out.sin().sum() + (weights ** 2).sum()).backward()
    result.update({f"gradient with respect to {n}": t.grad for n, t in zip("QKV", (Q, K, V))})
    return result


# --- causal_mask -------------------------------------------------------------------------------

@probe("test_causal_mask")
def causal_mask_probe(ns):
    return {f"causal_mask({T})": exact(ns["causal_mask"](T), dtype=True) for T in range(1, 10)}


# --- positional_encoding -----------------------------------------------------------------------

@probe("test_positional_encoding_basic")
def positional_encoding_basic(ns):
    return {"positional_encoding(10, 6)": close(ns["positional_encoding"](10, 6), rtol=1e-5, atol=1e-6, dtype=True)}


@probe("test_positional_encoding_reference")
def positional_encoding_reference(ns):
    return {f"positional_encoding({T}, {d})": close(ns["positional_encoding"](T, d), rtol=1e-4, atol=1e-4, dtype=True)
            for T, d in [(1, 2), (5, 4), (50, 16), (128, 64), (7, 10)]}


# --- MultiHeadAttention ------------------------------------------------------------------------

def _mha(ns, d_model, num_heads, seed, dtype=torch.float64):
    """The learner's module with seeded weights in W_q, W_k, W_v, W_o (weight and bias each)."""
    mha = ns["MultiHeadAttention"](d_model, num_heads).to(dtype)
    gen = _gen(seed)
    with torch.no_grad():
        for name in ["W_q", "W_k", "W_v", "W_o"]:
            layer = getattr(mha, name)
            layer.weight.copy_(_randn(gen, d_model, d_model, dtype=dtype, scale=d_model ** -0.5))
            layer.bias.copy_(_randn(gen, d_model, dtype=dtype, scale=0.1))
    return mha


@probe("test_mha_shapes")
def mha_shapes(ns):
    mha = _mha(ns, 8, 2, seed=10, dtype=torch.float32)
    X = _randn(_gen(11), 3, 5, 8, dtype=torch.float32)
    out, weights = mha(X, X, X)
    return {"layers W_q, W_k, W_v, W_o are nn.Linear": exact(all(isinstance(getattr(mha, n), torch.nn.Linear)
                                                                  for n in ["W_q", "W_k", "W_v", "W_o"])),
            "out": close(out, **F32), "weights": close(weights, **F32)}


@probe("test_mha_reference")
def mha_reference(ns):
    mha = _mha(ns, 12, 3, seed=12)
    X = _randn(_gen(13), 2, 6, 12)
    with torch.no_grad():
        out, weights = mha(X, X, X)
    return {"self-attention out": out, "self-attention weights": weights}


@probe("test_mha_masks_cross")
def mha_masks_cross(ns):
    gen = _gen(14)
    result = {}
    mha = _mha(ns, 16, 4, seed=15)
    X = _randn(gen, 2, 7, 16)
    with torch.no_grad():
        out, weights = mha(X, X, X, mask=torch.ones(7, 7, dtype=torch.bool).tril())
    result.update({"causal out": out, "causal weights": weights})
    mha = _mha(ns, 10, 5, seed=16)
    query, memory, value = _randn(gen, 3, 4, 10), _randn(gen, 3, 6, 10), _randn(gen, 3, 6, 10)
    keep = torch.arange(6)[None, :] < torch.tensor([6, 3, 5])[:, None]
    with torch.no_grad():
        out, weights = mha(query, memory, value, mask=keep[:, None, None, :])
    result.update({"cross-attention out with a padding mask": out, "cross-attention weights": weights})
    mha = _mha(ns, 6, 1, seed=17, dtype=torch.float32)
    q, kv = _randn(gen, 1, 2, 6, dtype=torch.float32), _randn(gen, 1, 5, 6, dtype=torch.float32)
    with torch.no_grad():
        out, _ = mha(q, kv, kv)
    result["float32 batch of one, one head"] = close(out, **F32, dtype=True)
    try:
        ns["MultiHeadAttention"](10, 3)
        raised = False
    except ValueError:
        raised = True
    result["MultiHeadAttention(10, 3) raises ValueError"] = exact(raised)
    return result


@probe("test_mha_gradients")
def mha_gradients(ns):
    mha = _mha(ns, 8, 2, seed=18)
    X = _randn(_gen(19), 2, 5, 8)
    out, _ = mha(X, X, X, mask=torch.ones(5, 5, dtype=torch.bool).tril())
    out.sin().sum().backward()
    return {f"gradient of {name}.{part}": getattr(getattr(mha, name), part).grad
            for name in ["W_q", "W_k", "W_v", "W_o"] for part in ["weight", "bias"]}


# --- next_token_probs --------------------------------------------------------------------------

@probe("test_next_token_probs_basic")
def next_token_probs_basic(ns):
    probs = ns["next_token_probs"]
    logits = torch.tensor([2.0, 1.0, 0.5, -1.0], dtype=torch.float64)
    return {"next_token_probs(logits)": probs(logits),
            "next_token_probs(logits, temperature=0.5)": probs(logits, temperature=0.5),
            "next_token_probs(logits, top_k=2)": probs(logits, top_k=2)}


@probe("test_next_token_probs_hidden")
def next_token_probs_hidden(ns):
    gen = _gen(20)
    out = {}
    cases = [((3, 10), 1.0, None, torch.float64), ((3, 10), 2.0, None, torch.float64), ((2, 4, 7), 0.7, 3, torch.float64),
             ((5, 6), 1.5, 1, torch.float64), ((2, 8), 1.0, 8, torch.float64), ((2, 8), 0.5, 20, torch.float64),
             ((1, 50), 0.8, 5, torch.float32), ((4, 3, 12), 1.3, 4, torch.float32)]
    for shape, temperature, top_k, dtype in cases:
        logits = _randn(gen, *shape, dtype=dtype, scale=3.0)
        before = logits.clone()
        p = ns["next_token_probs"](logits, temperature=temperature, top_k=top_k)
        name = f"next_token_probs(logits {shape}, temperature={temperature}, top_k={top_k})"
        out[name] = close(p, **F32, dtype=True) if dtype == torch.float32 else close(p, rtol=1e-7, atol=1e-12, dtype=True)
        out[name + ": logits unchanged"] = agree(logits, before, rtol=0.0, atol=0.0)
    return out
