"""Wrong answers for a05_sequences: the mistakes learners actually make with gates, masks and heads.

Most entries are a correct reference implementation (the templates below) with one slip.
``ALTERNATIVE_ANSWERS`` holds correct answers written another way (loops over time steps or
heads, einsum, manual softmax); they must keep full marks (tests/test_alternative_answers_probes.py).
"""

_LSTM = '''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    a_i, a_f, a_g, a_o = a.chunk(4, dim=-1)
    i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
    c_next = f * c + i * g
    h_next = o * torch.tanh(c_next)
    return h_next, c_next
'''

_GRU = '''
def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[-1]
    gi = x @ W_ih.T + b_ih
    gh = h @ W_hh.T + b_hh
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h
'''

_SDPA = '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    d = Q.shape[-1]
    scores = Q @ K.transpose(-2, -1) / math.sqrt(d)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ V, weights
'''

_PE = '''
def positional_encoding(T, d_model):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    i = torch.arange(0, d_model, 2, dtype=torch.float64)
    angles = pos / 10000.0 ** (i / d_model)
    pe = torch.zeros(T, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe.float()
'''

_MHA = '''
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        if d_model % num_heads:
            raise ValueError("d_model must be divisible by num_heads")
        self.h = num_heads
        self.d_k = d_model // num_heads
        self.W_q = nn.Linear(d_model, d_model)
        self.W_k = nn.Linear(d_model, d_model)
        self.W_v = nn.Linear(d_model, d_model)
        self.W_o = nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        B, T_q, D = query.shape
        T_k = key.shape[1]
        Q = self.W_q(query).view(B, T_q, self.h, self.d_k).transpose(1, 2)
        K = self.W_k(key).view(B, T_k, self.h, self.d_k).transpose(1, 2)
        V = self.W_v(value).view(B, T_k, self.h, self.d_k).transpose(1, 2)
        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_k)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        out = (weights @ V).transpose(1, 2).reshape(B, T_q, D)
        return self.W_o(out), weights
'''

_PROBS = '''
def next_token_probs(logits, temperature=1.0, top_k=None):
    z = logits / temperature
    if top_k is not None and top_k < z.shape[-1]:
        kth = z.topk(top_k, dim=-1).values[..., -1:]
        z = z.masked_fill(z < kth, float("-inf"))
    return torch.softmax(z, dim=-1)
'''


def _slip(template: str, old: str, new: str) -> str:
    """``template`` with the fragment ``old`` (which must occur exactly once) replaced by ``new``."""
    assert template.count(old) == 1, f"wrong-answer template: {old!r} must occur exactly once"
    return template.replace(old, new)


WRONG_ANSWERS = {
    # --- lstm_cell ---------------------------------------------------------------------------
    "lstm_gate_order_ifog": ("lstm_cell", _slip(_LSTM, "a_i, a_f, a_g, a_o = a.chunk", "a_i, a_f, a_o, a_g = a.chunk")),
    "lstm_gate_order_fiog": ("lstm_cell", _slip(_LSTM, "a_i, a_f, a_g, a_o = a.chunk", "a_f, a_i, a_g, a_o = a.chunk")),
    "lstm_sigmoid_candidate": ("lstm_cell", _slip(_LSTM, "torch.tanh(a_g)", "torch.sigmoid(a_g)")),
    "lstm_h_without_tanh": ("lstm_cell", _slip(_LSTM, "h_next = o * torch.tanh(c_next)", "h_next = o * c_next")),
    "lstm_h_from_old_c": ("lstm_cell", _slip(_LSTM, "h_next = o * torch.tanh(c_next)", "h_next = o * torch.tanh(c)")),
    "lstm_forget_gate_inverted": ("lstm_cell", _slip(_LSTM, "c_next = f * c + i * g", "c_next = (1 - f) * c + i * g")),
    "lstm_missing_b_hh": ("lstm_cell", _slip(_LSTM, "+ h @ W_hh.T + b_hh", "+ h @ W_hh.T")),
    "lstm_returns_c_h": ("lstm_cell", _slip(_LSTM, "return h_next, c_next", "return c_next, h_next")),
    "lstm_through_numpy": ("lstm_cell", _slip(_LSTM, "a = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh",
                                              "a = torch.from_numpy((x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).detach().numpy())")),
    "lstm_float64_always": ("lstm_cell", _slip(_LSTM, "return h_next, c_next", "return h_next.double(), c_next.double()")),
    # --- gru_cell ----------------------------------------------------------------------------
    "gru_reset_outside_bias": ("gru_cell", _slip(_GRU, "n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])",
                                                 "n = torch.tanh(gi[:, 2 * H:] + r * (h @ W_hh[2 * H:].T) + b_hh[2 * H:])")),
    "gru_reset_before_matmul": ("gru_cell", _slip(_GRU, "n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])",
                                                  "n = torch.tanh(gi[:, 2 * H:] + (r * h) @ W_hh[2 * H:].T + b_hh[2 * H:])")),
    "gru_update_swapped": ("gru_cell", _slip(_GRU, "return (1 - z) * n + z * h", "return z * n + (1 - z) * h")),
    "gru_gate_order_zr": ("gru_cell", _slip(_GRU, "r = torch.sigmoid(gi[:, :H] + gh[:, :H])\n    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])",
                                            "z = torch.sigmoid(gi[:, :H] + gh[:, :H])\n    r = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])")),
    "gru_no_reset": ("gru_cell", _slip(_GRU, "+ r * gh[:, 2 * H:]", "+ gh[:, 2 * H:]")),
    "gru_h_in_place": ("gru_cell", _slip(_GRU, "return (1 - z) * n + z * h", "h.mul_(z).add_((1 - z) * n)\n    return h")),
    # --- scaled_dot_product_attention ----------------------------------------------------------
    "attention_no_scale": ("scaled_dot_product_attention", _slip(_SDPA, " / math.sqrt(d)", "")),
    "attention_scale_by_d": ("scaled_dot_product_attention", _slip(_SDPA, "/ math.sqrt(d)", "/ d")),
    "attention_scale_by_d_v": ("scaled_dot_product_attention", _slip(_SDPA, "d = Q.shape[-1]", "d = V.shape[-1]")),
    "attention_softmax_wrong_axis": ("scaled_dot_product_attention", _slip(_SDPA, "torch.softmax(scores, dim=-1)", "torch.softmax(scores, dim=-2)")),
    "attention_mask_polarity": ("scaled_dot_product_attention", _slip(_SDPA, "masked_fill(~mask,", "masked_fill(mask,")),
    "attention_mask_fill_zero": ("scaled_dot_product_attention", _slip(_SDPA, 'masked_fill(~mask, float("-inf"))', "masked_fill(~mask, 0.0)")),
    "attention_mask_after_softmax": ("scaled_dot_product_attention", _slip(
        _SDPA, '    if mask is not None:\n        scores = scores.masked_fill(~mask, float("-inf"))\n    weights = torch.softmax(scores, dim=-1)',
        '    weights = torch.softmax(scores, dim=-1)\n    if mask is not None:\n        weights = weights * mask')),
    "attention_transpose_2d_only": ("scaled_dot_product_attention", _slip(_SDPA, "K.transpose(-2, -1)", "K.T")),
    "attention_weights_transposed": ("scaled_dot_product_attention", _slip(_SDPA, "return weights @ V, weights", "return weights @ V, weights.transpose(-2, -1)")),
    # --- causal_mask -------------------------------------------------------------------------
    "causal_mask_upper": ("causal_mask", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).triu()
'''),
    "causal_mask_strict": ("causal_mask", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).tril(diagonal=-1)
'''),
    "causal_mask_float": ("causal_mask", '''
def causal_mask(T):
    return torch.ones(T, T).tril()
'''),
    "causal_mask_pytorch_polarity": ("causal_mask", '''
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool).triu(diagonal=1)
'''),
    # --- positional_encoding -----------------------------------------------------------------
    "pe_sin_cos_swapped": ("positional_encoding", _slip(_PE, "pe[:, 0::2] = torch.sin(angles)\n    pe[:, 1::2] = torch.cos(angles)",
                                                        "pe[:, 0::2] = torch.cos(angles)\n    pe[:, 1::2] = torch.sin(angles)")),
    "pe_halves_not_interleaved": ("positional_encoding", _slip(_PE, "pe[:, 0::2] = torch.sin(angles)\n    pe[:, 1::2] = torch.cos(angles)",
                                                               "pe[:, :d_model // 2] = torch.sin(angles)\n    pe[:, d_model // 2:] = torch.cos(angles)")),
    "pe_base_1000": ("positional_encoding", _slip(_PE, "10000.0 **", "1000.0 **")),
    "pe_exponent_per_column": ("positional_encoding", '''
def positional_encoding(T, d_model):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    j = torch.arange(d_model, dtype=torch.float64)
    angles = pos / 10000.0 ** (j / d_model)
    pe = torch.where(j.long() % 2 == 0, torch.sin(angles), torch.cos(angles))
    return pe.float()
'''),
    "pe_positions_from_one": ("positional_encoding", _slip(_PE, "torch.arange(T, dtype=torch.float64)", "torch.arange(1, T + 1, dtype=torch.float64)")),
    "pe_float64": ("positional_encoding", _slip(_PE, "return pe.float()", "return pe")),
    # --- MultiHeadAttention ------------------------------------------------------------------
    "mha_heads_without_transpose": ("MultiHeadAttention", _slip(
        _MHA, "Q = self.W_q(query).view(B, T_q, self.h, self.d_k).transpose(1, 2)\n        K = self.W_k(key).view(B, T_k, self.h, self.d_k).transpose(1, 2)\n        V = self.W_v(value).view(B, T_k, self.h, self.d_k).transpose(1, 2)",
        "Q = self.W_q(query).reshape(B, self.h, T_q, self.d_k)\n        K = self.W_k(key).reshape(B, self.h, T_k, self.d_k)\n        V = self.W_v(value).reshape(B, self.h, T_k, self.d_k)")),
    "mha_merge_without_transpose": ("MultiHeadAttention", _slip(_MHA, "(weights @ V).transpose(1, 2).reshape(B, T_q, D)", "(weights @ V).reshape(B, T_q, D)")),
    "mha_scale_by_d_model": ("MultiHeadAttention", _slip(_MHA, "math.sqrt(self.d_k)", "math.sqrt(D)")),
    "mha_no_output_projection": ("MultiHeadAttention", _slip(_MHA, "return self.W_o(out), weights", "return out, weights")),
    "mha_key_projects_value": ("MultiHeadAttention", _slip(_MHA, "V = self.W_v(value)", "V = self.W_v(key)")),
    "mha_mask_polarity": ("MultiHeadAttention", _slip(_MHA, "masked_fill(~mask,", "masked_fill(mask,")),
    "mha_averaged_weights": ("MultiHeadAttention", _slip(_MHA, "return self.W_o(out), weights", "return self.W_o(out), weights.mean(dim=1)")),
    "mha_query_length_for_keys": ("MultiHeadAttention", _slip(_MHA, "T_k = key.shape[1]", "T_k = T_q")),
    "mha_no_bias": ("MultiHeadAttention", _slip(_MHA, "self.W_o = nn.Linear(d_model, d_model)", "self.W_o = nn.Linear(d_model, d_model, bias=False)")),
    "mha_no_divisibility_check": ("MultiHeadAttention", _slip(_MHA, '        if d_model % num_heads:\n            raise ValueError("d_model must be divisible by num_heads")\n', "")),
    # --- next_token_probs --------------------------------------------------------------------
    "probs_temperature_multiplied": ("next_token_probs", _slip(_PROBS, "z = logits / temperature", "z = logits * temperature")),
    "probs_top_k_not_renormalized": ("next_token_probs", '''
def next_token_probs(logits, temperature=1.0, top_k=None):
    p = torch.softmax(logits / temperature, dim=-1)
    if top_k is not None and top_k < p.shape[-1]:
        kth = p.topk(top_k, dim=-1).values[..., -1:]
        p = p * (p >= kth)
    return p
'''),
    "probs_top_k_smallest": ("next_token_probs", _slip(_PROBS, "z.topk(top_k, dim=-1).values[..., -1:]", "z.topk(top_k, dim=-1, largest=False).values[..., -1:]")),
    "probs_top_k_off_by_one": ("next_token_probs", _slip(_PROBS, "z.masked_fill(z < kth,", "z.masked_fill(z <= kth,")),
    "probs_softmax_axis_0": ("next_token_probs", _slip(_PROBS, "torch.softmax(z, dim=-1)", "torch.softmax(z, dim=0)")),
    "probs_top_k_first_row_threshold": ("next_token_probs", _slip(_PROBS, "z.topk(top_k, dim=-1).values[..., -1:]", "z.reshape(-1, z.shape[-1])[0].topk(top_k).values[-1]")),
    "probs_in_place": ("next_token_probs", '''
def next_token_probs(logits, temperature=1.0, top_k=None):
    logits /= temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits[logits < kth] = float("-inf")
    return torch.softmax(logits, dim=-1)
'''),
}

ALTERNATIVE_ANSWERS = {
    "lstm_per_gate_slices": ("lstm_cell", '''
def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]

    def gate(k):
        rows = slice(k * H, (k + 1) * H)
        return torch.einsum("bi,hi->bh", x, W_ih[rows]) + b_ih[rows] + torch.einsum("bj,hj->bh", h, W_hh[rows]) + b_hh[rows]

    i, f, g, o = torch.sigmoid(gate(0)), torch.sigmoid(gate(1)), torch.tanh(gate(2)), torch.sigmoid(gate(3))
    c_next = f * c + i * g
    return o * torch.tanh(c_next), c_next
'''),
    "gru_linear_functional": ("gru_cell", '''
def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    i_r, i_z, i_n = F.linear(x, W_ih, b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = F.linear(h, W_hh, b_hh).chunk(3, dim=1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)
'''),
    "attention_einsum_manual_softmax": ("scaled_dot_product_attention", '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = torch.einsum("...qd,...kd->...qk", Q, K) * Q.shape[-1] ** -0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(float("-inf"), dtype=scores.dtype))
    scores = scores - scores.amax(dim=-1, keepdim=True)
    e = scores.exp()
    weights = e / e.sum(dim=-1, keepdim=True)
    return torch.einsum("...qk,...kv->...qv", weights, V), weights
'''),
    "causal_mask_compare_indices": ("causal_mask", '''
def causal_mask(T):
    t = torch.arange(T)
    return t[None, :] <= t[:, None]
'''),
    "pe_loop": ("positional_encoding", '''
def positional_encoding(T, d_model):
    pe = torch.empty(T, d_model)
    for t in range(T):
        for i in range(d_model // 2):
            angle = t / 10000 ** (2 * i / d_model)
            pe[t, 2 * i] = math.sin(angle)
            pe[t, 2 * i + 1] = math.cos(angle)
    return pe
'''),
    "mha_loop_over_heads": ("MultiHeadAttention", '''
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        if d_model % num_heads != 0:
            raise ValueError(f"d_model={d_model} not divisible by num_heads={num_heads}")
        self.num_heads, self.head_dim = num_heads, d_model // num_heads
        self.W_q, self.W_k = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.W_v, self.W_o = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        Q, K, V = self.W_q(query), self.W_k(key), self.W_v(value)
        outs, maps = [], []
        for j in range(self.num_heads):
            cols = slice(j * self.head_dim, (j + 1) * self.head_dim)
            m = mask
            if mask is not None and mask.dim() == 4:  # (B or 1, h or 1, T_q or 1, T_k): this head's slice
                m = mask[:, j if mask.shape[1] > 1 else 0]
            out, w = scaled_dot_product_attention(Q[..., cols], K[..., cols], V[..., cols], m)
            outs.append(out)
            maps.append(w)
        return self.W_o(torch.cat(outs, dim=-1)), torch.stack(maps, dim=1)
'''),
    "probs_sort_and_scatter": ("next_token_probs", '''
def next_token_probs(logits, temperature=1.0, top_k=None):
    z = logits / temperature
    if top_k is not None and top_k < z.shape[-1]:
        values, idx = torch.sort(z, dim=-1, descending=True)
        values = values.clone()
        values[..., top_k:] = float("-inf")
        z = torch.empty_like(z).scatter(-1, idx, values)
    return F.softmax(z, dim=-1)
'''),
}
