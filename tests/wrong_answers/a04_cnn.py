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
