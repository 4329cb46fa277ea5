"""Wrong answers for a04_cnn: the mistakes learners actually make."""

_CONV_TEMPLATE = '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    num_filters, _, kh, kw = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h_out = (H + 2 * padding - kh) // stride + 1
    w_out = (W + 2 * padding - kw) // stride + 1
    out = np.zeros((N, num_filters, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            window = x_pad[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + b[None, :, None, None]
'''


def _conv(old: str, new: str) -> str:
    assert old in _CONV_TEMPLATE, old
    return _CONV_TEMPLATE.replace(old, new)


WRONG_ANSWERS = {
    # --- conv_output_size --------------------------------------------------------------------
    "output_size_off_by_one": ("conv_output_size", '''
def conv_output_size(n, k, stride=1, padding=0):
    return (n + 2 * padding - k) // stride
'''),
    "output_size_padding_once": ("conv_output_size", '''
def conv_output_size(n, k, stride=1, padding=0):
    return (n + padding - k) // stride + 1
'''),
    "output_size_true_division": ("conv_output_size", '''
def conv_output_size(n, k, stride=1, padding=0):
    return (n + 2 * padding - k) / stride + 1
'''),
    # --- conv2d_forward ----------------------------------------------------------------------
    "conv_flipped_kernel": ("conv2d_forward", _conv(
        "np.tensordot(window, w, axes", "np.tensordot(window, w[:, :, ::-1, ::-1], axes")),
    "conv_ignores_padding": ("conv2d_forward", _conv(
        "x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))", "x_pad = x").replace(
        "2 * padding", "0 * padding")),
    "conv_ignores_stride": ("conv2d_forward", _conv(
        "window = x_pad[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]",
        "window = x_pad[:, :, i:i + kh, j:j + kw]")),
    "conv_off_by_one_loop": ("conv2d_forward", _conv(
        "h_out = (H + 2 * padding - kh) // stride + 1\n    w_out = (W + 2 * padding - kw) // stride + 1",
        "h_out = (H + 2 * padding - kh) // stride\n    w_out = (W + 2 * padding - kw) // stride")),
    # --- max_pool2d_forward ------------------------------------------------------------------
    "pool_max_starts_at_zero": ("max_pool2d_forward", '''
def max_pool2d_forward(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    N, C, H, W = x.shape
    h_out = (H - kernel_size) // stride + 1
    w_out = (W - kernel_size) // stride + 1
    out = np.zeros((N, C, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            for u in range(kernel_size):
                for v in range(kernel_size):
                    out[:, :, i, j] = np.maximum(out[:, :, i, j], x[:, :, i * stride + u, j * stride + v])
    return out
'''),
    "pool_stride_always_one": ("max_pool2d_forward", '''
def max_pool2d_forward(x, kernel_size, stride=None):
    N, C, H, W = x.shape
    h_out = H - kernel_size + 1
    w_out = W - kernel_size + 1
    out = np.empty((N, C, h_out, w_out), dtype=x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = x[:, :, i:i + kernel_size, j:j + kernel_size].max(axis=(2, 3))
    return out
'''),
    "pool_reshape_trick": ("max_pool2d_forward", '''
def max_pool2d_forward(x, kernel_size, stride=None):
    N, C, H, W = x.shape
    k = kernel_size
    x = x[:, :, :H // k * k, :W // k * k]
    return x.reshape(N, C, H // k, k, W // k, k).max(axis=(3, 5))
'''),
    # --- LeNet5 ------------------------------------------------------------------------------
    "lenet_no_padding": ("LeNet5", '''
class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 4 * 4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))
'''),
    "lenet_average_pooling": ("LeNet5", '''
class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))
'''),
    "lenet_no_relu_in_classifier": ("LeNet5", '''
class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = x.flatten(1)
        return self.fc3(self.fc2(self.fc1(x)))
'''),
    # --- BasicBlock --------------------------------------------------------------------------
    "block_no_relu_after_add": ("BasicBlock", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out)) + self.shortcut(x)
'''),
    "block_without_projection": ("BasicBlock", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
    "block_projection_always": ("BasicBlock", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                      nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
    "block_stride_on_second_conv": ("BasicBlock", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          nn.BatchNorm2d(out_channels))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
}

_CONV_BACKWARD_HEAD = '''
def conv2d_backward(dout, x, w, b, stride=1, padding=0):
    _, _, height, width = x.shape
    _, _, kh, kw = w.shape
    _, _, h_out, w_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
'''

WRONG_ANSWERS.update({
    # --- conv2d_backward ---------------------------------------------------------------------
    "conv_backward_overwrites_overlaps": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=([0], [0]))
            dx_pad[:, :, rows, cols] = np.tensordot(g, w, axes=([1], [0]))  # = instead of +=
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + height, padding:padding + width], dw, db
'''),
    "conv_backward_padding_not_removed": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=([0], [0]))
            dx_pad[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, :height, :width], dw, db
'''),
    "conv_backward_ignores_stride": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i, i + kh), slice(j, j + kw)
            g = dout[:, :, i, j]
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=([0], [0]))
            dx_pad[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + height, padding:padding + width], dw, db
'''),
    "conv_backward_db_mean": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=([0], [0]))
            dx_pad[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.mean(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + height, padding:padding + width], dw, db
'''),
    "conv_backward_flipped_kernel": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    w_flip = w[:, :, ::-1, ::-1]
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dw += np.tensordot(g, x_pad[:, :, rows, cols], axes=([0], [0]))
            dx_pad[:, :, rows, cols] += np.tensordot(g, w_flip, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + height, padding:padding + width], dw, db
'''),
    "conv_backward_dw_first_image_only": ("conv2d_backward", _CONV_BACKWARD_HEAD + '''
    for i in range(h_out):
        for j in range(w_out):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            g = dout[:, :, i, j]
            dw += g[0][:, None, None, None] * x_pad[0, :, rows, cols][None]
            dx_pad[:, :, rows, cols] += np.tensordot(g, w, axes=([1], [0]))
    db = dout.sum(axis=(0, 2, 3))
    return dx_pad[:, :, padding:padding + height, padding:padding + width], dw, db
'''),
    # --- max_pool2d_backward -----------------------------------------------------------------
    "pool_backward_overwrites_overlaps": ("max_pool2d_backward", '''
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    dx = np.zeros_like(x)
    N, C, h_out, w_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    u, v = np.unravel_index(window.argmax(), window.shape)
                    dx[n, c, i * stride + u, j * stride + v] = dout[n, c, i, j]  # = instead of +=
    return dx
'''),
    "pool_backward_spreads_evenly": ("max_pool2d_backward", '''
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    dx = np.zeros_like(x)
    N, C, h_out, w_out = dout.shape
    for i in range(h_out):
        for j in range(w_out):
            dx[:, :, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size] += \\
                dout[:, :, i, j][:, :, None, None] / kernel_size ** 2
    return dx
'''),
    "pool_backward_stride_none_is_one": ("max_pool2d_backward", '''
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    stride = 1 if stride is None else stride
    dx = np.zeros_like(x)
    N, C, h_out, w_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    u, v = np.unravel_index(window.argmax(), window.shape)
                    dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]
    return dx
'''),
    "pool_backward_argmax_transposed": ("max_pool2d_backward", '''
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    dx = np.zeros_like(x)
    N, C, h_out, w_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, c, i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
                    v, u = np.unravel_index(window.argmax(), window.shape)
                    dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]
    return dx
'''),
    # --- train_lenet -------------------------------------------------------------------------
    "train_lenet_untrained": ("train_lenet", '''
def train_lenet(X, y, device):
    torch.manual_seed(0)
    return LeNet5().to(device).eval()
'''),
    "train_lenet_one_step": ("train_lenet", '''
def train_lenet(X, y, device):
    torch.manual_seed(0)
    model = LeNet5().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    optimizer.zero_grad()
    nn.functional.cross_entropy(model(torch.as_tensor(X[:64])), torch.as_tensor(y[:64])).backward()
    optimizer.step()
    return model.eval()
'''),
    "train_lenet_lr_too_high": ("train_lenet", '''
def train_lenet(X, y, device):
    torch.manual_seed(0)
    model = LeNet5().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=20.0)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    for epoch in range(2):
        for idx in torch.randperm(len(X_t)).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X_t[idx]), y_t[idx]).backward()
            optimizer.step()
    return model.eval()
'''),
})

# Correct answers written another way: each must keep full marks (tests/test_alternative_answers_probes.py).
ALTERNATIVE_ANSWERS = {
    "output_size_math_floor": ("conv_output_size", '''
def conv_output_size(n, k, stride=1, padding=0):
    import math

    return int(math.floor((n + 2 * padding - k) / stride)) + 1
'''),
    "conv_forward_windows_einsum": ("conv2d_forward", '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    from numpy.lib.stride_tricks import sliding_window_view

    kh, kw = w.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]  # (N, C, OH, OW, KH, KW)
    out = np.einsum("nchwij,fcij->nfhw", windows, w)
    return out + b.reshape(1, -1, 1, 1).astype(out.dtype)
'''),
    "pool_forward_windows_max": ("max_pool2d_forward", '''
def max_pool2d_forward(x, kernel_size, stride=None):
    from numpy.lib.stride_tricks import sliding_window_view

    stride = kernel_size if stride is None else stride
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5))
'''),
    "lenet_named_layers_functional": ("LeNet5", '''
class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)
        x = nn.functional.max_pool2d(nn.functional.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(nn.functional.relu(self.fc2(nn.functional.relu(self.fc1(x)))))
'''),
    "block_empty_sequential_identity": ("BasicBlock", '''
class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        projection = stride != 1 or in_channels != out_channels
        # An empty Sequential passes its input through unchanged, like nn.Identity().
        self.shortcut = nn.Sequential(*([nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                         nn.BatchNorm2d(out_channels)] if projection else []))

    def forward(self, x):
        out = nn.functional.relu(self.bn1(self.conv1(x)))
        return nn.functional.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
    "conv_backward_einsum_per_offset": ("conv2d_backward", '''
def conv2d_backward(dout, x, w, b, stride=1, padding=0):
    from numpy.lib.stride_tricks import sliding_window_view

    _, _, H, W = x.shape
    kh, kw = w.shape[2:]
    oh, ow = dout.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :oh, :ow]
    dw = np.einsum("nfhw,nchwij->fcij", dout, windows)
    db = dout.sum(axis=(0, 2, 3))
    dx_pad = np.zeros_like(x_pad)
    for i in range(kh):
        for j in range(kw):  # every output position touched input pixel (i + s*h, j + s*w) with weight w[:, :, i, j]
            dx_pad[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    return dx_pad[:, :, padding:padding + H, padding:padding + W], dw, db
'''),
    "pool_backward_plain_loops": ("max_pool2d_backward", '''
def max_pool2d_backward(dout, x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    dx = np.zeros_like(x)
    N, C, oh, ow = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = x[n, c, i * s:i * s + kernel_size, j * s:j * s + kernel_size]
                    u, v = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * s + u, j * s + v] += dout[n, c, i, j]
    return dx
'''),
    "train_lenet_sgd_one_cycle": ("train_lenet", '''
def train_lenet(X, y, device):
    torch.manual_seed(1)
    model = LeNet5().to(device)
    num_epochs, batch_size = 15, 32
    optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.9, nesterov=True)
    steps = num_epochs * -(-len(X) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.03, total_steps=steps)
    X_t, y_t = torch.as_tensor(X), torch.as_tensor(y)
    generator = torch.Generator().manual_seed(1)
    model.train()
    for _ in range(num_epochs):
        for idx in torch.randperm(len(X_t), generator=generator).split(batch_size):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(X_t[idx].to(device)), y_t[idx].to(device)).backward()
            optimizer.step()
            schedule.step()
    return model.eval()
'''),
}
