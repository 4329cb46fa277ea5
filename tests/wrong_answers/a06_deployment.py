"""Wrong answers for a06_deployment (the mistakes learners make), and correct answers written another way."""

_QUANT = '''
def quantize_symmetric(w, num_bits=8):
    q_max = 2 ** (num_bits - 1) - 1
    max_abs = float(w.abs().max())
    scale = max_abs / q_max if max_abs > 0 else 1.0
    q = torch.clamp(torch.round(w / scale), -q_max, q_max)
    return q.to(torch.int8 if num_bits <= 8 else torch.int32), scale
'''

_MASK = '''
def magnitude_prune_mask(w, sparsity):
    k = round(sparsity * w.numel())
    order = torch.argsort(w.abs().flatten(), stable=True)
    mask = torch.ones(w.numel(), dtype=torch.bool)
    mask[order[:k]] = False
    return mask.reshape(w.shape)
'''

_DISTILL = '''
def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                    reduction="batchmean")
    hard = F.cross_entropy(student_logits, labels)
    return alpha * T ** 2 * soft + (1 - alpha) * hard
'''

_APP = '''
class PredictRequest(BaseModel):
    inputs: list[list[float]]


def create_app(model, class_names):
    app = FastAPI()

    @app.post("/predict")
    def predict(request: PredictRequest):
        if not request.inputs:
            raise HTTPException(status_code=422, detail="empty batch")
        if len({len(row) for row in request.inputs}) != 1:
            raise HTTPException(status_code=422, detail="rows have different lengths")
        x = torch.tensor(request.inputs, dtype=torch.float32)
        try:
            with torch.no_grad():
                logits = model(x)
        except RuntimeError as err:
            raise HTTPException(status_code=422, detail=str(err))
        probs = torch.softmax(logits, dim=1)
        return {"predictions": [class_names[int(i)] for i in probs.argmax(dim=1)], "probabilities": probs.tolist()}

    return app
'''


def _sub(template: str, old: str, new: str) -> str:
    assert old in template, old
    return template.replace(old, new)


WRONG_ANSWERS = {
    # --- quantize_symmetric --------------------------------------------------------------------
    "quant_uses_2_pow_b_minus_1": ("quantize_symmetric", _sub(_QUANT, "q_max = 2 ** (num_bits - 1) - 1",
                                                               "q_max = 2 ** (num_bits - 1)")),
    "quant_unsigned_range": ("quantize_symmetric", _sub(_QUANT, "q_max = 2 ** (num_bits - 1) - 1",
                                                         "q_max = 2 ** num_bits - 1")),
    "quant_floor_not_round": ("quantize_symmetric", _sub(_QUANT, "torch.round(w / scale)", "torch.floor(w / scale)")),
    "quant_truncates_toward_zero": ("quantize_symmetric", _sub(_QUANT, "torch.round(w / scale)", "torch.trunc(w / scale)")),
    "quant_returns_float_q": ("quantize_symmetric", _sub(_QUANT, "q.to(torch.int8 if num_bits <= 8 else torch.int32)", "q")),
    "quant_zero_weights_divide_by_zero": ("quantize_symmetric", _sub(_QUANT, "max_abs / q_max if max_abs > 0 else 1.0",
                                                                      "max_abs / q_max")),
    "quant_zero_weights_scale_zero": ("quantize_symmetric", _sub(
        _QUANT, "scale = max_abs / q_max if max_abs > 0 else 1.0\n    q = torch.clamp(torch.round(w / scale), -q_max, q_max)",
        "scale = max_abs / q_max\n    q = torch.clamp(torch.round(w / scale), -q_max, q_max).nan_to_num(0.0)")),
    "quant_max_not_abs": ("quantize_symmetric", _sub(_QUANT, "float(w.abs().max())", "float(w.max())")),
    "quant_always_int8": ("quantize_symmetric", _sub(_QUANT, "q.to(torch.int8 if num_bits <= 8 else torch.int32)",
                                                      "q.to(torch.int8)")),
    "quant_ignores_num_bits": ("quantize_symmetric", _sub(_QUANT, "q_max = 2 ** (num_bits - 1) - 1", "q_max = 127")),
    "quant_in_place": ("quantize_symmetric", _sub(_QUANT, "q = torch.clamp(torch.round(w / scale), -q_max, q_max)",
                                                   "q = torch.clamp(torch.round(w.div_(scale)), -q_max, q_max)")),
    # --- dequantize -----------------------------------------------------------------------------
    "dequant_divides": ("dequantize", '''
def dequantize(q, scale):
    return q.to(torch.float32) / scale
'''),
    "dequant_ignores_scale": ("dequantize", '''
def dequantize(q, scale):
    return q.to(torch.float32)
'''),
    "dequant_float64": ("dequantize", '''
def dequantize(q, scale):
    return q.to(torch.float64) * scale
'''),
    # --- magnitude_prune_mask -------------------------------------------------------------------
    "mask_prunes_largest": ("magnitude_prune_mask", _sub(_MASK, "torch.argsort(w.abs().flatten(), stable=True)",
                                                           "torch.argsort(w.abs().flatten(), descending=True, stable=True)")),
    "mask_signed_not_magnitude": ("magnitude_prune_mask", _sub(_MASK, "w.abs().flatten()", "w.flatten()")),
    "mask_floor_count": ("magnitude_prune_mask", _sub(_MASK, "round(sparsity * w.numel())", "int(sparsity * w.numel())")),
    "mask_inverted": ("magnitude_prune_mask", _sub(_MASK, "return mask.reshape(w.shape)", "return ~mask.reshape(w.shape)")),
    "mask_float_dtype": ("magnitude_prune_mask", _sub(_MASK, "return mask.reshape(w.shape)",
                                                        "return mask.reshape(w.shape).float()")),
    "mask_threshold_ties": ("magnitude_prune_mask", '''
def magnitude_prune_mask(w, sparsity):
    k = round(sparsity * w.numel())
    if k == 0:
        return torch.ones_like(w, dtype=torch.bool)
    threshold = w.abs().flatten().kthvalue(k).values
    return w.abs() > threshold
'''),
    "mask_unstable_ties": ("magnitude_prune_mask", '''
def magnitude_prune_mask(w, sparsity):
    k = round(sparsity * w.numel())
    order = torch.argsort(w.abs().flatten(), descending=True, stable=True).flip(0)
    mask = torch.ones(w.numel(), dtype=torch.bool)
    mask[order[:k]] = False
    return mask.reshape(w.shape)
'''),
    "mask_flat_shape": ("magnitude_prune_mask", _sub(_MASK, "return mask.reshape(w.shape)", "return mask")),
    # --- distillation_loss ----------------------------------------------------------------------
    "distill_mean_reduction": ("distillation_loss", _sub(_DISTILL, 'reduction="batchmean"', 'reduction="mean"')),
    "distill_sum_reduction": ("distillation_loss", _sub(_DISTILL, 'reduction="batchmean"', 'reduction="sum"')),
    "distill_no_T_squared": ("distillation_loss", _sub(_DISTILL, "alpha * T ** 2 * soft", "alpha * soft")),
    "distill_T_not_squared": ("distillation_loss", _sub(_DISTILL, "alpha * T ** 2 * soft", "alpha * T * soft")),
    "distill_swapped_kl_direction": ("distillation_loss", _sub(
        _DISTILL, "F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),",
        "F.kl_div(F.log_softmax(teacher_logits / T, dim=1), F.softmax(student_logits / T, dim=1),")),
    "distill_probs_not_log_probs": ("distillation_loss", _sub(_DISTILL, "F.log_softmax(student_logits / T, dim=1)",
                                                               "F.softmax(student_logits / T, dim=1)")),
    "distill_teacher_not_softened": ("distillation_loss", _sub(_DISTILL, "F.softmax(teacher_logits / T, dim=1)",
                                                                "F.softmax(teacher_logits, dim=1)")),
    "distill_hard_term_at_T": ("distillation_loss", _sub(_DISTILL, "F.cross_entropy(student_logits, labels)",
                                                          "F.cross_entropy(student_logits / T, labels)")),
    "distill_alpha_swapped": ("distillation_loss", _sub(_DISTILL, "return alpha * T ** 2 * soft + (1 - alpha) * hard",
                                                         "return (1 - alpha) * T ** 2 * soft + alpha * hard")),
    "distill_detached_student": ("distillation_loss", _sub(_DISTILL, "return alpha * T ** 2 * soft + (1 - alpha) * hard",
                                                            "return (alpha * T ** 2 * soft + (1 - alpha) * hard).detach()")),
    "distill_mse_on_logits": ("distillation_loss", _sub(
        _DISTILL, '''F.kl_div(F.log_softmax(student_logits / T, dim=1), F.softmax(teacher_logits / T, dim=1),
                    reduction="batchmean")''', "F.mse_loss(student_logits / T, teacher_logits / T)")),
    # --- create_app -----------------------------------------------------------------------------
    "app_empty_batch_is_ok": ("create_app", _sub(_APP, '''            raise HTTPException(status_code=422, detail="empty batch")''',
                                                  '''            return {"predictions": [], "probabilities": []}''')),
    "app_no_shape_check": ("create_app", _sub(_APP, '''        try:
            with torch.no_grad():
                logits = model(x)
        except RuntimeError as err:
            raise HTTPException(status_code=422, detail=str(err))''', '''        with torch.no_grad():
            logits = model(x)''')),
    "app_ragged_rows_crash": ("create_app", _sub(_APP, '''        if len({len(row) for row in request.inputs}) != 1:
            raise HTTPException(status_code=422, detail="rows have different lengths")
''', "")),
    "app_400_not_422": ("create_app", _APP.replace("status_code=422", "status_code=400")),
    "app_logits_not_probabilities": ("create_app", _sub(_APP, '"probabilities": probs.tolist()',
                                                         '"probabilities": logits.tolist()')),
    "app_indices_not_names": ("create_app", _sub(_APP, "[class_names[int(i)] for i in probs.argmax(dim=1)]",
                                                  "[int(i) for i in probs.argmax(dim=1)]")),
    "app_argmin": ("create_app", _sub(_APP, "probs.argmax(dim=1)", "probs.argmin(dim=1)")),
    "app_softmax_over_batch": ("create_app", _sub(_APP, "probs = torch.softmax(logits, dim=1)",
                                                   "probs = torch.softmax(logits, dim=0)")),
    "app_raw_dict_body": ("create_app", '''
def create_app(model, class_names):
    app = FastAPI()

    @app.post("/predict")
    def predict(body: dict):
        x = torch.tensor(body["inputs"], dtype=torch.float32)
        with torch.no_grad():
            probs = torch.softmax(model(x), dim=1)
        return {"predictions": [class_names[int(i)] for i in probs.argmax(dim=1)], "probabilities": probs.tolist()}

    return app
'''),
    "app_first_row_only": ("create_app", _sub(_APP, '''        return {"predictions": [class_names[int(i)] for i in probs.argmax(dim=1)], "probabilities": probs.tolist()}''',
                                               '''        return {"predictions": [class_names[int(probs[0].argmax())]], "probabilities": probs[:1].tolist()}''')),
}

ALTERNATIVE_ANSWERS = {
    "quant_with_amax_and_where": ("quantize_symmetric", '''
def quantize_symmetric(w, num_bits=8):
    levels = (1 << (num_bits - 1)) - 1
    amax = w.detach().abs().amax()
    scale = torch.where(amax > 0, amax / levels, torch.ones(())).item()
    q = (w.detach() / scale).round().clamp(min=-levels, max=levels)
    return (q.char() if num_bits <= 8 else q.int()), scale
'''),
    "dequant_mul_then_cast": ("dequantize", '''
def dequantize(q, scale):
    return (q.double() * scale).float()
'''),
    "mask_with_sort_loop": ("magnitude_prune_mask", '''
def magnitude_prune_mask(w, sparsity):
    flat = w.detach().abs().flatten().tolist()
    k = round(sparsity * len(flat))
    order = sorted(range(len(flat)), key=lambda i: (flat[i], i))
    keep = [True] * len(flat)
    for i in order[:k]:
        keep[i] = False
    return torch.tensor(keep, dtype=torch.bool).reshape(w.shape)
'''),
    "distill_manual_kl": ("distillation_loss", '''
def distillation_loss(student_logits, teacher_logits, labels, T=2.0, alpha=0.5):
    p_t = torch.softmax(teacher_logits / T, dim=1)
    log_p_t = torch.log_softmax(teacher_logits / T, dim=1)
    log_p_s = torch.log_softmax(student_logits / T, dim=1)
    kl = (p_t * (log_p_t - log_p_s)).sum(dim=1).mean()
    ce = -torch.log_softmax(student_logits, dim=1).gather(1, labels[:, None]).mean()
    return alpha * T * T * kl + (1 - alpha) * ce
'''),
    "app_with_pydantic_validator": ("create_app", '''
from pydantic import field_validator


class Batch(BaseModel):
    inputs: list[list[float]]

    @field_validator("inputs")
    @classmethod
    def not_empty_and_rectangular(cls, rows):
        if not rows:
            raise ValueError("the batch is empty")
        if any(len(r) != len(rows[0]) for r in rows):
            raise ValueError("rows have different lengths")
        return rows


def create_app(model, class_names):
    app = FastAPI()

    @app.post("/predict")
    async def predict(batch: Batch):
        x = torch.tensor(batch.inputs)
        try:
            with torch.no_grad():
                probs = model(x).softmax(dim=-1)
        except RuntimeError:
            raise HTTPException(422, detail=f"expected inputs the model accepts, got rows of length {x.shape[1]}")
        return {"predictions": [class_names[i] for i in probs.argmax(-1).tolist()], "probabilities": probs.tolist()}

    return app
'''),
}
