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
}
