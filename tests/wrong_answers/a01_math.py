"""Wrong answers for a01_math: the mistakes learners actually make."""

WRONG_ANSWERS = {
    # --- softmax -----------------------------------------------------------------------------
    "softmax_no_max_shift": ("softmax", '''
def softmax(z, axis=-1):
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    "softmax_roadmap_axis0": ("softmax", '''
def softmax(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=0)
'''),
    "softmax_global_max": ("softmax", '''
def softmax(z, axis=-1):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    "softmax_no_keepdims": ("softmax", '''
def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis)
'''),
    "softmax_in_place_shift": ("softmax", '''
def softmax(z, axis=-1):
    z -= np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    "softmax_forces_float64": ("softmax", '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
'''),
    # --- logsumexp ---------------------------------------------------------------------------
    "logsumexp_naive": ("logsumexp", '''
def logsumexp(z, axis=-1):
    return np.log(np.sum(np.exp(z), axis=axis))
'''),
    "logsumexp_forgets_max": ("logsumexp", '''
def logsumexp(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    return np.log(np.sum(np.exp(z - m), axis=axis))
'''),
    "logsumexp_global_max": ("logsumexp", '''
def logsumexp(z, axis=-1):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m), axis=axis))
'''),
    "logsumexp_keeps_dims": ("logsumexp", '''
def logsumexp(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    return m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
'''),
    "logsumexp_last_axis_only": ("logsumexp", '''
def logsumexp(z, axis=-1):
    m = np.max(z, axis=-1, keepdims=True)
    return (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))[..., 0]
'''),
    # --- cross_entropy -----------------------------------------------------------------------
    "cross_entropy_log_of_softmax": ("cross_entropy", '''
def cross_entropy(logits, y):
    p = softmax(logits, axis=1)
    return -np.mean(np.log(p[np.arange(len(y)), y]))
'''),
    "cross_entropy_sum_not_mean": ("cross_entropy", '''
def cross_entropy(logits, y):
    return np.sum(logsumexp(logits, axis=1) - logits[np.arange(len(y)), y])
'''),
    "cross_entropy_wrong_indexing": ("cross_entropy", '''
def cross_entropy(logits, y):
    return np.mean(logsumexp(logits, axis=1) - logits[:, y])
'''),
    "cross_entropy_sign_error": ("cross_entropy", '''
def cross_entropy(logits, y):
    return np.mean(logits[np.arange(len(y)), y] - logsumexp(logits, axis=1))
'''),
    "cross_entropy_ignores_labels": ("cross_entropy", '''
def cross_entropy(logits, y):
    return np.mean(logsumexp(logits, axis=1) - np.max(logits, axis=1))
'''),
    # --- numerical_gradient ------------------------------------------------------------------
    "numgrad_forward_difference": ("numerical_gradient", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
'''),
    "numgrad_divides_by_h": ("numerical_gradient", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / h
    return grad
'''),
    "numgrad_vectors_only": ("numerical_gradient", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(len(x))
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
'''),
    "numgrad_does_not_restore": ("numerical_gradient", '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        f_plus = f(x)
        x[idx] -= 2 * h
        f_minus = f(x)
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
'''),
    "numgrad_ignores_h": ("numerical_gradient", '''
def numerical_gradient(f, x, h=1e-5):
    step = 1e-4
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + step
        f_plus = f(x)
        x[idx] = old - step
        f_minus = f(x)
        x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * step)
    return grad
'''),
    # --- softmax_jacobian (a derivation the chapters leave to the learner) -----------------------
    "jacobian_diagonal_only": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z), axis=-1)
    return p[..., :, None] * (1 - p[..., :, None]) * np.eye(p.shape[-1])
'''),
    "jacobian_sign_flipped": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z), axis=-1)
    return p[..., :, None] * p[..., None, :] - p[..., :, None] * np.eye(p.shape[-1])
'''),
    "jacobian_elementwise_derivative_everywhere": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z), axis=-1)
    return p[..., :, None] * (1 - p[..., None, :])
'''),
    "jacobian_one_vector_only": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z))
    return np.diag(p) - np.outer(p, p)
'''),
    "jacobian_unstable_softmax": ("softmax_jacobian", '''
def softmax_jacobian(z):
    e = np.exp(z)
    p = e / e.sum(axis=-1, keepdims=True)
    return p[..., :, None] * np.eye(p.shape[-1]) - p[..., :, None] * p[..., None, :]
'''),
    "jacobian_float64_always": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z, dtype=np.float64), axis=-1)
    return p[..., :, None] * np.eye(p.shape[-1]) - p[..., :, None] * p[..., None, :]
'''),
    # --- softmax_backward: the vector-Jacobian product -------------------------------------------
    "vjp_elementwise_softmax": ("softmax_backward", '''
def softmax_backward(z, dp):
    p = softmax(np.asarray(z), axis=-1)
    return p * (1 - p) * dp
'''),
    "vjp_unweighted_sum": ("softmax_backward", '''
def softmax_backward(z, dp):
    p = softmax(np.asarray(z), axis=-1)
    return p * (dp - np.sum(dp, axis=-1, keepdims=True))
'''),
    "vjp_sum_over_batch_axis": ("softmax_backward", '''
def softmax_backward(z, dp):
    p = softmax(np.asarray(z), axis=-1)
    return p * (dp - np.sum(dp * p, axis=0, keepdims=True))
'''),
    "vjp_forgets_outer_p": ("softmax_backward", '''
def softmax_backward(z, dp):
    p = softmax(np.asarray(z), axis=-1)
    return dp - np.sum(dp * p, axis=-1, keepdims=True)
'''),
    "vjp_cross_entropy_shortcut": ("softmax_backward", '''
def softmax_backward(z, dp):
    return softmax(np.asarray(z), axis=-1) - np.asarray(dp)
'''),
    "vjp_builds_the_jacobian": ("softmax_backward", '''
def softmax_backward(z, dp):
    z, dp = np.asarray(z), np.asarray(dp)
    p = softmax(z, axis=-1)
    J = p[..., :, None] * np.eye(p.shape[-1], dtype=p.dtype) - p[..., :, None] * p[..., None, :]
    return np.einsum("...i,...ij->...j", dp, J)
'''),
}

# Correct answers written another way: they must keep full marks (tests/test_alternative_answers_probes.py).
ALTERNATIVE_ANSWERS = {
    "jacobian_loops": ("softmax_jacobian", '''
def softmax_jacobian(z):
    z = np.asarray(z)
    rows = z.reshape(-1, z.shape[-1])
    out = np.zeros(rows.shape + (rows.shape[-1],), dtype=softmax(rows[:1]).dtype)
    for n, row in enumerate(rows):
        p = softmax(row)
        for i in range(len(p)):
            for j in range(len(p)):
                out[n, i, j] = p[i] * ((i == j) - p[j])
    return out.reshape(z.shape + (z.shape[-1],))
'''),
    "jacobian_diag_minus_outer": ("softmax_jacobian", '''
def softmax_jacobian(z):
    p = softmax(np.asarray(z), axis=-1)
    if p.ndim == 1:
        return np.diag(p) - np.outer(p, p)
    return np.stack([np.diag(row) - np.outer(row, row) for row in p])
'''),
    "vjp_einsum": ("softmax_backward", '''
def softmax_backward(z, dp):
    p = softmax(np.asarray(z), axis=-1)
    dp = np.asarray(dp)
    return p * dp - p * np.einsum("...i,...i->...", dp, p)[..., None]
'''),
}
